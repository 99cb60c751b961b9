// POST /api/v1/enrol: a new terminal (or a replacement device) trades a one-time enrolment
// code for its id, centre, token, QR secret and config. No token yet, so the route is open;
// it is rate-limited per client address and overall, every attempt is logged, and the reply
// says which of unknown, used or expired a refused code was (docs/api/openapi.yaml).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/hub/http_server.h"
#include "sync/hub/hub_store.h"
#include "sync/hub/rate_limit.h"

namespace otklik::hub {

struct EnrolSettings {
    // Attempts per client address: a burst, then one every `perAddressEveryS` seconds.
    double perAddressBurst = 5;
    double perAddressEveryS = 12;
    // All addresses together (a spread-out guesser): a burst, then one every `overallEveryS`.
    double overallBurst = 30;
    double overallEveryS = 2;
};

class EnrolRoutes {
public:
    // `configFor` is the body GET /api/v1/config would send the terminal.
    EnrolRoutes(HubStore& store, const Clock& clock, EnrolSettings settings, std::function<nlohmann::json(const Terminal&)> configFor);
    HttpReply handle(const HttpRequest& request);

private:
    HubStore& store_;
    const Clock& clock_;
    std::function<nlohmann::json(const Terminal&)> configFor_;
    RateLimiter perAddress_;
    RateLimiter overall_;
};

}  // namespace otklik::hub
