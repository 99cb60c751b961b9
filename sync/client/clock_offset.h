// How far the terminal's wall clock is from the hub's: estimated from every exchange with the
// hub (its `Date` header, 1 s resolution) and from the heartbeat's `hub_time_ms` (millisecond
// precise), kept thread-safe for the UI thread that stamps responses, and persisted in the
// outbox so a restarted terminal knows it before its first exchange. Responses completed while
// the offset is larger than a threshold are flagged `clock_suspect` (stampClock below).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "sync/client/http_transport.h"
#include "sync/protocol/response.h"

namespace otklik {

class Clock;

// Far enough off to flag responses: two minutes. A terminal with NTP is within milliseconds,
// and one whose RTC drifts (±20 ppm ≈ 2 s a day) stays far below this for weeks; a `Date`
// sample is good to ~1–2 s. What crosses two minutes is a real fault (no NTP, a dead RTC
// battery, a hand-set clock or a time zone typed as UTC), and that is what the flag is for.
constexpr int64_t kDefaultClockSuspectAfterMs = 120'000;

// One estimate of hub clock − terminal clock.
struct ClockEstimate {
    int64_t offsetMs = 0;       // add to a terminal time to get the hub's time
    int64_t uncertaintyMs = 0;  // the true offset lies within offsetMs ± this (when measured)
    int64_t measuredAtMs = 0;   // terminal wall clock when it was measured

    bool operator==(const ClockEstimate&) const = default;
};

// From an exchange that started at `sentAtMs` and whose reply arrived at `receivedAtMs`
// (terminal wall clock): the hub read its clock somewhere in between, so the midpoint is
// taken and half the round trip is the uncertainty.
[[nodiscard]] ClockEstimate estimateFromHubTime(int64_t hubTimeMs, int64_t sentAtMs, int64_t receivedAtMs);
// The same from an HTTP `Date` value (whole seconds: the hub's clock was within that second,
// so +500 ms and ±500 ms more). nullopt for anything that is not an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), the format every current server sends.
[[nodiscard]] std::optional<ClockEstimate> estimateFromDateHeader(std::string_view date, int64_t sentAtMs, int64_t receivedAtMs);
// Unix milliseconds of an IMF-fixdate, nullopt if malformed.
[[nodiscard]] std::optional<int64_t> parseHttpDate(std::string_view date);
// The IMF-fixdate of a Unix time (seconds are truncated).
[[nodiscard]] std::string formatHttpDate(int64_t unixMs);

// Sets response.clockOffsetMs from the estimate and raises `clock_suspect` when the offset is
// beyond `suspectAfterMs`. Without an estimate nothing changes (the offset stays unknown).
void stampClock(Response& response, const std::optional<ClockEstimate>& estimate, int64_t suspectAfterMs);

// The best recent estimate. Thread-safe: fed on the uploader's thread, read on any.
class ClockOffset {
public:
    // A clock drifts, so an old estimate is trusted less as it ages: 100 ppm (8.6 s a day) is
    // added to its uncertainty, which lets a fresh 1 s `Date` sample replace a heartbeat
    // sample after ~1.5 h without heartbeats, and never sooner.
    static constexpr double kDriftPerMs = 100e-6;

    // Called (on the feeding thread, outside the lock) when the estimate should be written
    // down: it moved by more than a second, is less than half as uncertain as the stored one,
    // or the stored one is over ten minutes old.
    using Saver = std::function<void(const ClockEstimate&)>;

    ClockOffset() = default;
    ClockOffset(const ClockOffset&) = delete;
    ClockOffset& operator=(const ClockOffset&) = delete;

    void setSaver(Saver saver);
    // Where a persisted estimate is read from: consulted once, by the first current() that
    // finds none (on the caller's thread: the kiosk's first store, which waits for the outbox
    // anyway, rather than at start-up, where it would hold up the first frame).
    using Loader = std::function<std::optional<ClockEstimate>()>;
    void setLoader(Loader loader);
    // What was persisted before a restart; kept unless a sample is already known. Not saved again.
    void restore(const ClockEstimate& persisted);
    // A new sample: taken when there is none yet, when it is tighter than the current one
    // (aged as above), or when the two disagree beyond both uncertainties (the terminal's
    // clock was set or stepped meanwhile: the old one no longer describes it).
    void add(const ClockEstimate& sample, int64_t nowMs);
    // Not const: the first call may read the persisted estimate (setLoader).
    [[nodiscard]] std::optional<ClockEstimate> current();

    // Uncertainty of `e` at `nowMs`, with drift since it was measured.
    [[nodiscard]] static int64_t agedUncertaintyMs(const ClockEstimate& e, int64_t nowMs);

private:
    mutable std::mutex mutex_;
    std::optional<ClockEstimate> current_;
    std::optional<ClockEstimate> saved_;
    Saver saver_;
    Loader loader_;
};

// Wraps the real transport: every reply that arrives feeds its `Date` to the ClockOffset.
// Exchanges that fail before a reply teach nothing. Used by one thread, like the transport.
class ClockTrackingTransport final : public HttpTransport {
public:
    // All three must outlive this. `clock` is the terminal's wall clock the offset is against.
    ClockTrackingTransport(HttpTransport& inner, ClockOffset& offset, const Clock& clock)
        : inner_(inner), offset_(offset), clock_(clock) {}
    [[nodiscard]] HttpResult send(const HttpRequest& request) override;

private:
    HttpTransport& inner_;
    ClockOffset& offset_;
    const Clock& clock_;
};

}  // namespace otklik
