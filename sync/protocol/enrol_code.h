// Enrolment codes: the short code a technician types on a new terminal's touchscreen to enrol
// it (docs/technician.md). Eight characters of Crockford's base32 (digits and letters without
// I, L, O and U, which are easily misread), 40 random bits, shown as XXXX-XXXX. Case, dashes
// and spaces do not matter, and the look-alikes I, L (one) and O (zero) are read as Crockford
// says. The hub keeps only a hash of the normalised code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace otklik {

// The 32 characters a code is made of, in Crockford's order.
inline constexpr std::string_view kEnrolCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
inline constexpr size_t kEnrolCodeLength = 8;

// A fresh random code, grouped for reading: "7KQ2-M9XD".
[[nodiscard]] std::string newEnrolCode();
// The code in its one spelling (upper case, no dashes or spaces, look-alikes mapped), or
// nullopt when `typed` cannot be a code (wrong length, a character not in the alphabet).
[[nodiscard]] std::optional<std::string> normalizeEnrolCode(std::string_view typed);
// "7KQ2M9XD" → "7KQ2-M9XD"; anything else unchanged.
[[nodiscard]] std::string groupEnrolCode(const std::string& normalized);
// What the hub stores and looks up: SHA-256 of the normalised code, hex.
[[nodiscard]] std::string enrolCodeHash(const std::string& normalized);

}  // namespace otklik
