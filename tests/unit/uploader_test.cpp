// The uploader against an in-memory hub that fails on cue: every fault kind at every call of a
// delivery walks to the same end (each response at the hub exactly once, each one delivered
// or parked for the hub's own reason, retries byte for byte), plus backoff, splitting on 413
// and 400, a refused token, wake/stop timing, and the record `status` shows after a restart.
// The outbox's additions for the uploader are in outbox_sync_test.cpp.
#include <atomic>
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/client/outbox.h"
#include "sync/client/outbox_store.h"
#include "sync/client/uploader.h"
#include "sync/protocol/uuid.h"
#include "tests/fakes/fake_hub_transport.h"
#include "tests/fakes/fault_vfs.h"
#include "tests/fakes/temp_dir.h"
#include "tests/unit/filled_outbox.h"

using namespace otklik;
using namespace otklik::test;
using fakes::FakeHubTransport;
using fakes::HubCall;
using fakes::HubFault;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kToken = "t-1-secret-token";

UploaderSettings uploaderSettings(int batchSize) {
    UploaderSettings s;
    s.hubUrl = "https://hub.test:8443";
    s.token = kToken;
    s.batchSize = batchSize;
    s.firstSyncJitterMs = 0;
    s.random = [] { return 0.5; };
    return s;
}

// An outbox, a fake hub and an uploader between them.
struct Rig {
    explicit Rig(std::string directory, UploaderSettings settings = uploaderSettings(10), const std::string& vfs = "")
        : dir(std::move(directory)),
          outbox(std::make_unique<Outbox>(outboxSettings(dir, vfs), clock)),
          uploader(std::make_unique<Uploader>(std::move(settings), *outbox, hub, clock)) {}

    // attempt() until nothing is pending; the number of attempts, or -1 past the bound.
    int drain(int bound = 200) {
        for (int i = 1; i <= bound; ++i)
            if (uploader->attempt().outcome == AttemptOutcome::Idle) return i;
        return -1;
    }

    std::map<std::string, StoredResponse> rows() const {
        std::map<std::string, StoredResponse> out;
        sqlite::Error error;
        auto store = OutboxStore::openReadOnly(dir, error);
        EXPECT_TRUE(store) << error.message;
        if (!store) return out;
        EXPECT_FALSE(store->forEach(std::nullopt, [&](const StoredResponse& s) { out[s.response.id] = s; }));
        return out;
    }

    std::string dir;
    ManualClock clock{1000, kNow};
    FakeHubTransport hub{kToken};
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<Uploader> uploader;
};

bool isTransient(HubFault fault) { return fault != HubFault::Status400 && fault != HubFault::Status413; }

// The end state every delivery must reach, whatever failed on the way.
// parkedByHub: id -> what the rejection reason must contain.
void expectEachDeliveredOnce(const Rig& rig, const std::vector<Response>& responses, const std::map<std::string, std::string>& parkedByHub) {
    auto calls = rig.hub.calls();
    // A 400 or 413 aimed at a single response is the hub refusing that response: it is parked.
    std::set<std::string> refusedAlone;
    for (const HubCall& call : calls)
        if (call.fault && !isTransient(*call.fault) && call.ids.size() == 1) refusedAlone.insert(call.ids[0]);

    auto rows = rig.rows();
    auto stored = rig.hub.stored();
    auto counts = rig.hub.storeCounts();
    ASSERT_EQ(rows.size(), responses.size()) << "no response may disappear from the outbox";
    for (const Response& r : responses) {
        SCOPED_TRACE("seq " + std::to_string(r.seq));
        const StoredResponse& row = rows.at(r.id);
        auto parked = parkedByHub.find(r.id);
        if (parked != parkedByHub.end() || refusedAlone.count(r.id)) {
            EXPECT_EQ(row.state, DeliveryState::Rejected);
            if (parked != parkedByHub.end() && !refusedAlone.count(r.id)) {
                EXPECT_NE(row.reason.find(parked->second), std::string::npos) << row.reason;
            }
            EXPECT_FALSE(stored.count(r.id));
        } else {
            EXPECT_EQ(row.state, DeliveryState::Delivered) << row.reason;
            ASSERT_TRUE(stored.count(r.id)) << "delivered but not at the hub";
            EXPECT_EQ(stored.at(r.id), toJson(r).dump()) << "the hub must hold exactly what the terminal stored";
            EXPECT_EQ(counts.at(r.id), 1) << "stored more than once";
        }
    }
    // The same responses always travel as the same bytes, and a batch that met a passing
    // fault is the very next request.
    std::map<std::vector<std::string>, std::string> bodyOf;
    for (size_t i = 0; i < calls.size(); ++i) {
        auto [it, fresh] = bodyOf.emplace(calls[i].ids, calls[i].body);
        if (!fresh) {
            EXPECT_TRUE(it->second == calls[i].body) << "call " << i + 1 << " re-sent a batch with different bytes";
        }
        if (calls[i].fault && isTransient(*calls[i].fault) && i + 1 < calls.size()) {
            EXPECT_EQ(calls[i + 1].ids, calls[i].ids) << "call " << i + 2 << " should have retried the batch of call " << i + 1;
        }
    }
}

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    auto until = Steady::now() + limit;
    while (Steady::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
}

