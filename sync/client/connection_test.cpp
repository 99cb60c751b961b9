// The connection test's steps and their words (see connection_test.h).
#include "connection_test.h"

#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "sync/client/http_client.h"
#include "sync/protocol/utc_time.h"

namespace otklik {

using json = nlohmann::json;

namespace {

struct HostPort {
    std::string host;
    std::string port;
};

HostPort hostPortOf(const std::string& url) {
    size_t start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    std::string authority = url.substr(start, url.find('/', start) - start);
    HostPort out{authority, url.rfind("http://", 0) == 0 ? "80" : "443"};
    size_t colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        out.host = authority.substr(0, colon);
        out.port = authority.substr(colon + 1);
    }
    return out;
}

int64_t ms(int64_t us) { return (us + 500) / 1000; }

// "10 min 3 s", "4.2 s", "0.3 s".
std::string spoken(int64_t ms) {
    int64_t a = std::llabs(ms);
    char buffer[48];
    if (a >= 120'000) std::snprintf(buffer, sizeof buffer, "%lld min %lld s", static_cast<long long>(a / 60'000), static_cast<long long>(a % 60'000 / 1000));
    else std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(a) / 1000.0);
    return buffer;
}

std::string hubWords(const HttpResult& r) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_string()) return body["error"].get<std::string>();
    return "HTTP " + std::to_string(r.status);
}

std::string hubCode(const HttpResult& r) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_object() && body.contains("code") && body["code"].is_string()) return body["code"].get<std::string>();
    return "";
}

class Steps {
public:
    explicit Steps(ConnectionReport& report) : report_(report) {}
    void ok(const char* name, std::string reason, std::string detail, int64_t took) {
        report_.steps.push_back({name, StepOutcome::Ok, std::move(reason), std::move(detail), "", took});
    }
    void fail(const char* name, std::string reason, std::string detail, std::string fix, int64_t took) {
        report_.steps.push_back({name, StepOutcome::Fail, std::move(reason), std::move(detail), std::move(fix), took});
        if (failedAt_.empty()) failedAt_ = name;
    }
    // The steps that could not be tried because an earlier one failed.
    void skip(std::initializer_list<const char*> names) {
        for (const char* name : names)
            report_.steps.push_back({name, StepOutcome::Skip, "skipped", "not tried: the " + failedAt_ + " step failed", "", 0});
    }

private:
    ConnectionReport& report_;
    std::string failedAt_;
};

