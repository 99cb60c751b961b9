// The hub's HTTP routes: API v1 for terminals (batches, config, heartbeat), health and
// metrics, and the admin's results pages. Pure request → reply logic on top of the store;
// the HTTP server (http_server.h) and the tests both call handle().
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/hub/enrol_api.h"
#include "sync/hub/http_server.h"
#include "sync/hub/hub_store.h"
#include "sync/hub/metrics.h"
#include "sync/hub/qr_api.h"
#include "sync/hub/rate_limit.h"

namespace otklik::hub {

struct ApiSettings {
    size_t maxDecompressedBytes = 32u << 20;  // a batch after gunzip; more → 413
    int maxBatchItems = 1000;
    double rateLimitPerSecond = 50;           // per terminal; 0 = no limit
    double rateLimitBurst = 100;
    // Sent to terminals in GET /api/v1/config.
    int heartbeatIntervalS = 300;
    int batchSize = 200;
    int qrTokenWindowS = 900;  // also the phone form's window (--qr-window)
    // The phone form behind the QR codes (/Q/<token>); null = not served (404).
    std::shared_ptr<const PhoneAssets> phoneAssets;
    EnrolSettings enrol;  // POST /api/v1/enrol's rate limits
};

class HubApi {
public:
    HubApi(HubStore& store, const Clock& clock, ApiSettings settings);
    HttpReply handle(const HttpRequest& request);
    [[nodiscard]] const Metrics& metrics() const { return metrics_; }

private:
    HttpReply route(const HttpRequest& request, std::string& routeName);
    HttpReply postBatch(const HttpRequest& request, const Terminal& terminal);
    HttpReply getConfig(const HttpRequest& request, const Terminal& terminal);
    // The body of GET /api/v1/config for this terminal (also part of the enrolment reply).
    nlohmann::json configBody(const Terminal& terminal);
    HttpReply postHeartbeat(const HttpRequest& request, const Terminal& terminal);
    HttpReply postEvents(const HttpRequest& request, const Terminal& terminal);  // events_api.cpp
    HttpReply healthz();
    HttpReply results(const HttpRequest& request);
    HttpReply login(const HttpRequest& request);
    // The terminal named by the bearer token, or the 401/403/429 reply to send instead.
    std::optional<Terminal> authenticate(const HttpRequest& request, HttpReply& refusal);
    bool isAdmin(const HttpRequest& request);
    // The JSON body (gunzipped if so encoded), or the 4xx reply to send instead.
    std::optional<std::string> jsonBody(const HttpRequest& request, HttpReply& refusal);

    HubStore& store_;
    const Clock& clock_;
    ApiSettings settings_;
    Metrics metrics_;
    RateLimiter limiter_;
    std::unique_ptr<PhoneRoutes> phone_;
    std::unique_ptr<EnrolRoutes> enrol_;
};

// `body` as compact JSON, not to be cached.
HttpReply jsonReply(int status, const nlohmann::json& body);
// {"error": ..., "fix": ...} with the given status, and "code" (a stable name for programs,
// docs/api/openapi.yaml) when given.
HttpReply errorReply(int status, const std::string& error, const std::string& fix, const std::string& code = "");
// 403 terminal_mismatch: `what` ("a batch") came with another terminal's token; logged.
HttpReply terminalMismatch(const std::string& what, const Terminal& terminal, const std::string& claimed, const std::string& from);

}  // namespace otklik::hub
