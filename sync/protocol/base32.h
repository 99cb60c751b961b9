// Base32 (RFC 4648 alphabet A–Z 2–7, no padding) for QR tokens: upper-case letters and digits
// are all in the QR alphanumeric set, which packs 5.5 bits per character instead of 8, so a
// token in base32 makes a smaller QR code than the same bytes in base64url.
#pragma once

#include <string>
#include <string_view>

namespace otklik {

std::string base32Encode(std::string_view data);
// False (and `out` untouched) unless `text` is exactly what base32Encode makes for some bytes:
// upper case only, no padding, no impossible length, unused trailing bits zero. Being strict
// gives every byte string one spelling, so a changed character never decodes to the same bytes.
bool base32Decode(std::string_view text, std::string& out);

}  // namespace otklik
