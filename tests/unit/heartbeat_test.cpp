// The heartbeat chore against a scripted hub: what it sends (version, uptime, unsent count and
// age, free disk, terminal time, config_error), when (first at once, then every interval, the
// hub's interval when given, sooner with backoff after a failure), and the precise clock
// sample its reply gives.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/client/heartbeat.h"
#include "sync/client/http_client.h"
#include "sync/client/outbox.h"
#include "sync/protocol/uuid.h"
#include "tests/fakes/temp_dir.h"

using namespace otklik;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;

// Answers each heartbeat like the hub (with its own clock `hubAheadMs` ahead) unless a
// failure is queued; the exchange takes `latencyMs` on the test's clock.
class HeartbeatHub final : public HttpTransport {
public:
    HeartbeatHub(ManualClock& clock, int64_t hubAheadMs, int64_t latencyMs) : clock_(clock), hubAheadMs_(hubAheadMs), latencyMs_(latencyMs) {}
    std::deque<HttpResult> failures;
    std::vector<HttpRequest> requests;
    [[nodiscard]] HttpResult send(const HttpRequest& request) override {
        requests.push_back(request);
        clock_.advance(latencyMs_ / 2);
        int64_t hubTime = clock_.wallMs() + hubAheadMs_;
        clock_.advance(latencyMs_ - latencyMs_ / 2);
        if (!failures.empty()) {
            HttpResult r = failures.front();
            failures.pop_front();
            return r;
        }
        HttpResult r;
        r.status = 200;
        json sent = json::parse(request.body);
        r.body = json{{"hub_time_ms", hubTime}, {"clock_offset_ms", hubTime - sent["terminal_time_ms"].get<int64_t>()}}.dump();
        return r;
    }

private:
    ManualClock& clock_;
    int64_t hubAheadMs_;
    int64_t latencyMs_;
};

HttpResult failure(HttpErrorKind kind, int status = 0) {
    HttpResult r;
    r.error = kind;
    r.status = status;
    r.body = R"({"error":"no","fix":"later"})";
    return r;
}

struct Rig {
    std::string dir;
    ManualClock clock{0, kNow};
    Outbox outbox;
    HeartbeatHub hub;
    ClockOffset offset;
    explicit Rig(const std::string& name, int64_t hubAheadMs = 0)
        : dir(fakes::freshTempDir(name)), outbox(OutboxSettings{dir, "", 90, 512LL << 20, 80}, clock), hub(clock, hubAheadMs, 40) {}
    HeartbeatSettings settings() const {
        HeartbeatSettings s;
        s.hubUrl = "https://hub.test:8443/";
        s.token = "t-1-secret";
        s.dataDir = dir;
        return s;
    }
    void storeResponse(int64_t completedAtMs) {
        Response r;
        r.id = newUuidV7(completedAtMs);
        r.terminalId = "t-1";
        r.questionnaireId = "default";
        r.questionnaireVersion = "1";
        r.language = "ru";
        r.startedAtMs = completedAtMs - 5000;
        r.completedAtMs = completedAtMs;
        r.answers["overall"].rating = 4;
        ASSERT_TRUE(outbox.store(r).ok);
    }
};

}  // namespace