// dns, tcp and tls from how far the /healthz exchange got. False when one of them failed (the
// rest were skipped).
bool networkSteps(Steps& steps, const HttpResult& r, const ConnectionTestSettings& s) {
    const HostPort where = hostPortOf(s.hubUrl);
    const HttpConnectionInfo& c = r.connection;
    const int64_t dnsMs = ms(c.resolvedUs), tcpMs = ms(c.connectedUs - c.resolvedUs), tlsMs = ms(c.tlsDoneUs - c.connectedUs);
    const std::string address = c.peerAddress.empty() ? "" : " (" + c.peerAddress + ")";
    if (r.error == HttpErrorKind::Resolve) {
        steps.fail("dns", "dns.unresolved", "the name " + where.host + " cannot be resolved (" + r.errorMessage + ")",
                   "check the host name in the hub url, and this network's DNS server (/etc/resolv.conf, or the router's)", ms(c.totalUs));
        steps.skip({"tcp", "tls", "hub", "auth", "clock"});
        return false;
    }
    if (r.error == HttpErrorKind::Proxy) {
        steps.ok("dns", "dns.ok", "not needed here: the proxy resolves the name", 0);
        steps.fail("tcp", "tcp.proxy", r.errorMessage, "check the proxy setting under [hub] (or https_proxy) and that the proxy lets the hub through",
                   ms(c.totalUs));
        steps.skip({"tls", "hub", "auth", "clock"});
        return false;
    }
    const bool literal = where.host == c.peerAddress || (where.host.size() > 2 && where.host.front() == '[');
    steps.ok("dns", "dns.ok",
             literal ? where.host + " is an IP address: nothing to look up"
                     : where.host + " is " + (c.peerAddress.empty() ? std::string("resolved") : c.peerAddress),
             dnsMs);
    const bool connected = c.connectedUs > 0 || r.replied();
    if (r.error == HttpErrorKind::Connect || (r.error == HttpErrorKind::Timeout && !connected)) {
        bool refused = r.error == HttpErrorKind::Connect;
        steps.fail("tcp", refused ? "tcp.refused" : "tcp.timeout",
                   refused ? "nothing accepts connections at " + where.host + ":" + where.port + address
                           : "no answer from " + where.host + ":" + where.port + address + " in time",
                   refused ? "check the port in the hub url, and that otklik-hub (or the nginx in front of it) is running there: "
                             "systemctl status otklik-hub on the hub"
                           : "a firewall drops the traffic, or the hub's host is down or not reachable from this network",
                   ms(c.totalUs));
        steps.skip({"tls", "hub", "auth", "clock"});
        return false;
    }
    steps.ok("tcp", "tcp.ok", "connected to " + where.host + ":" + where.port + address, tcpMs);
    if (s.insecure) {
        steps.fail("tls", "tls.off", "TLS checks are off (insecure_development_only): anyone on the way can read and change what is sent",
                   "remove insecure_development_only from [hub] and give the hub's https:// url with ca_file or pins", 0);
        return true;  // the rest can still be tried
    }
    if (r.error == HttpErrorKind::Tls || (r.error == HttpErrorKind::Timeout && c.tlsDoneUs == 0)) {
        std::string reason = "tls.failed";
        const std::string& words = r.errorWords;
        if (words.find("pins") != std::string::npos) reason = "tls.pin";
        else if (words.find("not trusted") != std::string::npos) reason = "tls.untrusted";
        else if (words.find("validity dates") != std::string::npos) reason = "tls.expired";
        else if (words.find("different name") != std::string::npos) reason = "tls.name";
        else if (words.find("CA file") != std::string::npos) reason = "tls.ca_file";
        std::string fix = r.errorAdvice.empty() ? "check that the url points at the hub's HTTPS port" : r.errorAdvice;
        steps.fail("tls", reason, r.error == HttpErrorKind::Timeout ? "the TLS handshake did not finish in time" : r.errorMessage, fix,
                   ms(c.totalUs - c.connectedUs));
        steps.skip({"hub", "auth", "clock"});
        return false;
    }
    std::string how = s.pinned ? "the hub's key matches a configured pin" : s.customCa ? "certificate signed by the configured CA" : "certificate trusted";
    if (c.certificateExpiresAtMs) how += ", valid until " + utcDay(*c.certificateExpiresAtMs);
    steps.ok("tls", "tls.ok", how, tlsMs);
    return true;
}

enum class HubFound {
    Answering,  // otklik-hub answers: check the token
    StoreDown,  // otklik-hub answers but cannot check a token: the clock can still be read
    Absent,     // nothing but otklik-hub could be reached: nothing more to try
};

