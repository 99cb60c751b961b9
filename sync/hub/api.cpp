// The hub's routes (see api.h). Every failure a client can cause gets a 4xx with a reason and
// a fix; storage trouble gets 503 with Retry-After; nothing a client sends reaches a 500.
#include "api.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "platform/log.h"
#include "sync/hub/batch_reader.h"
#include "sync/hub/hub_commands.h"
#include "sync/hub/json_body.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/gzip.h"
#include "sync/protocol/response.h"

namespace otklik::hub {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxResponseBytes = 64u << 10;  // one response as JSON

bool isUuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

std::string bearer(const HttpRequest& request) {
    std::string value = request.header("authorization");
    if (value.size() > 7 && (value.compare(0, 7, "Bearer ") == 0 || value.compare(0, 7, "bearer ") == 0)) return value.substr(7);
    return "";
}

std::string cookie(const HttpRequest& request, const std::string& name) {
    std::string all = request.header("cookie");
    size_t pos = 0;
    while (pos < all.size()) {
        size_t end = all.find(';', pos);
        if (end == std::string::npos) end = all.size();
        std::string part = all.substr(pos, end - pos);
        part.erase(0, part.find_first_not_of(' '));
        if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
        pos = end + 1;
    }
    return "";
}

// One batch item, as read from the wire, checked against the sending terminal and the store's limits.
BatchItem checkItem(WireItem&& item, const Terminal& terminal) {
    BatchItem out;
    out.rejected.id = std::move(item.id);
    out.rejected.seq = item.seq;
    auto reject = [&](std::string reason) {
        out.rejected.result = ItemResult::Rejected;
        out.rejected.reason = std::move(reason);
        return out;
    };
    if (!item.response) return reject(std::move(item.error));
    const Response& response = *item.response;
    if (!isUuid(response.id)) return reject("\"id\" must be a UUID such as 01a20246-7804-7af1-b529-70811271dc04");
    if (response.seq < 1) return reject("\"seq\" must be 1 or more");
    if (response.terminalId != terminal.id)
        return reject("\"terminal_id\" is \"" + response.terminalId + "\" but the token belongs to \"" + terminal.id + "\"");
    // PostgreSQL text cannot hold NUL, and no visitor typed one: refuse it on both stores alike.
    for (const std::string* field : {&response.id, &response.service, &response.channel, &response.language, &response.questionnaireId,
                                     &response.questionnaireVersion, &response.bootId})
        if (field->find('\0') != std::string::npos) return reject("text fields must not contain NUL characters");
    for (const auto& [question, answer] : response.answers)
        if (answer.rating != 0 && (answer.rating < 1 || answer.rating > 5)) return reject("answer \"" + question + "\" must be a rating 1-5");
    if (item.canonical.size() > kMaxResponseBytes)
        return reject("the response is larger than " + std::to_string(kMaxResponseBytes >> 10) + " KiB");
    IncomingResponse in;
    in.id = response.id;
    in.seq = response.seq;
    in.service = response.service;
    in.channel = response.channel;
    in.status = toString(response.status);
    in.language = response.language;
    in.questionnaireId = response.questionnaireId;
    in.questionnaireVersion = response.questionnaireVersion;
    in.completedAtMs = response.completedAtMs;
    in.contentHash = sha256Hex(item.canonical);
    in.body = std::move(item.canonical);
    out.response = std::move(in);
    return out;
}

}  // namespace

