// Dates as people type them on a command line or a form ("2026-11-01", or with a time in UTC),
// read the same way by the terminal's and the hub's commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace otklik {

// "2026-11-01" or "2026-11-01T08:00:00Z" → Unix milliseconds (UTC); nullopt if malformed.
[[nodiscard]] std::optional<int64_t> parseUtcDate(const std::string& text);

// "2026-11-01" for Unix milliseconds (UTC).
[[nodiscard]] std::string utcDay(int64_t unixMs);
// "20261101T080000Z" (UTC): for file and folder names, which sort in time order.
[[nodiscard]] std::string utcFileStamp(int64_t unixMs);

}  // namespace otklik
