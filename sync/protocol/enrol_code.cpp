// Enrolment codes (see enrol_code.h).
#include "enrol_code.h"

#include <cstdint>

#include "sync/protocol/crypto.h"

namespace otklik {

std::string newEnrolCode() {
    // 40 bits: five random bytes, eight 5-bit groups.
    std::string bytes = randomBytes(5);
    uint64_t bits = 0;
    for (unsigned char b : bytes) bits = bits << 8 | b;
    std::string code;
    for (int i = 7; i >= 0; --i) code += kEnrolCodeAlphabet[(bits >> (5 * i)) & 31];
    return groupEnrolCode(code);
}

std::optional<std::string> normalizeEnrolCode(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == 'I' || c == 'L') c = '1';
        if (c == 'O') c = '0';
        if (kEnrolCodeAlphabet.find(c) == std::string_view::npos) return std::nullopt;
        out += c;
        if (out.size() > kEnrolCodeLength) return std::nullopt;
    }
    if (out.size() != kEnrolCodeLength) return std::nullopt;
    return out;
}

std::string groupEnrolCode(const std::string& normalized) {
    if (normalized.size() != kEnrolCodeLength) return normalized;
    return normalized.substr(0, 4) + "-" + normalized.substr(4);
}

std::string enrolCodeHash(const std::string& normalized) { return sha256Hex("otklik-enrol-code:" + normalized); }

}  // namespace otklik
