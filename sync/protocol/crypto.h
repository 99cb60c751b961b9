// Hashing, signing and random secrets both ends need: SHA-256 for stored token hashes and
// content hashes, HMAC-SHA256 for QR tokens, PBKDF2 for service PINs, random tokens, base64url. The only file that
// calls OpenSSL's libcrypto.
#pragma once

#include <string>
#include <string_view>

namespace otklik {

// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::string_view data);
// SHA-256 of data that arrives in pieces (a large file written in parts).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void add(std::string_view data);
    // Lower-case hex; the object is spent afterwards.
    std::string hex();

private:
    void* ctx_;  // EVP_MD_CTX
};
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmacSha256(std::string_view key, std::string_view data);
// Raw PBKDF2-HMAC-SHA256 of `password` with `salt`: slow on purpose (service PINs).
std::string pbkdf2Sha256(std::string_view password, std::string_view salt, int iterations, int bytes);
// `bytes` random bytes from the system's CSPRNG, as base64url without padding.
std::string randomToken(int bytes);
// `bytes` raw random bytes from the system's CSPRNG (QR token nonces).
std::string randomBytes(int bytes);
std::string base64UrlEncode(std::string_view data);
// False (and `out` untouched) when `text` is not unpadded base64url.
bool base64UrlDecode(std::string_view text, std::string& out);
// Compares secrets in time independent of where they differ.
bool constantTimeEqual(std::string_view a, std::string_view b);

}  // namespace otklik