TEST(Heartbeat, SendsWhatTheHubWantsToKnow) {
    Rig rig("heartbeat_body");
    rig.storeResponse(kNow - 600'000);
    rig.storeResponse(kNow - 1000);
    HeartbeatSettings s = rig.settings();
    std::string refused = "questionnaire: " + std::string(600, 'x') + "ё";
    s.configError = [&] { return refused; };
    Heartbeat heartbeat(s, rig.outbox, rig.hub, rig.clock, &rig.offset);
    rig.clock.advance(3'723'000);  // up 1 h 2 min 3 s

    heartbeat.run();
    ASSERT_EQ(rig.hub.requests.size(), 1u);
    const HttpRequest& request = rig.hub.requests[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.url, "https://hub.test:8443/api/v1/heartbeat");
    bool authorised = false;
    for (const auto& [name, value] : request.headers) authorised = authorised || (name == "Authorization" && value == "Bearer t-1-secret");
    EXPECT_TRUE(authorised);
    json body = json::parse(request.body);
    EXPECT_EQ(body["version"], softwareVersion());
    EXPECT_FALSE(std::string(softwareVersion()).empty());
    EXPECT_EQ(body["uptime_s"], 3723);
    EXPECT_EQ(body["unsent"], 2);
    EXPECT_EQ(body["oldest_unsent_age_s"], (3'723'000 + 600'000) / 1000);
    EXPECT_EQ(body["terminal_time_ms"], kNow + 3'723'000);
    ASSERT_TRUE(body["free_disk_bytes"].is_number_integer());
    EXPECT_GT(body["free_disk_bytes"].get<int64_t>(), 0);
    EXPECT_EQ(body["config_error"].get<std::string>().size(), 500u) << "cut to what the hub keeps";
    EXPECT_EQ(heartbeat.sent(), 1);
}

TEST(Heartbeat, LeavesOutWhatItDoesNotKnow) {
    Rig rig("heartbeat_unknowns");
    HeartbeatSettings s = rig.settings();
    s.dataDir = "/nonexistent/otklik";
    Heartbeat heartbeat(s, rig.outbox, rig.hub, rig.clock, nullptr);
    json body = json::parse(heartbeat.body());
    EXPECT_EQ(body["unsent"], 0);
    EXPECT_FALSE(body.contains("oldest_unsent_age_s"));
    EXPECT_FALSE(body.contains("free_disk_bytes"));
    EXPECT_FALSE(body.contains("config_error")) << "no config pull wired: nothing to say either way";
}

TEST(Heartbeat, ItsReplyGivesAPreciseClockSample) {
    Rig rig("heartbeat_clock", 600'000);  // the hub is ten minutes ahead
    Heartbeat heartbeat(rig.settings(), rig.outbox, rig.hub, rig.clock, &rig.offset);
    rig.offset.add({599'000, 700, kNow}, kNow);  // a Date sample came first
    heartbeat.run();
    ASSERT_TRUE(rig.offset.current());
    EXPECT_EQ(rig.offset.current()->offsetMs, 600'000) << "the midpoint of a symmetric exchange is exact";
    EXPECT_EQ(rig.offset.current()->uncertaintyMs, 21);
}

TEST(Heartbeat, RunsAtOnceThenEveryInterval) {
    Rig rig("heartbeat_schedule");
    HeartbeatSettings s = rig.settings();
    s.intervalMs = 300'000;
    Heartbeat heartbeat(s, rig.outbox, rig.hub, rig.clock, nullptr);
    EXPECT_LE(heartbeat.msUntilDue(), 0) << "the first one right after the uploader's first-sync jitter";
    heartbeat.run();
    EXPECT_EQ(heartbeat.msUntilDue(), 300'000);
    rig.clock.advance(299'999);
    EXPECT_EQ(heartbeat.msUntilDue(), 1);
    rig.clock.advance(1);
    EXPECT_LE(heartbeat.msUntilDue(), 0);

    HeartbeatSettings delayed = rig.settings();
    delayed.firstDelayMs = 10'000;
    Heartbeat later(delayed, rig.outbox, rig.hub, rig.clock, nullptr);
    EXPECT_EQ(later.msUntilDue(), 10'000);
}

TEST(Heartbeat, FollowsTheHubsIntervalWithinSaneBounds) {
    Rig rig("heartbeat_interval");
    int64_t fromHub = 0;
    HeartbeatSettings s = rig.settings();
    Heartbeat heartbeat(s, rig.outbox, rig.hub, rig.clock, nullptr);
    heartbeat.setIntervalSeconds([&] { return fromHub; });
    struct Case {
        int64_t hubSeconds;
        int64_t expectMs;
    };
    for (Case c : {Case{0, 300'000}, Case{-5, 300'000}, Case{60, 60'000}, Case{1, 30'000}, Case{10'000'000, 86'400'000},
                   Case{INT64_MAX, 86'400'000}}) {
        fromHub = c.hubSeconds;
        heartbeat.run();
        EXPECT_EQ(heartbeat.msUntilDue(), c.expectMs) << "hub says " << c.hubSeconds << " s";
    }
}

TEST(Heartbeat, RetriesAFailureSoonerWithBackoffCappedByTheInterval) {
    Rig rig("heartbeat_retry");
    HeartbeatSettings s = rig.settings();
    s.intervalMs = 300'000;
    s.retryBaseMs = 30'000;
    Heartbeat heartbeat(s, rig.outbox, rig.hub, rig.clock, nullptr);
    for (int i = 0; i < 5; ++i) rig.hub.failures.push_back(failure(i % 2 ? HttpErrorKind::Connect : HttpErrorKind::Timeout));
    std::vector<int64_t> waits;
    for (int i = 0; i < 5; ++i) {
        heartbeat.run();
        waits.push_back(heartbeat.msUntilDue());
    }
    EXPECT_EQ(waits, (std::vector<int64_t>{30'000, 60'000, 120'000, 240'000, 300'000}));
    EXPECT_EQ(heartbeat.sent(), 0);
    heartbeat.run();  // the hub is back
    EXPECT_EQ(heartbeat.msUntilDue(), 300'000);
    EXPECT_EQ(heartbeat.sent(), 1);
    rig.hub.failures.push_back(failure(HttpErrorKind::None, 503));
    heartbeat.run();
    EXPECT_EQ(heartbeat.msUntilDue(), 30'000) << "the backoff starts afresh after a success";
}

TEST(Heartbeat, AHubThatRefusesItIsAskedAgainOnlyEveryInterval) {
    Rig rig("heartbeat_refused");
    Heartbeat heartbeat(rig.settings(), rig.outbox, rig.hub, rig.clock, nullptr);
    for (int status : {400, 404, 401}) {
        rig.hub.failures.push_back(failure(HttpErrorKind::None, status));
        heartbeat.run();
        EXPECT_EQ(heartbeat.msUntilDue(), 300'000) << status;
    }
    // A 200 whose body is not the heartbeat reply (a proxy's page) counts as a failure.
    HttpResult page;
    page.status = 200;
    page.body = "<html>portal</html>";
    rig.hub.failures.push_back(page);
    heartbeat.run();
    EXPECT_EQ(heartbeat.msUntilDue(), 30'000);
    EXPECT_EQ(heartbeat.sent(), 0);
}