HttpReply jsonReply(int status, const json& body) {
    HttpReply reply;
    reply.status = status;
    reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

HttpReply errorReply(int status, const std::string& error, const std::string& fix, const std::string& code) {
    json body{{"error", error}, {"fix", fix}};
    if (!code.empty()) body["code"] = code;
    return jsonReply(status, body);
}

HttpReply terminalMismatch(const std::string& what, const Terminal& terminal, const std::string& claimed, const std::string& from) {
    // Never a verdict on the responses: the terminal keeps them and delivers them once it has
    // its own token. Logged, because a copy-paste slip between two configs looks exactly so.
    log::warning("hub: refused " + what + " from " + from + ": the token of terminal " + terminal.id + " came from terminal " + claimed +
                 "; nothing of terminal " + terminal.id + " was changed");
    return errorReply(403,
                      "this token belongs to terminal \"" + terminal.id + "\", but " + what + " comes from terminal \"" + claimed +
                          "\"; nothing was stored",
                      "give terminal \"" + claimed + "\" its own token: enrol it (docs/technician.md). It keeps its responses and delivers them then",
                      "terminal_mismatch");
}

namespace {

// The first characters of a refused token's hash, so the log can tell refusals apart without
// holding anything that would let a reader use the token.
std::string tokenTag(const std::string& token) { return "token sha256 " + sha256Hex(token).substr(0, 12); }

}  // namespace

HubApi::HubApi(HubStore& store, const Clock& clock, ApiSettings settings)
    : store_(store), clock_(clock), settings_(settings), limiter_(settings.rateLimitPerSecond, settings.rateLimitBurst) {
    if (settings_.phoneAssets) {
        PhoneSettings phone;
        phone.windowS = settings_.qrTokenWindowS;
        phone_ = std::make_unique<PhoneRoutes>(store_, clock_, phone, settings_.phoneAssets);
    }
    enrol_ = std::make_unique<EnrolRoutes>(store_, clock_, settings_.enrol, [this](const Terminal& t) { return configBody(t); });
}

HttpReply HubApi::handle(const HttpRequest& request) {
    std::string routeName = "other";
    HttpReply reply;
    try {
        reply = route(request, routeName);
    } catch (const SqlError& e) {
        log::error(std::string("hub: storage: ") + e.what());
        reply = errorReply(503, "the hub's storage is unavailable just now", "retry later; nothing was stored by this request");
        reply.headers.emplace_back("Retry-After", "5");
    }
    reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
    metrics_.countRequest(routeName, reply.status);
    return reply;
}

HttpReply HubApi::route(const HttpRequest& request, std::string& routeName) {
    const std::string& path = request.path;
    auto terminalRoute = [&](const char* method, HttpReply (HubApi::*handler)(const HttpRequest&, const Terminal&)) {
        routeName = path;
        if (request.method != method)
            return errorReply(405, request.method + " is not allowed here", std::string("use ") + method);
        HttpReply refusal;
        auto terminal = authenticate(request, refusal);
        if (!terminal) return refusal;
        return (this->*handler)(request, *terminal);
    };
    if (path == "/api/v1/responses:batch") return terminalRoute("POST", &HubApi::postBatch);
    if (path == "/api/v1/config") return terminalRoute("GET", &HubApi::getConfig);
    if (path == "/api/v1/heartbeat") return terminalRoute("POST", &HubApi::postHeartbeat);
    if (path == "/api/v1/events") return terminalRoute("POST", &HubApi::postEvents);
    if (path == "/api/v1/enrol") {
        routeName = path;
        return enrol_->handle(request);
    }
    if (path == "/healthz") {
        routeName = path;
        return healthz();
    }
    if (path == "/metrics") {
        routeName = path;
        HttpReply reply;
        reply.contentType = "text/plain; version=0.0.4; charset=utf-8";
        reply.body = metrics_.render(store_.terminals());
        return reply;
    }
    if (path == "/results") {
        routeName = path;
        return results(request);
    }
    if (path == "/login") {
        routeName = path;
        return login(request);
    }
    if (phone_ && (path.rfind("/Q/", 0) == 0 || path.rfind("/q/", 0) == 0)) {
        routeName = "/Q/{token}";
        return phone_->handle(request);
    }
    return errorReply(404, "no such page: " + path.substr(0, 200), "see docs/api/openapi.yaml for the hub's routes");
}

std::optional<Terminal> HubApi::authenticate(const HttpRequest& request, HttpReply& refusal) {
    std::string token = bearer(request);
    if (token.empty()) {
        log::warning("hub: refused " + request.method + " " + request.path + " from " + request.remoteAddress + ": no token");
        refusal = errorReply(401, "no terminal token", "send the header Authorization: Bearer <token from `otklik-hub terminal add`>",
                             "token_missing");
        refusal.headers.emplace_back("WWW-Authenticate", "Bearer");
        return std::nullopt;
    }
    auto terminal = store_.terminalByTokenHash(sha256Hex(token));
    if (!terminal) {
        if (auto replaced = store_.replacedDeviceByTokenHash(sha256Hex(token))) {
            log::warning("hub: refused " + request.method + " " + request.path + " from " + request.remoteAddress + ": device " +
                         std::to_string(replaced->device) + " of terminal " + replaced->terminalId + " was replaced (" + tokenTag(token) + ")");
            refusal = errorReply(403,
                                 "this device (device " + std::to_string(replaced->device) + " of terminal " + replaced->terminalId +
                                     ") was replaced by a newly enrolled device on " + formatUtc(replaced->replacedAtMs) +
                                     "; its token no longer works",
                                 "the responses still on this device are kept: export them to a USB stick from the service menu. "
                                 "To use this device again, enrol it under a new terminal id (a code for this id would replace the device now in service)",
                                 "device_replaced");
            return std::nullopt;
        }
        log::warning("hub: refused " + request.method + " " + request.path + " from " + request.remoteAddress + ": unknown " + tokenTag(token));
        refusal = errorReply(401, "unknown terminal token", "enrol the terminal again: `otklik-hub terminal enrol-code` gives a code",
                             "token_unknown");
        refusal.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return std::nullopt;
    }
    if (terminal->revokedAtMs) {
        log::warning("hub: refused " + request.method + " " + request.path + " from " + request.remoteAddress + ": terminal " + terminal->id +
                     " is revoked (" + tokenTag(token) + ")");
        refusal = errorReply(403, "terminal " + terminal->id + " has been revoked", "a technician must enrol it under a new id",
                             "terminal_revoked");
        return std::nullopt;
    }
    int retryAfter = 1;
    if (!limiter_.allow(terminal->id, clock_.wallMs(), retryAfter)) {
        refusal = errorReply(429, "too many requests from terminal " + terminal->id, "wait for Retry-After seconds");
        refusal.headers.emplace_back("Retry-After", std::to_string(retryAfter));
        return std::nullopt;
    }
    return terminal;
}

std::optional<std::string> HubApi::jsonBody(const HttpRequest& request, HttpReply& refusal) {
    std::string type = request.header("content-type");
    std::string base = type.substr(0, type.find(';'));
    base.erase(base.find_last_not_of(' ') + 1);
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (base != "application/json") {
        refusal = errorReply(415, "Content-Type must be application/json", "send JSON with Content-Type: application/json");
        return std::nullopt;
    }
    std::string encoding = request.header("content-encoding");
    if (encoding.empty() || encoding == "identity") return request.body;
    if (encoding != "gzip") {
        refusal = errorReply(415, "Content-Encoding \"" + encoding.substr(0, 40) + "\" is not supported", "send gzip or no encoding");
        return std::nullopt;
    }
    std::string inflated;
    switch (gunzip(request.body, settings_.maxDecompressedBytes, inflated)) {
        case GunzipError::None: return inflated;
        case GunzipError::TooLarge:
            refusal = errorReply(413, "the body inflates to more than " + std::to_string(settings_.maxDecompressedBytes >> 20) + " MiB",
                                 "send smaller batches");
            return std::nullopt;
        case GunzipError::Malformed:
            refusal = errorReply(400, "the body is not valid gzip", "compress the whole body with gzip, or send it uncompressed");
            return std::nullopt;
    }
    return std::nullopt;
}

HttpReply HubApi::postBatch(const HttpRequest& request, const Terminal& terminal) {
    HttpReply refusal;
    auto body = jsonBody(request, refusal);
    if (!body) return refusal;
    WireBatch batch = readBatch(*body, static_cast<size_t>(settings_.maxBatchItems));
    if (!batch.error.empty()) return errorReply(400, batch.error, batch.fix);
    // A batch of another terminal's responses is an identity error, not bad responses: refused
    // whole, so nothing is parked as rejected and the other terminal's numbers stay untouched.
    for (const auto& item : batch.items)
        if (item.response && item.response->terminalId != terminal.id)
            return terminalMismatch("a batch", terminal, item.response->terminalId, request.remoteAddress);
    std::vector<BatchItem> items;
    items.reserve(batch.items.size());
    for (auto& item : batch.items) items.push_back(checkItem(std::move(item), terminal));
    BatchOutcome outcome = store_.storeBatch(terminal.id, terminal.centre, items, clock_.wallMs());

    json results = json::array();
    int64_t stored = 0, duplicates = 0, rejected = 0;
    for (const auto& item : outcome.items) {
        json r{{"id", item.id}, {"seq", item.seq}, {"result", toString(item.result)}};
        if (item.result == ItemResult::Rejected) r["reason"] = item.reason;
        if (item.conflict) r["conflict"] = true;
        results.push_back(std::move(r));
        (item.result == ItemResult::Stored ? stored : item.result == ItemResult::Duplicate ? duplicates : rejected)++;
    }
    metrics_.countItems(stored, duplicates, rejected);
    if (rejected > 0) log::warning("hub: terminal " + terminal.id + ": " + std::to_string(rejected) + " responses rejected in a batch");
    return jsonReply(200, json{{"results", std::move(results)},
                               {"high_water_seq", outcome.highWaterSeq},
                               {"stored", stored},
                               {"duplicates", duplicates},
                               {"rejected", rejected}});
}

json HubApi::configBody(const Terminal& terminal) {
    AssignedConfig config = store_.configFor(terminal);
    json questionnaire = nullptr;
    if (!config.questionnaireJson.empty()) questionnaire = json::parse(config.questionnaireJson, nullptr, false);
    json body{{"terminal_id", terminal.id},
              {"centre", terminal.centre},
              {"questionnaire", questionnaire},
              {"questionnaire_version", config.version},
              {"settings",
               {{"heartbeat_interval_s", settings_.heartbeatIntervalS},
                {"batch_size", settings_.batchSize},
                {"qr_token_window_s", settings_.qrTokenWindowS}}}};
    // The PIN set with `terminal set-pin`, hashed: the terminal takes it when it is newer than its own.
    if (!terminal.servicePin.empty()) {
        json pin = json::parse(terminal.servicePin, nullptr, false);
        if (pin.is_object()) body["service_pin"] = pin;
    }
    return body;
}

HttpReply HubApi::getConfig(const HttpRequest& request, const Terminal& terminal) {
    HttpReply reply = jsonReply(200, configBody(terminal));
    std::string etag = "\"" + sha256Hex(reply.body).substr(0, 32) + "\"";
    reply.headers.emplace_back("ETag", etag);
    std::string match = request.header("if-none-match");
    // If-None-Match may list several tags, weak ones (W/"...") or "*".
    if (!match.empty() && (match == "*" || match.find(etag) != std::string::npos)) {
        HttpReply notModified;
        notModified.status = 304;
        notModified.contentType.clear();
        notModified.headers = {{"ETag", etag}, {"Cache-Control", "no-store"}};
        return notModified;
    }
    return reply;
}

HttpReply HubApi::postHeartbeat(const HttpRequest& request, const Terminal& terminal) {
    HttpReply refusal;
    auto body = jsonBody(request, refusal);
    if (!body) return refusal;
    std::string error;
    auto parsed = parseJson(*body, error);
    if (!parsed) return errorReply(400, error, "send the heartbeat as a JSON object");
    if (!parsed->is_object()) return errorReply(400, "the heartbeat must be a JSON object", "see docs/api/openapi.yaml");
    Heartbeat h;
    auto integer = [&](const char* key, int64_t& out, bool required) {
        auto it = parsed->find(key);
        if (it == parsed->end()) {
            if (required) error = std::string("\"") + key + "\" is missing";
            return !required;
        }
        if (!it->is_number_integer() || it->get<int64_t>() < 0) {
            error = std::string("\"") + key + "\" must be a whole number, 0 or more";
            return false;
        }
        out = it->get<int64_t>();
        return true;
    };
    auto text = [&](const char* key, std::string& out) {
        auto it = parsed->find(key);
        if (it == parsed->end()) return true;
        if (!it->is_string()) {
            error = std::string("\"") + key + "\" must be a string";
            return false;
        }
        out = it->get<std::string>().substr(0, 500);
        if (out.find('\0') != std::string::npos) {
            error = std::string("\"") + key + "\" must not contain NUL characters";
            return false;
        }
        return true;
    };
    std::string claimed;
    if (auto service = parsed->find("service"); service != parsed->end()) {
        if (!service->is_object()) return errorReply(400, "\"service\" must be an object", "see the heartbeat schema in docs/api/openapi.yaml");
        auto count = [&](const char* key, std::optional<int64_t>& out) {
            auto it = service->find(key);
            if (it != service->end() && it->is_number_integer() && it->get<int64_t>() >= 0) out = it->get<int64_t>();
        };
        count("pin_attempts", h.service.pinAttempts);
        count("pin_failures", h.service.pinFailures);
        count("pin_lockouts", h.service.pinLockouts);
        count("entries", h.service.entries);
    }
    if (!text("terminal_id", claimed) || !text("version", h.version) || !integer("uptime_s", h.uptimeS, false) || !integer("unsent", h.unsent, true) ||
        !integer("oldest_unsent_age_s", h.oldestUnsentS, false) || !integer("free_disk_bytes", h.freeDiskBytes, false) ||
        !integer("terminal_time_ms", h.terminalTimeMs, true) || !text("config_error", h.configError))
        return errorReply(400, error, "see the heartbeat schema in docs/api/openapi.yaml");
    // Optional for terminals from before it was sent; when given, it must be the token's.
    if (!claimed.empty() && claimed != terminal.id) return terminalMismatch("a heartbeat", terminal, claimed, request.remoteAddress);
    int64_t now = clock_.wallMs();
    store_.recordHeartbeat(terminal.id, h, now);
    return jsonReply(200, json{{"hub_time_ms", now}, {"clock_offset_ms", now - h.terminalTimeMs}});
}

HttpReply HubApi::healthz() {
    // The hub's clock to the millisecond: a terminal's connection test compares its own with it.
    const int64_t now = clock_.wallMs();
    try {
        store_.ping();
    } catch (const SqlError& e) {
        return jsonReply(503, json{{"status", "unavailable"}, {"error", e.what()}, {"time_ms", now}});
    }
    return jsonReply(200, json{{"status", "ok"}, {"store", store_.dialect() == SqlDialect::Postgres ? "postgresql" : "sqlite"}, {"time_ms", now}});
}

bool HubApi::isAdmin(const HttpRequest& request) {
    auto expected = store_.adminTokenHash();
    if (!expected) return false;
    std::string token = bearer(request);
    if (token.empty()) token = cookie(request, "otklik_admin");
    return !token.empty() && constantTimeEqual(sha256Hex(token), *expected);
}

}  // namespace otklik::hub