// The hub step from /healthz's reply.
HubFound hubStep(Steps& steps, const HttpResult& r) {
    const int64_t took = ms(r.connection.totalUs - r.connection.tlsDoneUs);
    if (!r.replied()) {
        steps.fail("hub", "hub.cut", "the connection was cut before an answer came (" + r.errorMessage + ")",
                   "a proxy in front of a stopped otklik-hub does this: check that otklik-hub runs (systemctl status otklik-hub)", took);
        return HubFound::Absent;
    }
    json body = json::parse(r.body, nullptr, false);
    const bool isHub = body.is_object() && body.contains("status") && body["status"].is_string();
    if (r.status == 200 && isHub && body["status"] == "ok") {
        steps.ok("hub", "hub.ok", "otklik-hub answers (store: " + body.value("store", std::string("?")) + ")", took);
        return HubFound::Answering;
    }
    if (r.status == 503 && isHub) {
        steps.fail("hub", "hub.store_down", "otklik-hub runs, but its database does not answer (" + body.value("error", std::string()) + ")",
                   "on the hub: check the database (is PostgreSQL running? is the disk full?); the terminal keeps its responses meanwhile",
                   took);
        return HubFound::StoreDown;
    }
    if (r.status == 502 || r.status == 503 || r.status == 504) {
        steps.fail("hub", "hub.down", "a proxy answers (HTTP " + std::to_string(r.status) + "), but the otklik-hub behind it does not",
                   "start otklik-hub on the hub (systemctl start otklik-hub) and check the proxy's upstream address", took);
        return HubFound::Absent;
    }
    steps.fail("hub", "hub.other", "something other than otklik-hub answers at this address (HTTP " + std::to_string(r.status) + ")",
               "check the hub url: the https://host:port of otklik-hub, with nothing after it", took);
    return HubFound::Absent;
}

void authStep(Steps& steps, HttpTransport& transport, const ConnectionTestSettings& s, const Clock& clock, ConnectionReport& report) {
    if (s.token.empty()) {
        steps.fail("auth", "auth.not_enrolled", "this terminal is not enrolled yet: it has no token",
                   "enrol it: service menu → Enrol, or otklik-kiosk enrol --config FILE --code CODE", 0);
        return;
    }
    HttpRequest request;
    request.method = "GET";
    request.url = hubRouteUrl(s.hubUrl, "/api/v1/config");
    request.headers = {{"Authorization", "Bearer " + s.token}, {"Accept", "application/json"}};
    request.maxReplyBytes = 4u << 20;
    const int64_t start = clock.monoMs();
    HttpResult r = transport.send(request);
    const int64_t took = clock.monoMs() - start;
    if (!r.replied()) {
        steps.fail("auth", "auth.no_answer", "the hub did not answer the token check (" + r.errorMessage + ")", "test again; if it stays, see the hub's log",
                   took);
        return;
    }
    json body = json::parse(r.body, nullptr, false);
    if (r.status == 200 && body.is_object() && body.contains("terminal_id") && body["terminal_id"].is_string()) {
        report.terminalId = body["terminal_id"].get<std::string>();
        report.centre = body.value("centre", std::string());
        if (!s.terminalId.empty() && report.terminalId != s.terminalId) {
            steps.fail("auth", "auth.mismatch",
                       "the token belongs to terminal \"" + report.terminalId + "\", but this terminal is \"" + s.terminalId + "\"",
                       "this terminal was given another terminal's token: enrol it again (service menu → Enrol); its responses wait here", took);
            return;
        }
        steps.ok("auth", "auth.ok", "token accepted for terminal " + report.terminalId + " (" + report.centre + ")", took);
        return;
    }
    const std::string code = hubCode(r);
    if (r.status == 401)
        steps.fail("auth", "auth.unknown", "the hub does not know this terminal's token (" + hubWords(r) + ")",
                   "enrol the terminal again: `otklik-hub terminal enrol-code` gives a code", took);
    else if (code == "terminal_revoked")
        steps.fail("auth", "auth.revoked", "this terminal was revoked on the hub (" + hubWords(r) + ")",
                   "enrol the device under a new terminal id (ask for a code for the new id)", took);
    else if (code == "device_replaced")
        steps.fail("auth", "auth.replaced", hubWords(r), "export this device's responses to a USB stick; to use it again, enrol it under a new terminal id", took);
    else
        steps.fail("auth", "auth.refused", "the hub refused the token check: " + hubWords(r), "see the hub's answer above and the hub's log", took);
}

