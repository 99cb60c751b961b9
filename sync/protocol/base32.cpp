// RFC 4648 base32 without padding, strict on decode (see base32.h).
#include "base32.h"

namespace otklik {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int valueOf(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}
}  // namespace

std::string base32Encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() * 8 + 4) / 5);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : data) {
        buffer = ((buffer << 8) | static_cast<unsigned char>(c)) & 0xfff;  // at most 12 bits pending
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += kAlphabet[(buffer >> bits) & 31];
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

bool base32Decode(std::string_view text, std::string& out) {
    // Lengths 1, 3 and 6 (mod 8) leave 5, 7 or 6 bits over: no byte string encodes to them.
    switch (text.size() % 8) {
        case 1:
        case 3:
        case 6: return false;
        default: break;
    }
    std::string result;
    result.reserve(text.size() * 5 / 8);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v = valueOf(c);
        if (v < 0) return false;
        buffer = ((buffer << 5) | static_cast<unsigned>(v)) & 0xfff;  // never more than 12 bits are pending
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            result += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return false;
    out = std::move(result);
    return true;
}

}  // namespace otklik
