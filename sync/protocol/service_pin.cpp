// Service PIN hashing, rules and recovery codes (see service_pin.h).
#include "service_pin.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "sync/protocol/crypto.h"

namespace otklik {

std::string pinProblem(const std::string& pin) {
    if (pin.size() < 6 || pin.size() > 12) return "a PIN has 6 to 12 digits, this one has " + std::to_string(pin.size());
    for (char c : pin)
        if (c < '0' || c > '9') return "a PIN has digits only";
    bool up = true, down = true, same = true;
    for (size_t i = 1; i < pin.size(); ++i) {
        int step = (pin[i] - pin[i - 1] + 10) % 10;
        same = same && step == 0;
        up = up && step == 1;
        down = down && step == 9;
    }
    if (same) return "all its digits are the same";
    if (up || down) return "its digits run " + std::string(up ? "up" : "down") + " one by one";
    for (size_t period = 1; period <= pin.size() / 2; ++period) {
        if (pin.size() % period != 0) continue;
        bool repeats = true;
        for (size_t i = period; i < pin.size() && repeats; ++i) repeats = pin[i] == pin[i - period];
        if (repeats) return "it repeats \"" + pin.substr(0, period) + "\"";
    }
    return "";
}

PinHash hashPin(const std::string& pin, int64_t setAtMs, const std::string& setBy, int iterations) {
    PinHash h;
    h.iterations = iterations;
    std::string salt = randomBytes(16);
    h.salt = base64UrlEncode(salt);
    h.hash = base64UrlEncode(pbkdf2Sha256(pin, salt, iterations, 32));
    h.setAtMs = setAtMs;
    h.setBy = setBy;
    return h;
}

bool pinMatches(const PinHash& stored, const std::string& pin) {
    std::string salt, expected;
    if (stored.algorithm != "pbkdf2-sha256" || stored.iterations < 1 || !base64UrlDecode(stored.salt, salt) ||
        !base64UrlDecode(stored.hash, expected) || expected.size() != 32)
        return false;
    return constantTimeEqual(pbkdf2Sha256(pin, salt, stored.iterations, 32), expected);
}

nlohmann::json pinHashJson(const PinHash& h) {
    return {{"algorithm", h.algorithm}, {"iterations", h.iterations}, {"salt", h.salt}, {"hash", h.hash}, {"set_at_ms", h.setAtMs}, {"set_by", h.setBy}};
}

std::optional<PinHash> pinHashFromJson(const nlohmann::json& j, int minIterations) {
    if (!j.is_object()) return std::nullopt;
    PinHash h;
    try {
        h.algorithm = j.at("algorithm").get<std::string>();
        h.iterations = j.at("iterations").get<int>();
        h.salt = j.at("salt").get<std::string>();
        h.hash = j.at("hash").get<std::string>();
        h.setAtMs = j.value("set_at_ms", int64_t{0});
        h.setBy = j.value("set_by", std::string());
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    // Fewer iterations would make a stolen file cheap to guess: refused, as is any other scheme.
    if (h.algorithm != "pbkdf2-sha256" || h.iterations < minIterations || h.iterations > 100'000'000) return std::nullopt;
    return h;
}

std::string recoveryCode(const std::string& qrSecret, const std::string& terminalId, const std::string& challenge, const std::string& day) {
    const std::string key = hmacSha256(qrSecret, "otklik service PIN recovery v1");
    const std::string mac = hmacSha256(key, terminalId + "\n" + challenge + "\n" + day);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n = n << 8 | static_cast<unsigned char>(mac[static_cast<size_t>(i)]);
    char digits[16];
    std::snprintf(digits, sizeof digits, "%010llu", static_cast<unsigned long long>(n % 10'000'000'000ULL));
    return digits;
}

}  // namespace otklik
