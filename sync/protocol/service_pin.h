// The technician's service PIN as both ends keep it: never the PIN itself, only a slow salted
// hash (PBKDF2-HMAC-SHA256, 600,000 iterations, 16-byte salt), the rules a new PIN must meet,
// and the offline recovery code for a lost PIN: the terminal shows a challenge, the hub answers
// with a code that works on that terminal only, that day only, once (docs/technician.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace otklik {

inline constexpr int kPinIterations = 600'000;

struct PinHash {
    std::string algorithm = "pbkdf2-sha256";
    int iterations = kPinIterations;
    std::string salt;  // base64url
    std::string hash;  // base64url of 32 bytes
    int64_t setAtMs = 0;
    std::string setBy;  // "local" (set-pin, the service menu, enrolment) or "hub"

    bool operator==(const PinHash&) const = default;
};

// "" when `pin` may be a PIN: 6 to 12 digits, not all one digit, not a run up or down
// (123456, 987654, also across 9-0), not one short group repeated (121212, 123123).
// Otherwise what is wrong with it, in words.
[[nodiscard]] std::string pinProblem(const std::string& pin);

// Slow (about half a second on a small board): not on the UI thread.
[[nodiscard]] PinHash hashPin(const std::string& pin, int64_t setAtMs, const std::string& setBy, int iterations = kPinIterations);
// Constant-time comparison after the same slow hash; false for an unknown algorithm.
[[nodiscard]] bool pinMatches(const PinHash& stored, const std::string& pin);

[[nodiscard]] nlohmann::json pinHashJson(const PinHash& hash);
// Refuses other schemes and fewer than `minIterations` (a stolen file must stay costly to
// guess; tests of the lockout rules pass a smaller floor to stay fast).
[[nodiscard]] std::optional<PinHash> pinHashFromJson(const nlohmann::json& j, int minIterations = kPinIterations);

// The recovery code for `challenge` (the digits the terminal's PIN pad shows) on UTC day
// `day` ("2026-12-04"): 10 digits from an HMAC under a key derived from the terminal's QR
// secret, which only the terminal and the hub hold.
[[nodiscard]] std::string recoveryCode(const std::string& qrSecret, const std::string& terminalId, const std::string& challenge,
                                       const std::string& day);

}  // namespace otklik
