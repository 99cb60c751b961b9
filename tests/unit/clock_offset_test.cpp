// The hub clock offset: HTTP Date parsing (good, malformed, absent), the estimate from the
// midpoint of an exchange, which sample is kept (a precise heartbeat sample beats a 1 s Date
// sample; a disagreeing one means the clock was set), when it is saved and read back, the
// transport decorator, and stamping responses with the offset and `clock_suspect`.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "kiosk/app/clock_stamping_store.h"
#include "platform/clock.h"
#include "sync/client/clock_offset.h"
#include "sync/client/http_client.h"
#include "tests/fakes/memory_store.h"

using namespace otklik;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;  // 2026-11-18T…Z

// Replies as scripted, moving the clock forward by `latencyMs` during each exchange.
class ScriptedTransport final : public HttpTransport {
public:
    ScriptedTransport(ManualClock& clock, int64_t latencyMs) : clock_(clock), latencyMs_(latencyMs) {}
    std::deque<HttpResult> replies;
    std::vector<HttpRequest> requests;
    [[nodiscard]] HttpResult send(const HttpRequest& request) override {
        requests.push_back(request);
        clock_.advance(latencyMs_);
        HttpResult r;
        if (!replies.empty()) {
            r = replies.front();
            replies.pop_front();
        }
        return r;
    }

private:
    ManualClock& clock_;
    int64_t latencyMs_;
};

HttpResult replyWithDate(const std::string& date) {
    HttpResult r;
    r.status = 200;
    if (!date.empty()) r.headers = {{"date", date}};
    return r;
}

}  // namespace

