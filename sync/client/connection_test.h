// The terminal's connection test: can it reach its hub, and what to fix when it cannot. Six
// steps in order — dns, tcp, tls, hub, auth, clock — each passed or failed with its time, one
// sentence of what is wrong and one of what to do, and a stable reason id the service screen
// translates. `otklik-kiosk diagnose`, the service menu's network screen and enrolment run it
// (docs/technician.md, "What the errors mean").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "platform/clock.h"
#include "sync/client/http_transport.h"

namespace otklik {

enum class StepOutcome { Ok, Fail, Skip };

struct ConnectionStep {
    std::string name;         // dns, tcp, tls, hub, auth, clock
    StepOutcome outcome = StepOutcome::Skip;
    std::string reason;       // stable id of what was found: "dns.unresolved", "tls.pin", "auth.ok", ...
    std::string detail;       // what was found, in words
    std::string fix;          // what to do (failures only)
    int64_t ms = 0;           // how long the step took
};

struct ConnectionReport {
    std::vector<ConnectionStep> steps;
    std::string peerAddress;                        // the hub's IP address, when connected
    std::optional<int64_t> certificateExpiresAtMs;  // the hub certificate's end, when shown
    std::optional<int64_t> clockOffsetMs;           // hub clock minus this terminal's, when measured
    std::string terminalId;                         // as the hub knows this token, when it answered
    std::string centre;

    [[nodiscard]] bool passed() const;
    [[nodiscard]] const ConnectionStep* firstFailure() const;
};

struct ConnectionTestSettings {
    std::string hubUrl;                   // https://host:port
    std::string token;                    // "" = not enrolled (auth fails with what to do)
    std::string terminalId;               // who this terminal is (auth checks the hub agrees)
    bool customCa = false;                // a ca_file is configured (for the wording of fixes)
    bool pinned = false;                  // public-key pins are configured
    bool insecure = false;                // insecure_development_only: no TLS checks
    int64_t clockSuspectAfterMs = 120'000;
};

// Runs the steps with `transport` (a fresh HttpClient, so nothing is reused): GET /healthz,
// then GET /api/v1/config with the token. Never throws; takes at most the transport's timeouts.
[[nodiscard]] ConnectionReport runConnectionTest(HttpTransport& transport, const ConnectionTestSettings& settings, const Clock& clock);

// "ok dns: …" / "FAIL tls: … Fix: …" / "skip auth: …" — the `diagnose` line of a step.
[[nodiscard]] std::string stepLine(const ConnectionStep& step);
[[nodiscard]] nlohmann::json reportJson(const ConnectionReport& report);

}  // namespace otklik