void clockStep(Steps& steps, const HttpResult& r, int64_t sentAtMs, int64_t receivedAtMs, const ConnectionTestSettings& s,
               ConnectionReport& report) {
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("time_ms") || !body["time_ms"].is_number_integer()) {
        steps.ok("clock", "clock.unknown", "not measured: this hub does not tell its time in /healthz", 0);
        return;
    }
    const int64_t offset = body["time_ms"].get<int64_t>() - (sentAtMs + receivedAtMs) / 2;
    report.clockOffsetMs = offset;
    const int64_t uncertainty = (receivedAtMs - sentAtMs) / 2;
    if (std::llabs(offset) > s.clockSuspectAfterMs) {
        steps.fail("clock", "clock.off",
                   "this terminal's clock is " + spoken(offset) + (offset > 0 ? " behind" : " ahead of") + " the hub's",
                   "turn on time synchronisation (timedatectl set-ntp true) or set the clock; meanwhile responses are flagged "
                   "clock_suspect and the hub corrects their times",
                   0);
        return;
    }
    steps.ok("clock", "clock.ok", "within " + spoken(std::llabs(offset) + uncertainty) + " of the hub's clock", 0);
}

}  // namespace

bool ConnectionReport::passed() const {
    for (const auto& step : steps)
        if (step.outcome != StepOutcome::Ok) return false;
    return !steps.empty();
}

const ConnectionStep* ConnectionReport::firstFailure() const {
    for (const auto& step : steps)
        if (step.outcome == StepOutcome::Fail) return &step;
    return nullptr;
}

ConnectionReport runConnectionTest(HttpTransport& transport, const ConnectionTestSettings& s, const Clock& clock) {
    ConnectionReport report;
    Steps steps(report);
    HttpRequest health;
    health.method = "GET";
    health.url = hubRouteUrl(s.hubUrl, "/healthz");
    health.inspectConnection = true;
    health.maxReplyBytes = 64 * 1024;
    const int64_t sentAt = clock.wallMs();
    HttpResult r = transport.send(health);
    const int64_t receivedAt = clock.wallMs();
    report.peerAddress = r.connection.peerAddress;
    report.certificateExpiresAtMs = r.connection.certificateExpiresAtMs;
    if (!networkSteps(steps, r, s)) return report;
    switch (hubStep(steps, r)) {
        case HubFound::Absent: steps.skip({"auth", "clock"}); return report;
        case HubFound::StoreDown: steps.skip({"auth"}); break;
        case HubFound::Answering: authStep(steps, transport, s, clock, report); break;
    }
    clockStep(steps, r, sentAt, receivedAt, s, report);
    return report;
}

std::string stepLine(const ConnectionStep& step) {
    const char* word = step.outcome == StepOutcome::Ok ? "ok" : step.outcome == StepOutcome::Fail ? "FAIL" : "skip";
    std::string line = std::string(word) + " " + step.name + ": " + step.detail;
    if (step.outcome != StepOutcome::Skip) line += " (" + std::to_string(step.ms) + " ms)";
    if (step.outcome == StepOutcome::Fail) line += ". Fix: " + step.fix;
    return line;
}

json reportJson(const ConnectionReport& report) {
    json steps = json::array();
    for (const auto& s : report.steps) {
        const char* outcome = s.outcome == StepOutcome::Ok ? "ok" : s.outcome == StepOutcome::Fail ? "fail" : "skip";
        json step{{"step", s.name}, {"result", outcome}, {"reason", s.reason}, {"detail", s.detail}, {"ms", s.ms}};
        if (s.outcome == StepOutcome::Fail) step["fix"] = s.fix;
        steps.push_back(std::move(step));
    }
    json out{{"passed", report.passed()}, {"steps", steps}};
    if (!report.peerAddress.empty()) out["hub_address"] = report.peerAddress;
    if (report.certificateExpiresAtMs) out["certificate_expires"] = utcDay(*report.certificateExpiresAtMs);
    if (report.clockOffsetMs) out["clock_offset_ms"] = *report.clockOffsetMs;
    if (!report.terminalId.empty()) out["terminal_id"] = report.terminalId;
    return out;
}

}  // namespace otklik
