// The terminal's side of POST /api/v1/enrol: a typed code in, the terminal's credentials and
// first config out, or what went wrong in words (docs/technician.md, "Enrolment"). Writes
// nothing: the caller keeps the credentials (kiosk/app/enrolment.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sync/client/http_transport.h"

namespace otklik {

struct EnrolReply {
    std::string terminalId;
    std::string centre;
    std::string token;
    std::string qrSecret;
    int64_t device = 1;
    std::optional<int64_t> replacedDevice;
    int64_t firstSeq = 1;
    std::string configJson;  // the "config" object: what GET /api/v1/config would answer
};

enum class EnrolFailure {
    None,         // enrolled
    WrongCode,    // unknown, used or expired (reason says which): nothing changed, type it again or get a new one
    RateLimited,  // too many attempts: wait retryAfterS
    Refused,      // the hub refuses for another reason (a revoked terminal)
    Unreachable,  // network, TLS or hub trouble: test the connection
};

struct EnrolAttempt {
    EnrolFailure failure = EnrolFailure::Unreachable;
    std::string reason;   // the hub's code: code_unknown, code_used, code_expired, rate_limited, terminal_revoked; or "network"
    std::string message;  // what happened, in words
    std::string fix;      // what to do
    int retryAfterS = 0;
    std::optional<EnrolReply> reply;
};

// `firstSeq`: the seq of the first response the terminal will deliver under this enrolment.
[[nodiscard]] EnrolAttempt enrolWithCode(HttpTransport& transport, const std::string& hubUrl, const std::string& code, int64_t firstSeq);

}  // namespace otklik
