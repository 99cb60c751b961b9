// The one rule for a terminal id, the same on the hub (`terminal add`, enrolment), in the
// device config, in QR tokens and in what an enrolment reply may name: 1–64 characters of
// ASCII letters, digits, '-', '_' and '.', so an id is safe in a URL, a log line and a file
// name (a USB export folder is named after it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace otklik {

inline constexpr size_t kMaxTerminalIdLength = 64;

[[nodiscard]] inline bool validTerminalId(std::string_view id) {
    if (id.empty() || id.size() > kMaxTerminalIdLength || id == "." || id == "..") return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

}  // namespace otklik
