// UUID v7 generation from the kernel's random source.
#include "uuid.h"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <sys/random.h>

namespace otklik {

std::string newUuidV7(int64_t unixMs) {
    std::array<unsigned char, 16> b{};
    // getrandom never fails for 10 bytes once the pool is initialised; if it ever does, a
    // non-unique id would silently merge two responses, so stop loudly instead.
    if (::getrandom(b.data() + 6, 10, 0) != 10) throw std::runtime_error("getrandom failed");
    uint64_t ms = static_cast<uint64_t>(unixMs);
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
    b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0F));  // version 7
    b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));  // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                  b[13], b[14], b[15]);
    return out;
}

bool isUuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace otklik
