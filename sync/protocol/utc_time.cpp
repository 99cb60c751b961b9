// Reading typed UTC dates (see utc_time.h).
#include "utc_time.h"

#include <ctime>
#include <regex>

namespace otklik {

std::optional<int64_t> parseUtcDate(const std::string& text) {
    std::smatch m;
    static const std::regex pattern(R"((\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?)");
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    if (m[4].matched) {
        tm.tm_hour = std::stoi(m[4]);
        tm.tm_min = std::stoi(m[5]);
        tm.tm_sec = std::stoi(m[6]);
    }
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return std::nullopt;
    return static_cast<int64_t>(timegm(&tm)) * 1000;
}

namespace {

std::string formatUtcAs(int64_t unixMs, const char* format) {
    time_t seconds = static_cast<time_t>(unixMs / 1000);
    if (unixMs < 0 && unixMs % 1000 != 0) --seconds;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, format, &tm);
    return buffer;
}

}  // namespace

std::string utcDay(int64_t unixMs) { return formatUtcAs(unixMs, "%Y-%m-%d"); }

std::string utcFileStamp(int64_t unixMs) { return formatUtcAs(unixMs, "%Y%m%dT%H%M%SZ"); }

}  // namespace otklik
