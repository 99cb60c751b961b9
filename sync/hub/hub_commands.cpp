// The otklik-hub subcommands (see hub_commands.h).
#include "hub_commands.h"

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "platform/log.h"
#include "sync/hub/api.h"
#include "sync/hub/command_support.h"
#include "sync/hub/export_format.h"
#include "sync/hub/http_server.h"
#include "sync/hub/hub_store.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/questionnaire.h"
#include "sync/protocol/utc_time.h"

namespace otklik::hub {

namespace {

// An HTTP Date (IMF-fixdate) for a shifted clock; the hub runs in the C locale.
std::string httpDate(int64_t unixMs) {
    time_t seconds = static_cast<time_t>(unixMs / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

std::string ageText(std::optional<int64_t> atMs, int64_t nowMs) {
    if (!atMs) return "never";
    int64_t s = (nowMs - *atMs) / 1000;
    if (s < 120) return std::to_string(s) + " s ago";
    if (s < 7200) return std::to_string(s / 60) + " min ago";
    if (s < 172800) return std::to_string(s / 3600) + " h ago";
    return std::to_string(s / 86400) + " days ago";
}

}  // namespace

// Opens and upgrades the store, or says why not (and returns null).
std::unique_ptr<HubStore> openStore(const std::string& db, int poolSize) {
    try {
        auto store = std::make_unique<HubStore>(std::make_shared<SqlPool>(db, poolSize));
        store->migrate();
        return store;
    } catch (const SqlError& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return nullptr;
    }
}

bool readFile(const std::string& path, std::string& text) {
    std::string error;
    auto content = readWholeFile(path, error);
    if (!content) {
        std::fprintf(stderr, "otklik-hub: %s\n", error.c_str());
        return false;
    }
    text = std::move(*content);
    return true;
}

int noSuchTerminal(const std::string& id) {
    std::fprintf(stderr, "otklik-hub: no terminal \"%s\" (see `otklik-hub terminal list`)\n", id.c_str());
    return kBadInput;
}

int serve(const ServeOptions& o, const Clock* shiftedClock) {
    ServerOptions server;
    bool tls = !o.certFile.empty() || !o.keyFile.empty();
    if (tls && (o.certFile.empty() || o.keyFile.empty())) {
        std::fprintf(stderr, "otklik-hub: give both --cert and --key for HTTPS, or neither to serve plain HTTP on loopback behind a TLS proxy\n");
        return kBadInput;
    }
    if (tls && (!readFile(o.certFile, server.certPem) || !readFile(o.keyFile, server.keyPem))) return kBadInput;
    server.address = !o.listen.empty() ? o.listen : tls ? "0.0.0.0" : "127.0.0.1";
    server.port = o.port >= 0 ? o.port : tls ? 8443 : 8080;
    if (!tls && server.address != "127.0.0.1" && server.address != "::1") {
        std::fprintf(stderr,
                     "otklik-hub: without --cert/--key the hub speaks plain HTTP, so it listens on loopback only (127.0.0.1 or ::1) "
                     "for a TLS proxy such as nginx (docs/hub.md); give --cert and --key to listen on %s\n",
                     server.address.c_str());
        return kBadInput;
    }
    server.limits.threads = o.threads;
    server.limits.idleTimeoutSeconds = o.idleTimeoutS;
    server.limits.maxConnectionsPerAddress = o.maxConnectionsPerAddress;
    server.limits.requestTimeoutSeconds = o.requestTimeoutS;

    auto store = openStore(o.db, o.poolSize);
    if (!store) return kFailed;
    try {
        if (!store->adminTokenHash()) {
            // A first start: make the admin token now, so /results is usable without a second step.
            std::string token = "adm_" + randomToken(32);
            store->setAdminTokenHash(sha256Hex(token));
            std::printf("admin_token: %s\n(shown once; `otklik-hub admin-token` makes a new one)\n", token.c_str());
        }
    } catch (const SqlError& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return kFailed;
    }

    // Signals are taken by sigwait below, never by a pool thread (threads inherit this mask).
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    SystemClock systemClock;
    const Clock& clock = shiftedClock ? *shiftedClock : systemClock;
    ApiSettings settings;
    settings.rateLimitPerSecond = o.rateLimit;
    settings.qrTokenWindowS = static_cast<int>(o.qrWindowS);
    std::string assetsError;
    auto phoneAssets = loadPhoneAssets(o.assetsDir, assetsError);
    if (!phoneAssets) {
        std::fprintf(stderr, "otklik-hub: the phone form's assets are not usable:\n%s\n", assetsError.c_str());
        return kBadInput;
    }
    settings.phoneAssets = std::make_shared<const PhoneAssets>(std::move(*phoneAssets));
    HubApi api(*store, clock, settings);
    std::unique_ptr<HttpServer> http;
    try {
        http = std::make_unique<HttpServer>(server, [&api, &clock, shifted = shiftedClock != nullptr](const HttpRequest& r) {
            HttpReply reply = api.handle(r);
            // libmicrohttpd writes the real time unless the reply has a Date of its own.
            if (shifted) reply.headers.emplace_back("Date", httpDate(clock.wallMs()));
            return reply;
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return kFailed;
    }
    std::string store_kind = store->dialect() == SqlDialect::Postgres ? "postgresql" : "sqlite " + o.db;
    std::printf("otklik-hub: listening on %s://%s:%d (store: %s)\n", tls ? "https" : "http", server.address.c_str(), http->port(),
                store_kind.c_str());
    std::fflush(stdout);
    log::info(std::string("listening on port ") + std::to_string(http->port()));
    int signal = 0;
    sigwait(&stopSignals, &signal);
    log::info(std::string("stopping on ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT"));
    return kOk;
}

int terminalAdd(const std::string& db, const std::string& id, const std::string& centre) {
    auto store = openStore(db);
    if (!store) return kFailed;
    try {
        SystemClock clock;
        NewTerminalSecrets secrets = store->addTerminal(id, centre, clock.wallMs());
        std::printf("terminal: %s\ncentre: %s\ntoken: %s\nqr_secret: %s\n", id.c_str(), centre.c_str(), secrets.token.c_str(),
                    secrets.qrSecret.c_str());
        std::fprintf(stderr, "otklik-hub: put token and qr_secret into the terminal's config now; they are not shown again\n");
        return kOk;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return kBadInput;
    } catch (const SqlError& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return kFailed;
    }
}

int terminalList(const std::string& db, bool asJson) {
    auto store = openStore(db);
    if (!store) return kFailed;
    SystemClock clock;
    int64_t now = clock.wallMs();
    auto terminals = store->terminals();
    if (!asJson) std::printf("%-24s %-28s %-9s %-16s %10s %10s\n", "TERMINAL", "CENTRE", "STATE", "LAST SEEN", "HIGH SEQ", "MAX SEQ");
    for (const auto& t : terminals) {
        if (asJson) {
            nlohmann::json j{{"id", t.id},          {"centre", t.centre},           {"revoked", t.revokedAtMs.has_value()},
                             {"high_water_seq", t.highWaterSeq}, {"max_seq", t.maxSeq}, {"last_seen_ms", t.lastSeenMs ? nlohmann::json(*t.lastSeenMs) : nullptr}};
            // From the last heartbeat.
            j["clock_offset_ms"] = t.clockOffsetMs ? nlohmann::json(*t.clockOffsetMs) : nullptr;
            j["version"] = t.version;
            j["reported_unsent"] = t.reportedUnsent ? nlohmann::json(*t.reportedUnsent) : nullptr;
            // The device serving it now, and those it replaced (numbered on their own).
            j["device"] = t.device;
            j["device_base_seq"] = t.deviceBaseSeq;
            j["enrolled_at_ms"] = t.enrolledAtMs ? nlohmann::json(*t.enrolledAtMs) : nullptr;
            nlohmann::json replaced = nlohmann::json::array();
            for (const ReplacedDevice& d : store->replacedDevices(t.id))
                replaced.push_back({{"device", d.device}, {"replaced_at_ms", d.replacedAtMs}, {"high_water_seq", d.highWaterSeq}, {"max_seq", d.maxSeq}});
            j["replaced_devices"] = replaced;
            auto count = [](const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
            j["service"] = {{"pin_attempts", count(t.reportedService.pinAttempts)}, {"pin_failures", count(t.reportedService.pinFailures)},
                            {"pin_lockouts", count(t.reportedService.pinLockouts)}, {"entries", count(t.reportedService.entries)},
                            {"pin_set_by_hub", !t.servicePin.empty()}};
            std::printf("%s\n", j.dump().c_str());
        } else {
            std::printf("%-24s %-28s %-9s %-16s %10lld %10lld\n", t.id.c_str(), t.centre.c_str(), t.revokedAtMs ? "revoked" : "active",
                        ageText(t.lastSeenMs, now).c_str(), static_cast<long long>(t.highWaterSeq), static_cast<long long>(t.maxSeq));
        }
    }
    return kOk;
}

int terminalRevoke(const std::string& db, const std::string& id) {
    auto store = openStore(db);
    if (!store) return kFailed;
    SystemClock clock;
    if (!store->revokeTerminal(id, clock.wallMs())) return noSuchTerminal(id);
    std::printf("terminal %s revoked: its token is refused from now on (responses it sent are kept)\n", id.c_str());
    return kOk;
}

int questionnaireSet(const std::string& db, const std::string& terminal, const std::string& centre, const std::string& file) {
    std::string text;
    if (!readFile(file, text)) return kBadInput;
    // The same validation the kiosk runs, so a terminal never receives a file it would refuse.
    QuestionnaireLoad load = parseQuestionnaire(text, file);
    if (!load.questionnaire) {
        std::fprintf(stderr, "%s\n", load.problems.describe().c_str());
        std::fprintf(stderr, "otklik-hub: questionnaire not assigned; fix the lines above\n");
        return kBadInput;
    }
    auto store = openStore(db);
    if (!store) return kFailed;
    if (!terminal.empty() && !store->terminal(terminal)) return noSuchTerminal(terminal);
    SystemClock clock;
    std::string compact = nlohmann::json::parse(text).dump();
    store->setQuestionnaire(terminal.empty() ? "centre" : "terminal", terminal.empty() ? centre : terminal, compact,
                            load.questionnaire->version, clock.wallMs());
    std::printf("questionnaire %s version %s assigned to %s %s; terminals pick it up at their next config pull\n",
                load.questionnaire->id.c_str(), load.questionnaire->version.c_str(), terminal.empty() ? "centre" : "terminal",
                terminal.empty() ? centre.c_str() : terminal.c_str());
    return kOk;
}

int adminToken(const std::string& db) {
    auto store = openStore(db);
    if (!store) return kFailed;
    std::string token = "adm_" + randomToken(32);
    store->setAdminTokenHash(sha256Hex(token));
    std::printf("admin_token: %s\n", token.c_str());
    return kOk;
}

int exportResponses(const std::string& db, const std::string& format, const std::string& since, const std::string& centre,
                    const std::string& terminal) {
    ExportFilter filter;
    filter.centre = centre;
    filter.terminal = terminal;
    if (!since.empty()) {
        filter.sinceMs = parseUtcDate(since);
        if (!filter.sinceMs) {
            std::fprintf(stderr, "otklik-hub: --since \"%s\" is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n", since.c_str());
            return kBadInput;
        }
    }
    auto store = openStore(db);
    if (!store) return kFailed;
    ExportWriter writer(format == "csv" ? ExportFormat::Csv : ExportFormat::Jsonl, std::cout);
    writer.header();
    store->exportRows(filter, [&](const StoredRow& row) { writer.row(row); });
    std::cout.flush();
    return std::cout ? kOk : kFailed;
}

}  // namespace otklik::hub