TEST(HttpDate, ParsesTheImfFixdateEveryServerSends) {
    EXPECT_EQ(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
    EXPECT_EQ(parseHttpDate("  Thu, 01 Jan 1970 00:00:00 GMT\r"), 0);
    EXPECT_EQ(parseHttpDate(formatHttpDate(kNow)), kNow / 1000 * 1000);
    EXPECT_EQ(formatHttpDate(784111777123), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpDate, RefusesWhatIsNotOne) {
    for (const char* bad : {"", "garbage", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
                            "Sun, 06 Xyz 1994 08:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                            "Sun, 06 Nov 1994 08:49:3a GMT", "Abc, 06 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT"})
        EXPECT_FALSE(parseHttpDate(bad)) << bad;
}

TEST(ClockEstimate, TakesTheMidpointOfTheExchange) {
    // Sent at 1000, answered at 1400: the hub read its clock (50 000) around 1200.
    ClockEstimate e = estimateFromHubTime(50'000, 1000, 1400);
    EXPECT_EQ(e.offsetMs, 48'800);
    EXPECT_EQ(e.uncertaintyMs, 201);
    EXPECT_EQ(e.measuredAtMs, 1400);
    // A Date names a whole second: the middle of it, and half a second more uncertainty.
    auto d = estimateFromDateHeader(formatHttpDate(kNow + 60'000), kNow, kNow + 200);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->offsetMs, 60'000 + 500 - 100);
    EXPECT_EQ(d->uncertaintyMs, 100 + 1 + 500);
    EXPECT_FALSE(estimateFromDateHeader("not a date", kNow, kNow + 200));
}

TEST(ClockOffset, APreciseHeartbeatSampleWinsOverDateSamples) {
    ClockOffset offset;
    EXPECT_FALSE(offset.current());
    offset.add({60'400, 600, kNow}, kNow);                   // from a Date
    offset.add({60'123, 15, kNow + 1000}, kNow + 1000);      // from a heartbeat: tighter
    EXPECT_EQ(offset.current()->offsetMs, 60'123);
    offset.add({60'500, 600, kNow + 60'000}, kNow + 60'000); // a later Date that agrees: kept out
    EXPECT_EQ(offset.current()->offsetMs, 60'123);
    EXPECT_EQ(offset.current()->measuredAtMs, kNow + 1000);
}

TEST(ClockOffset, AnAgedSampleGivesWayToAFreshOne) {
    ClockOffset offset;
    offset.add({60'123, 15, kNow}, kNow);
    // Two hours on, 100 ppm drift makes the old one ±735 ms: a ±600 ms Date sample is tighter.
    int64_t later = kNow + 2 * 3'600'000;
    EXPECT_EQ(ClockOffset::agedUncertaintyMs({60'123, 15, kNow}, later), 15 + 720);
    offset.add({60'400, 600, later}, later);
    EXPECT_EQ(offset.current()->offsetMs, 60'400);
}

TEST(ClockOffset, ADisagreeingSampleMeansTheClockWasSet) {
    ClockOffset offset;
    offset.add({600'000, 10, kNow}, kNow);  // ten minutes off
    offset.add({200, 700, kNow + 5000}, kNow + 5000);  // NTP fixed it: a loose sample, but far outside
    EXPECT_EQ(offset.current()->offsetMs, 200);
}

TEST(ClockOffset, SavesWhenItMovesOrGetsOldNotOnEverySample) {
    ClockOffset offset;
    std::vector<ClockEstimate> saved;
    offset.setSaver([&](const ClockEstimate& e) { saved.push_back(e); });
    offset.add({5000, 600, kNow}, kNow);
    offset.add({5100, 600, kNow + 1000}, kNow + 1000);   // moved 100 ms: not worth an fsync
    ASSERT_EQ(saved.size(), 1u);
    offset.add({5050, 20, kNow + 2000}, kNow + 2000);    // a heartbeat after a Date: far sharper
    ASSERT_EQ(saved.size(), 2u);
    offset.add({5040, 15, kNow + 2500}, kNow + 2500);    // a little sharper, same place
    ASSERT_EQ(saved.size(), 2u);
    offset.add({7000, 20, kNow + 3000}, kNow + 3000);    // moved 2 s
    ASSERT_EQ(saved.size(), 3u);
    offset.add({7010, 20, kNow + 700'000}, kNow + 700'000);  // the stored one is over ten minutes old
    ASSERT_EQ(saved.size(), 4u);
    EXPECT_EQ(saved.back().measuredAtMs, kNow + 700'000);
}

TEST(ClockOffset, ReadsThePersistedEstimateOnceAndOnlyIfNoneIsKnown) {
    ClockOffset offset;
    int loads = 0;
    offset.setLoader([&]() -> std::optional<ClockEstimate> {
        ++loads;
        return ClockEstimate{-3'600'000, 30, kNow - 86'400'000};
    });
    EXPECT_EQ(offset.current()->offsetMs, -3'600'000);
    EXPECT_EQ(offset.current()->offsetMs, -3'600'000);
    EXPECT_EQ(loads, 1);

    ClockOffset measured;
    measured.setLoader([&]() -> std::optional<ClockEstimate> {
        ++loads;
        return ClockEstimate{1, 1, 1};
    });
    measured.add({42, 10, kNow}, kNow);
    EXPECT_EQ(measured.current()->offsetMs, 42);
    EXPECT_EQ(loads, 1) << "a live sample makes the stored one irrelevant";
}

TEST(ClockTrackingTransport, FeedsEveryRepliesDateAndIgnoresMissingOrBadOnes) {
    ManualClock clock(0, kNow);
    ScriptedTransport inner(clock, 300);
    ClockOffset offset;
    ClockTrackingTransport tracking(inner, offset, clock);

    inner.replies.push_back(replyWithDate(""));  // no Date header
    inner.replies.push_back(replyWithDate("yesterday"));
    HttpResult failed;
    failed.error = HttpErrorKind::Timeout;
    failed.headers = {{"date", formatHttpDate(kNow + 999'000)}};  // part of a cut reply: not trusted
    inner.replies.push_back(failed);
    for (int i = 0; i < 3; ++i) (void)tracking.send(HttpRequest{});
    EXPECT_FALSE(offset.current());

    // The hub's clock is five minutes ahead; the reply is a 503, which still tells its time.
    HttpResult busy = replyWithDate(formatHttpDate(clock.wallMs() + 300'000 + 150));
    busy.status = 503;
    inner.replies.push_back(busy);
    HttpResult result = tracking.send(HttpRequest{});
    EXPECT_EQ(result.status, 503) << "the reply passes through unchanged";
    ASSERT_TRUE(offset.current());
    EXPECT_NEAR(static_cast<double>(offset.current()->offsetMs), 300'000, 1000);
    EXPECT_LE(std::llabs(offset.current()->offsetMs - 300'000), offset.current()->uncertaintyMs);
    EXPECT_EQ(inner.requests.size(), 4u);
}

TEST(ClockStamp, SetsTheOffsetAndFlagsOnlyBeyondTheThreshold) {
    Response r;
    stampClock(r, std::nullopt, kDefaultClockSuspectAfterMs);
    EXPECT_FALSE(r.clockOffsetMs) << "unknown stays unknown";
    EXPECT_FALSE(r.clockSuspect);

    stampClock(r, ClockEstimate{120'000, 5, kNow}, kDefaultClockSuspectAfterMs);
    EXPECT_EQ(r.clockOffsetMs, 120'000);
    EXPECT_FALSE(r.clockSuspect) << "exactly at the threshold is not beyond it";

    Response ahead, behind;
    stampClock(ahead, ClockEstimate{120'001, 5, kNow}, kDefaultClockSuspectAfterMs);
    stampClock(behind, ClockEstimate{-3'600'000, 5, kNow}, kDefaultClockSuspectAfterMs);
    EXPECT_TRUE(ahead.clockSuspect);
    EXPECT_TRUE(behind.clockSuspect);
    EXPECT_EQ(behind.clockOffsetMs, -3'600'000);

    Response custom;
    stampClock(custom, ClockEstimate{15'000, 5, kNow}, 10'000);
    EXPECT_TRUE(custom.clockSuspect) << "[hub] clock_suspect_after_s is honoured";
}

TEST(ClockStampingStore, StampsBeforeTheInnerStoreSeesTheResponse) {
    fakes::MemoryStore memory;
    ClockOffset offset;
    ClockStampingStore store(memory, offset, kDefaultClockSuspectAfterMs);
    Response r;
    r.id = "a";
    ASSERT_TRUE(store.store(r).ok);
    offset.add({-600'000, 20, kNow}, kNow);
    r.id = "b";
    ASSERT_TRUE(store.store(r).ok);
    ASSERT_EQ(memory.responses().size(), 2u);
    EXPECT_FALSE(memory.responses()[0].clockOffsetMs);
    EXPECT_FALSE(memory.responses()[0].clockSuspect);
    EXPECT_EQ(memory.responses()[1].clockOffsetMs, -600'000);
    EXPECT_TRUE(memory.responses()[1].clockSuspect);
}
