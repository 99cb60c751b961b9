// The hub clock offset: samples from `Date` headers and heartbeats, the best one kept.
#include "clock_offset.h"

#include <cstdlib>
#include <ctime>

#include "platform/clock.h"
#include "sync/client/http_client.h"

namespace otklik {

namespace {

constexpr int64_t kSaveWhenMovedMs = 1000;        // a change smaller than this is not worth an fsync
constexpr int64_t kSaveAtLeastEveryMs = 600'000;  // ... unless the stored "measured at" is this old

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool digits(std::string_view text, size_t at, size_t count, int& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

}  // namespace

std::optional<int64_t> parseHttpDate(std::string_view date) {
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, 29 characters.
    while (!date.empty() && (date.front() == ' ' || date.front() == '\t')) date.remove_prefix(1);
    while (!date.empty() && (date.back() == ' ' || date.back() == '\t' || date.back() == '\r')) date.remove_suffix(1);
    if (date.size() != 29 || date.substr(3, 2) != ", " || date[7] != ' ' || date[11] != ' ' || date[16] != ' ' || date[19] != ':' ||
        date[22] != ':' || date.substr(25) != " GMT")
        return std::nullopt;
    bool dayKnown = false;
    for (const char* day : kDays) dayKnown = dayKnown || date.substr(0, 3) == day;
    int month = -1;
    for (int m = 0; m < 12; ++m)
        if (date.substr(8, 3) == kMonths[m]) month = m;
    int mday = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (!dayKnown || month < 0 || !digits(date, 5, 2, mday) || !digits(date, 12, 4, year) || !digits(date, 17, 2, hour) ||
        !digits(date, 20, 2, minute) || !digits(date, 23, 2, second))
        return std::nullopt;
    if (mday < 1 || mday > 31 || year < 1970 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;
    tm.tm_mday = mday;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    time_t seconds = timegm(&tm);
    if (seconds == static_cast<time_t>(-1)) return std::nullopt;
    return static_cast<int64_t>(seconds) * 1000;
}

std::string formatHttpDate(int64_t unixMs) {
    time_t seconds = static_cast<time_t>(unixMs >= 0 ? unixMs / 1000 : (unixMs - 999) / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                  tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buffer;
}

ClockEstimate estimateFromHubTime(int64_t hubTimeMs, int64_t sentAtMs, int64_t receivedAtMs) {
    // A wall clock stepped backwards during the exchange gives receivedAt < sentAt: the
    // span is still the best bound there is.
    int64_t span = std::llabs(receivedAtMs - sentAtMs);
    int64_t midpoint = sentAtMs + (receivedAtMs - sentAtMs) / 2;
    return {hubTimeMs - midpoint, span / 2 + 1, receivedAtMs};
}

std::optional<ClockEstimate> estimateFromDateHeader(std::string_view date, int64_t sentAtMs, int64_t receivedAtMs) {
    auto hubSecond = parseHttpDate(date);
    if (!hubSecond) return std::nullopt;
    ClockEstimate e = estimateFromHubTime(*hubSecond + 500, sentAtMs, receivedAtMs);
    e.uncertaintyMs += 500;
    return e;
}

void stampClock(Response& response, const std::optional<ClockEstimate>& estimate, int64_t suspectAfterMs) {
    if (!estimate) return;
    response.clockOffsetMs = estimate->offsetMs;
    if (std::llabs(estimate->offsetMs) > suspectAfterMs) response.clockSuspect = true;
}

int64_t ClockOffset::agedUncertaintyMs(const ClockEstimate& e, int64_t nowMs) {
    int64_t age = std::llabs(nowMs - e.measuredAtMs);
    return e.uncertaintyMs + static_cast<int64_t>(static_cast<double>(age) * kDriftPerMs);
}

void ClockOffset::setSaver(Saver saver) {
    std::lock_guard lock(mutex_);
    saver_ = std::move(saver);
}

void ClockOffset::setLoader(Loader loader) {
    std::lock_guard lock(mutex_);
    loader_ = std::move(loader);
}

void ClockOffset::restore(const ClockEstimate& persisted) {
    std::lock_guard lock(mutex_);
    if (current_) return;
    current_ = persisted;
    saved_ = persisted;
}

void ClockOffset::add(const ClockEstimate& sample, int64_t nowMs) {
    Saver saver;
    ClockEstimate toSave;
    {
        std::lock_guard lock(mutex_);
        bool take = !current_;
        if (!take) {
            int64_t currentUncertainty = agedUncertaintyMs(*current_, nowMs);
            bool tighter = sample.uncertaintyMs <= currentUncertainty;
            bool disagrees = std::llabs(sample.offsetMs - current_->offsetMs) > sample.uncertaintyMs + currentUncertainty;
            take = tighter || disagrees;
        }
        if (!take) return;
        current_ = sample;
        bool moved = !saved_ || std::llabs(saved_->offsetMs - sample.offsetMs) > kSaveWhenMovedMs;
        bool stale = saved_ && std::llabs(sample.measuredAtMs - saved_->measuredAtMs) > kSaveAtLeastEveryMs;
        bool sharper = saved_ && sample.uncertaintyMs * 2 < saved_->uncertaintyMs;  // a heartbeat after a Date sample
        if (!saver_ || !(moved || stale || sharper)) return;
        saved_ = sample;
        saver = saver_;
        toSave = sample;
    }
    saver(toSave);
}

std::optional<ClockEstimate> ClockOffset::current() {
    Loader loader;
    {
        std::lock_guard lock(mutex_);
        if (current_ || !loader_) return current_;
        loader = std::move(loader_);
        loader_ = nullptr;
    }
    if (auto persisted = loader()) restore(*persisted);
    std::lock_guard lock(mutex_);
    return current_;
}

HttpResult ClockTrackingTransport::send(const HttpRequest& request) {
    int64_t sentAt = clock_.wallMs();
    HttpResult result = inner_.send(request);
    int64_t receivedAt = clock_.wallMs();
    if (result.replied()) {
        if (auto date = result.header("date")) {
            if (auto sample = estimateFromDateHeader(*date, sentAt, receivedAt)) offset_.add(*sample, receivedAt);
        }
    }
    return result;
}

}  // namespace otklik