int64_t msSince(Steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Backoff, as a pure function.

TEST(Uploader, BackoffIsFullJitterUnderADoublingCap) {
    EXPECT_EQ(backoffDelayMs(0, 1000, 300'000, 0.0), 0);
    EXPECT_EQ(backoffDelayMs(0, 1000, 300'000, 0.5), 500);
    EXPECT_EQ(backoffDelayMs(3, 1000, 300'000, 0.5), 4000);
    EXPECT_EQ(backoffDelayMs(20, 1000, 300'000, 0.5), 150'000) << "the window stops at the cap";
    EXPECT_LT(backoffDelayMs(std::numeric_limits<int>::max(), 1000, 300'000, 0.999999), 300'000) << "no overflow after a long outage";
    EXPECT_LT(backoffDelayMs(0, 1000, 300'000, 1.0), 1000) << "random 1.0 is clamped below the window";
    EXPECT_EQ(backoffDelayMs(5, 1000, 300'000, -3.0), 0);
    EXPECT_EQ(backoffDelayMs(5, 1000, 300'000, std::nan("")), 0);
    EXPECT_EQ(backoffDelayMs(2, 1000, 300'000, 0.0, 5000), 5000) << "Retry-After is a minimum";
    EXPECT_EQ(backoffDelayMs(2, 1000, 300'000, 0.75, 1000), 3000) << "a shorter Retry-After changes nothing";
    EXPECT_EQ(backoffDelayMs(1, 1000, 300'000, 0.9, 600'000), 600'000) << "the hub may ask for more than the cap";
    for (int failures = 0; failures <= 20; ++failures) {
        int64_t window = std::min<int64_t>(300'000, 1000LL << failures);
        for (int i = 0; i < 100; ++i) {
            double r = i / 100.0;
            int64_t d = backoffDelayMs(failures, 1000, 300'000, r);
            EXPECT_GE(d, 0);
            EXPECT_LT(d, window) << "failures " << failures << " random " << r;
        }
    }
}

TEST(Uploader, FailedAttemptsWaitAlongTheBackoffAndHonourRetryAfter) {
    Rig rig(copyOf(filled(25), "backoff"), [] {
        UploaderSettings s = uploaderSettings(10);
        s.random = [] { return 0.999; };
        return s;
    }());
    rig.hub.failAt(1, HubFault::Connect, 12);
    for (int i = 0; i < 12; ++i) {
        AttemptResult a = rig.uploader->attempt();
        ASSERT_EQ(a.outcome, AttemptOutcome::Failed);
        EXPECT_EQ(a.waitMs, backoffDelayMs(i, 1000, 300'000, 0.999)) << "attempt " << i + 1;
        EXPECT_EQ(a.minWaitMs, 0) << "wake() may cut an ordinary backoff short";
        SyncStatus s = rig.uploader->status();
        EXPECT_EQ(s.consecutiveFailures, i + 1);
        EXPECT_EQ(s.nextAttemptMs, kNow + a.waitMs);
        EXPECT_NE(s.lastError.find("connection refused"), std::string::npos) << s.lastError;
    }
    EXPECT_EQ(rig.outbox->summary().delivered, 0);

    rig.hub.heal();
    rig.hub.failAt(1, HubFault::Status503);
    AttemptResult unavailable = rig.uploader->attempt();
    EXPECT_GE(unavailable.waitMs, 5000) << "503 came with Retry-After: 5";
    EXPECT_EQ(unavailable.minWaitMs, 5000);
    EXPECT_NE(rig.uploader->status().lastError.find("storage is unavailable"), std::string::npos) << rig.uploader->status().lastError;

    Rig fresh(copyOf(filled(25), "backoff_429"), [] {
        UploaderSettings s = uploaderSettings(10);
        s.random = [] { return 0.0; };
        return s;
    }());
    fresh.hub.setRetryAfterSeconds(2);
    fresh.hub.failAt(1, HubFault::Status429);
    AttemptResult limited = fresh.uploader->attempt();
    EXPECT_EQ(limited.waitMs, 2000) << "zero jitter, but the hub asked for 2 s";
    EXPECT_EQ(limited.minWaitMs, 2000);
    EXPECT_EQ(fresh.drain(), 4);
}

// ---------------------------------------------------------------------------------------------
// The walk: every fault kind at every call, once and three times in a row, in two deliveries
// of 25 responses in batches of 10: one where the hub rejects seq 7 as an item (3 calls), one
// where seq 13 makes the hub refuse any batch holding it, so the faults also land in the
// middle of the hunt for it (8 calls).

TEST(Uploader, EveryFaultAtEveryCallLosesNothingAndDeliversEachResponseOnce) {
    const Filled& f = filled(25);
    struct Scenario {
        const char* name;
        bool poison;  // else the item is rejected in a 200 reply
        std::string id;
        std::string reason;
    };
    const Scenario scenarios[] = {
        {"item rejected", false, f.responses[6].id, "questionnaire version 1 is unknown"},
        {"batch refused", true, f.responses[12].id, "responses[2].answers: nesting deeper than 32 levels"},
    };
    int cases = 0;
    for (const Scenario& scenario : scenarios) {
        const int64_t parkedSeq = scenario.poison ? 13 : 7;
        for (HubFault fault : fakes::kAllHubFaults) {
            for (int times : {1, 3}) {
                for (int nth = 1; nth <= 40; ++nth) {
                    SCOPED_TRACE(std::string(scenario.name) + ": " + fakes::toString(fault) + " at call " + std::to_string(nth) + ", " +
                                 std::to_string(times) + " time(s)");
                    Rig rig(copyOf(f, "walk"));
                    if (scenario.poison) rig.hub.poisonId(scenario.id, scenario.reason);
                    else rig.hub.rejectId(scenario.id, scenario.reason);
                    rig.hub.failAt(nth, fault, times);
                    int attempts = rig.drain();
                    ASSERT_GT(attempts, 0) << "the outbox never emptied";
                    bool fired = rig.hub.fired();
                    expectEachDeliveredOnce(rig, f.responses, {{scenario.id, scenario.reason}});
                    EXPECT_EQ(rig.outbox->summary().pending, 0);
                    SyncStatus status = rig.uploader->status();
                    EXPECT_EQ(status.consecutiveFailures, 0);
                    // The hub lacks the parked response (and any a refused-alone fault parked).
                    EXPECT_LE(status.hubHighWaterSeq, parkedSeq - 1);
                    EXPECT_FALSE(status.gapDetected) << "parked responses explain the hub's gap";
                    if (!fired) break;  // past the last call: every fault point of this kind is walked
                    ++cases;
                }
            }
        }
    }
    std::printf("[          ] %d fault cases walked\n", cases);
    EXPECT_EQ(cases, 2 * 10 * (3 + 8));
}

// ---------------------------------------------------------------------------------------------
// Focused cases.

TEST(Uploader, ALostReplyIsAnsweredDuplicateOnTheIdenticalRetry) {
    const Filled& f = filled(25);
    Rig rig(copyOf(f, "lost_ack"));
    rig.hub.failAt(1, HubFault::LostAck);
    AttemptResult lost = rig.uploader->attempt();
    EXPECT_EQ(lost.outcome, AttemptOutcome::Failed);
    EXPECT_EQ(rig.hub.stored().size(), 10u) << "the hub did store the batch";
    EXPECT_EQ(rig.outbox->summary().delivered, 0) << "without the reply nothing may be marked delivered";
    EXPECT_EQ(rig.uploader->attempt().outcome, AttemptOutcome::Progress);
    auto calls = rig.hub.calls();
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_TRUE(calls[0].body == calls[1].body) << "the retry must be the same bytes";
    EXPECT_EQ(rig.hub.duplicatesAnswered(), 10);
    EXPECT_EQ(rig.outbox->summary().delivered, 10);
    rig.drain();
    expectEachDeliveredOnce(rig, f.responses, {});
}

// While a backlog drains, the next batch is read and encoded while one travels, and a batch's
// outcome is written while the next travels. Each failing write of the outbox in turn: the
// responses whose outcome was lost go once more and the hub answers duplicate — still each
// stored once, none lost, and the same bytes whenever the same responses travel together.
TEST(Uploader, ABacklogDrainsPipelinedAndAFailedOutcomeWriteOnlyMeansAResend) {
    fakes::FaultVfs& vfs = fakes::FaultVfs::instance();
    const Filled& f = filled(25);
    int walked = 0;
    for (int nth = 1; nth <= 60; ++nth) {
        SCOPED_TRACE("outbox write " + std::to_string(nth) + " fails");
        Rig rig(copyOf(f, "pipelined"), uploaderSettings(5), fakes::FaultVfs::kName);
        vfs.failAt(fakes::FaultVfs::Op::Write, nth, SQLITE_IOERR_WRITE, false);
        int attempts = rig.drain();
        bool fired = vfs.fired();
        vfs.heal();
        if (attempts < 0 || rig.outbox->summary().pending > 0) attempts = rig.drain();  // a failed read: go on once healed
        ASSERT_GT(attempts, 0) << "the outbox never emptied";
        expectEachDeliveredOnce(rig, f.responses, {});
        EXPECT_EQ(rig.outbox->summary().pending, 0);
        if (!fired) break;
        ++walked;
    }
    std::printf("[          ] %d failing writes walked\n", walked);
    EXPECT_GT(walked, 5);
}

TEST(Uploader, TooLargeHalvesTheBatchAndParksOnlyAResponseTooLargeAlone) {
    std::string dir = fakes::freshTempDir("too_large");
    std::vector<Response> responses;
    {
        ManualClock clock(1000, kNow);
        Outbox outbox(outboxSettings(dir), clock);
        for (int i = 1; i <= 25; ++i) {
            Response r = makeResponse(i, i == 9 ? std::string(6000, 'x') : "");
            StoreResult stored = outbox.store(r);
            ASSERT_TRUE(stored.ok) << stored.error;
            r.seq = stored.seq;
            responses.push_back(r);
        }
    }
    Rig rig(dir);
    size_t one = toJson(responses[0]).dump().size();
    rig.hub.setMaxBodyBytes(one * 3 + one / 2);  // three ordinary responses fit, five do not
    ASSERT_GT(rig.drain(), 0);
    auto calls = rig.hub.calls();
    ASSERT_GE(calls.size(), 3u);
    EXPECT_EQ(calls[0].ids.size(), 10u);
    EXPECT_EQ(calls[1].ids.size(), 5u);
    EXPECT_EQ(calls[2].ids.size(), 2u);
    for (size_t i = 2; i < calls.size(); ++i) EXPECT_LE(calls[i].ids.size(), 2u) << "the smaller size holds while there is backlog";
    auto rows = rig.rows();
    EXPECT_EQ(rows.at(responses[8].id).state, DeliveryState::Rejected);
    EXPECT_NE(rows.at(responses[8].id).reason.find("413"), std::string::npos) << rows.at(responses[8].id).reason;
    std::map<std::string, std::string> parked{{responses[8].id, rows.at(responses[8].id).reason}};
    expectEachDeliveredOnce(rig, responses, parked);

    // With the backlog gone, the configured size is back.
    rig.hub.setMaxBodyBytes(32u << 20);
    for (int i = 0; i < 15; ++i) ASSERT_TRUE(rig.outbox->store(makeResponse(100 + i)).ok);
    size_t before = rig.hub.calls().size();
    ASSERT_GT(rig.drain(), 0);
    EXPECT_EQ(rig.hub.calls().at(before).ids.size(), 10u);
}

TEST(Uploader, ABatchRefusedWholeIsBisectedAndOnlyTheCulpritParked) {
    const Filled& f = filled(25);
    Rig rig(copyOf(f, "bisect"));
    const Response& culprit = f.responses[12];  // seq 13
    rig.hub.poisonId(culprit.id, "responses[2].answers: nesting deeper than 32 levels");
    ASSERT_GT(rig.drain(), 0);
    auto rows = rig.rows();
    EXPECT_EQ(rows.at(culprit.id).state, DeliveryState::Rejected);
    EXPECT_NE(rows.at(culprit.id).reason.find("nesting deeper than 32 levels"), std::string::npos) << rows.at(culprit.id).reason;
    expectEachDeliveredOnce(rig, f.responses, {{culprit.id, rows.at(culprit.id).reason}});
    // 1-10; 11-20 refused; 11-15 refused; 11-12; 13-15 refused; 13 refused alone; 14-15; 16-25.
    std::vector<size_t> sizes;
    for (const HubCall& call : rig.hub.calls()) sizes.push_back(call.ids.size());
    EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5, 2, 3, 1, 2, 10}));
    EXPECT_EQ(rig.uploader->status().consecutiveFailures, 0);
}

TEST(Uploader, ARefusedTokenParksNothingAndSaysToEnrolAgain) {
    const Filled& f = filled(25);
    Rig rig(copyOf(f, "token"));
    rig.hub.acceptToken("another terminal's token");
    for (int i = 0; i < 3; ++i) {
        AttemptResult a = rig.uploader->attempt();
        EXPECT_EQ(a.outcome, AttemptOutcome::Failed);
        EXPECT_EQ(a.waitMs, 300'000) << "a refused token is retried slowly";
        EXPECT_EQ(a.minWaitMs, 300'000) << "and wake() does not hurry it";
    }
    OutboxSummary summary = rig.outbox->summary();
    EXPECT_EQ(summary.pending, 25);
    EXPECT_EQ(summary.rejected, 0) << "nothing is wrong with the responses";
    SyncStatus s = rig.uploader->status();
    EXPECT_EQ(s.consecutiveFailures, 3);
    EXPECT_NE(s.lastError.find("the hub refused this terminal's token: unknown terminal token"), std::string::npos) << s.lastError;
    EXPECT_NE(s.lastError.find("enrol the terminal again"), std::string::npos) << s.lastError;
    auto calls = rig.hub.calls();
    EXPECT_TRUE(calls[0].body == calls[2].body);

    rig.hub.acceptToken(kToken);  // the hub's operator put the terminal back
    ASSERT_GT(rig.drain(), 0);
    expectEachDeliveredOnce(rig, f.responses, {});
}

TEST(Uploader, AHubThatLostResponsesIsReportedAsAGap) {
    const Filled& f = filled(25);
    Rig rig(copyOf(f, "gap"));
    EXPECT_EQ(rig.uploader->attempt().outcome, AttemptOutcome::Progress);
    EXPECT_FALSE(rig.uploader->status().gapDetected);
    rig.hub.forget(5);  // the hub was restored from an older backup
    EXPECT_EQ(rig.uploader->attempt().outcome, AttemptOutcome::Progress);
    SyncStatus s = rig.uploader->status();
    EXPECT_TRUE(s.gapDetected);
    EXPECT_EQ(s.gapSeq, 5);
    EXPECT_EQ(s.hubHighWaterSeq, 4);
    sqlite::Error error;
    auto readOnly = OutboxStore::openReadOnly(rig.dir, error);
    ASSERT_TRUE(readOnly) << error.message;
    EXPECT_EQ(readOnly->syncRecord(error).gapSeq, 5) << "`status` can show it too";
}

TEST(Uploader, StatusAfterARestartShowsTheLastSuccessAndError) {
    const Filled& f = filled(25);
    std::string dir = copyOf(f, "restart");
    {
        Rig rig(dir);
        EXPECT_EQ(rig.uploader->attempt().outcome, AttemptOutcome::Progress);
        rig.clock.advance(60'000);
        rig.hub.failAt(1, HubFault::Status503);
        EXPECT_EQ(rig.uploader->attempt().outcome, AttemptOutcome::Failed);
    }
    Rig restarted(dir);
    SyncStatus s = restarted.uploader->status();
    EXPECT_EQ(s.lastSuccessMs, kNow);
    EXPECT_EQ(s.lastErrorMs, kNow + 60'000);
    EXPECT_NE(s.lastError.find("503"), std::string::npos) << s.lastError;
    EXPECT_NE(s.lastError.find("storage is unavailable"), std::string::npos) << s.lastError;
    EXPECT_EQ(s.hubHighWaterSeq, 10);
    EXPECT_EQ(s.pending, 15);
    EXPECT_EQ(s.oldestPendingAgeMs, 0) << "the manual clock stands before the responses' completion";
    EXPECT_EQ(s.consecutiveFailures, 0) << "nothing has failed since the restart";
    sqlite::Error error;
    auto readOnly = OutboxStore::openReadOnly(dir, error);
    ASSERT_TRUE(readOnly) << error.message;
    SyncRecord record = readOnly->syncRecord(error);
    EXPECT_FALSE(error) << error.message;
    EXPECT_EQ(record.lastSuccessMs, kNow);
    EXPECT_EQ(record.lastError, s.lastError);
}

// ---------------------------------------------------------------------------------------------
// The thread.

TEST(Uploader, WakeCutsALongBackoffShort) {
    const Filled& f = filled(25);
    SystemClock clock;
    Outbox outbox(outboxSettings(copyOf(f, "wake")), clock);
    FakeHubTransport hub(kToken);
    UploaderSettings settings = uploaderSettings(10);
    settings.backoffBaseMs = settings.backoffCapMs = 60'000;
    settings.random = [] { return 0.99; };
    Uploader uploader(settings, outbox, hub, clock);
    hub.failAt(1, HubFault::Status500);
    uploader.start();
    ASSERT_TRUE(eventually([&] { return uploader.status().consecutiveFailures == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(hub.calls().size(), 1u) << "waiting ~59 s";
    auto start = Steady::now();
    uploader.wake();
    ASSERT_TRUE(eventually([&] { return outbox.summary().pending == 0; }));
    EXPECT_LT(msSince(start), 3000);
    EXPECT_EQ(uploader.status().consecutiveFailures, 0);
    auto before = Steady::now();
    uploader.stop();
    EXPECT_LT(msSince(before), 1000) << "stop() while idle";
}

TEST(Uploader, WakeDoesNotCutTheHubsRetryAfter) {
    const Filled& f = filled(25);
    SystemClock clock;
    Outbox outbox(outboxSettings(copyOf(f, "wake_retry_after")), clock);
    FakeHubTransport hub(kToken);
    hub.setRetryAfterSeconds(1);
    hub.failAt(1, HubFault::Status503);
    UploaderSettings settings = uploaderSettings(10);
    settings.backoffBaseMs = settings.backoffCapMs = 60'000;
    settings.random = [] { return 0.99; };
    Uploader uploader(settings, outbox, hub, clock);
    uploader.start();
    ASSERT_TRUE(eventually([&] { return uploader.status().consecutiveFailures == 1; }));
    auto start = Steady::now();
    uploader.wake();
    ASSERT_TRUE(eventually([&] { return hub.calls().size() >= 2; }));
    int64_t waited = msSince(start);
    EXPECT_GE(waited, 800) << "the hub asked for 1 s";
    EXPECT_LT(waited, 3000) << "but not the whole backoff";
    ASSERT_TRUE(eventually([&] { return outbox.summary().pending == 0; }));
}

TEST(Uploader, StopIsPromptDuringTheFirstJitterAndABackoff) {
    const Filled& f = filled(25);
    SystemClock clock;
    Outbox outbox(outboxSettings(copyOf(f, "stop")), clock);
    FakeHubTransport hub(kToken);
    {
        UploaderSettings settings = uploaderSettings(10);
        settings.firstSyncJitterMs = 60'000;
        settings.random = [] { return 0.99; };
        Uploader uploader(settings, outbox, hub, clock);
        uploader.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        uploader.wake();  // the jitter is not cut short by a wake
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto start = Steady::now();
        uploader.stop();
        EXPECT_LT(msSince(start), 500);
        EXPECT_TRUE(hub.calls().empty());
    }
    {
        UploaderSettings settings = uploaderSettings(10);
        settings.backoffBaseMs = settings.backoffCapMs = 60'000;
        settings.random = [] { return 0.99; };
        Uploader uploader(settings, outbox, hub, clock);
        hub.failAt(1, HubFault::Timeout);
        uploader.start();
        ASSERT_TRUE(eventually([&] { return uploader.status().consecutiveFailures == 1; }));
        auto start = Steady::now();
        uploader.stop();
        EXPECT_LT(msSince(start), 500);
        EXPECT_FALSE(uploader.status().nextAttemptMs) << "a stopped uploader plans nothing";
    }
}

// A chore that counts its runs and wants to run again every `everyMs`.
class CountingChore final : public UploaderChore {
public:
    explicit CountingChore(int64_t everyMs) : everyMs_(everyMs) {}
    int64_t msUntilDue() override { return runs_ == 0 ? 0 : everyMs_ - msSince(lastRun_); }
    void run() override {
        lastRun_ = Steady::now();
        ++runs_;
    }
    std::atomic<int> runs_{0};

private:
    int64_t everyMs_;
    Steady::time_point lastRun_;
};

TEST(Uploader, ChoresRunOnTheThreadWhenDueEvenWhileBatchesBackOff) {
    const Filled& f = filled(25);
    SystemClock clock;
    Outbox outbox(outboxSettings(copyOf(f, "chores")), clock);
    FakeHubTransport hub(kToken);
    hub.failAt(1, HubFault::Status500);
    UploaderSettings settings = uploaderSettings(10);
    settings.backoffBaseMs = settings.backoffCapMs = 60'000;
    settings.random = [] { return 0.99; };
    Uploader uploader(settings, outbox, hub, clock);
    CountingChore chore(100);
    uploader.addChore(chore);
    uploader.start();
    ASSERT_TRUE(eventually([&] { return uploader.status().consecutiveFailures == 1; }));
    ASSERT_TRUE(eventually([&] { return chore.runs_ >= 5; })) << "due every 100 ms during a ~59 s backoff";
    EXPECT_EQ(hub.calls().size(), 1u) << "chores do not bring the batch's retry forward";
    uploader.wake();
    ASSERT_TRUE(eventually([&] { return outbox.summary().pending == 0; }));
    auto before = Steady::now();
    uploader.stop();
    EXPECT_LT(msSince(before), 500);
}

TEST(Uploader, ChoresWaitForTheFirstSyncJitter) {
    const Filled& f = filled(25);
    SystemClock clock;
    Outbox outbox(outboxSettings(copyOf(f, "chores_jitter")), clock);
    FakeHubTransport hub(kToken);
    UploaderSettings settings = uploaderSettings(10);
    settings.firstSyncJitterMs = 60'000;
    settings.random = [] { return 0.99; };
    Uploader uploader(settings, outbox, hub, clock);
    CountingChore chore(10);
    uploader.addChore(chore);
    uploader.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    uploader.stop();
    EXPECT_EQ(chore.runs_, 0);
}
