// A copy-paste slip gives one terminal another terminal's token. Replayed end to end with the
// real kiosk and hub: the hub refuses the batches and heartbeats naming both ids and changes
// nothing of the other terminal; the kiosk keeps every response pending, says why in `status`,
// and delivers them all once it has its own token. `requeue` brings back responses an older
// kiosk parked as rejected.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "sync/client/outbox_store.h"
#include "tests/integration/hub_process.h"
#include "tests/integration/kiosk_run.h"

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {
namespace {

using json = nlohmann::json;

int countState(const std::vector<json>& rows, const std::string& state) {
    int n = 0;
    for (const json& r : rows) n += r["state"] == state;
    return n;
}

TEST(TokenMixUp, AnotherTerminalsTokenLosesNothingAndLeavesTheOtherUntouched) {
    std::string dir = freshDir("mixup");
    std::string db = dir + "/hub.db";
    Enrolled b = enrol(db, "mix-b", "МФЦ Находка");
    Enrolled c = enrol(db, "mix-c", "МФЦ Находка");
    HubProcess hub(db, dir, {"--rate-limit", "0"});

    // Terminal B delivers three responses with its own token.
    std::string dirB = freshDir("mixup-b");
    std::string configB = writeKioskConfig(dirB, "mix-b", hub.url(""), b.token, hub.pki().caCert, kNoStartDelay);
    ASSERT_EQ(runKiosk(configB, writeVisitorScript(dirB, "v.script", 3)).exitCode, 0);
    json before = terminalRow(db, "mix-b");
    ASSERT_EQ(before["high_water_seq"], 3);

    // Terminal C was given B's token.
    std::string dirC = freshDir("mixup-c");
    std::string configC = writeKioskConfig(dirC, "mix-c", hub.url(""), b.token, hub.pki().caCert, kNoStartDelay);
    CommandResult slip = runKiosk(configC, writeVisitorScript(dirC, "v.script", 4));
    ASSERT_EQ(slip.exitCode, 0) << slip.err;
    // The heartbeat is a chore between delivery attempts, on real time: a slow (sanitizer)
    // run can end before it goes. Restarts without visitors give it its turn.
    std::ofstream(dirC + "/idle.script") << "wait 1000\n";
    for (int i = 0; i < 5 && hub.log().find("refused a heartbeat") == std::string::npos; ++i)
        ASSERT_EQ(runKiosk(configC, dirC + "/idle.script").exitCode, 0);
    auto rows = kioskExport(configC);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(countState(rows, "pending"), 4) << "an identity error is never a verdict on the responses";
    EXPECT_EQ(countState(rows, "rejected"), 0);

    CommandResult status = runProgram({OTKLIK_KIOSK_BINARY, "status", "--config", configC});
    EXPECT_NE(status.out.find("belongs to terminal \"mix-b\""), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("terminal \"mix-c\""), std::string::npos) << status.out;

    // Nothing of B changed on the hub: its numbers, its last-seen time, its responses.
    json after = terminalRow(db, "mix-b");
    EXPECT_EQ(after["high_water_seq"], 3);
    EXPECT_EQ(after["max_seq"], 3);
    EXPECT_EQ(after["last_seen_ms"], before["last_seen_ms"]) << "C's heartbeats must not refresh B";
    EXPECT_EQ(hubExport(db).size(), 3u);
    EXPECT_NE(hub.log().find("refused a batch"), std::string::npos) << hub.log();
    EXPECT_NE(hub.log().find("refused a heartbeat"), std::string::npos) << hub.log();

    // An older kiosk parked such responses as rejected: simulate two of them, and requeue.
    {
        sqlite::Error error;
        OutboxSettings settings;
        settings.dataDir = dirC + "/data";
        auto store = OutboxStore::open(settings, 1'800'000'000'000, error);
        ASSERT_TRUE(store) << error.message;
        ASSERT_FALSE(store->setState(rows[0]["id"], DeliveryState::Rejected, "conflict: seq 1 is already held", 1'800'000'000'000));
        ASSERT_FALSE(store->setState(rows[1]["id"], DeliveryState::Rejected, "conflict: seq 2 is already held", 1'800'000'000'000));
    }
    EXPECT_EQ(countState(kioskExport(configC), "rejected"), 2);
    CommandResult requeue = runProgram({OTKLIK_KIOSK_BINARY, "requeue", "--rejected", "--config", configC});
    ASSERT_EQ(requeue.exitCode, 0) << requeue.err;
    EXPECT_NE(requeue.out.find("requeued: 2 rejected responses"), std::string::npos) << requeue.out;
    EXPECT_EQ(countState(kioskExport(configC), "pending"), 4);

    // The fix: C gets its own token. Everything is delivered, exactly once, and B stays as it was.
    configC = writeKioskConfig(dirC, "mix-c", hub.url(""), c.token, hub.pki().caCert, kNoStartDelay);
    std::ofstream(dirC + "/idle.script") << "wait 100\n";
    CommandResult fixed = runKiosk(configC, dirC + "/idle.script");
    ASSERT_EQ(fixed.exitCode, 0) << fixed.err;
    EXPECT_EQ(countState(kioskExport(configC), "delivered"), 4);
    json mixC = terminalRow(db, "mix-c");
    EXPECT_EQ(mixC["high_water_seq"], 4);
    EXPECT_EQ(mixC["max_seq"], 4) << "no gap, nothing missing";
    EXPECT_EQ(terminalRow(db, "mix-b")["high_water_seq"], 3);
    auto stored = hubExport(db);
    ASSERT_EQ(stored.size(), 7u);
    int ofC = 0;
    for (const json& r : stored) ofC += r["terminal_id"] == "mix-c";
    EXPECT_EQ(ofC, 4);
}

// requeue refuses while a kiosk runs on the folder (the outbox has one writer), checks its
// date, and with --since leaves earlier rejections alone.
TEST(Requeue, RefusesWhileTheKioskRunsAndHonoursSince) {
    std::string dir = freshDir("requeue");
    std::string data = dir + "/data";
    const int64_t day = 86'400'000, t0 = 1'796'083'200'000;  // 2026-12-01T00:00:00Z
    {
        sqlite::Error error;
        OutboxSettings settings;
        settings.dataDir = data;
        auto store = OutboxStore::open(settings, t0, error);
        ASSERT_TRUE(store) << error.message;
        for (int i = 0; i < 3; ++i) {
            Response r;
            r.id = "0190a0a0-0000-7000-8000-00000000000" + std::to_string(i);
            r.terminalId = "rq-01";
            r.questionnaireId = "default";
            r.questionnaireVersion = "1";
            r.language = "ru";
            r.answers["overall"].rating = 3;
            ASSERT_TRUE(store->insert(r, t0, error)) << error.message;
            ASSERT_FALSE(store->setState(r.id, DeliveryState::Rejected, "test", t0 + i * day));  // Dec 1, 2, 3
        }
    }
    CommandResult bad = runProgram({OTKLIK_KIOSK_BINARY, "requeue", "--rejected", "--data-dir", data, "--since", "3 December"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("YYYY-MM-DD"), std::string::npos) << bad.err;

    // A kiosk running on the folder holds its lock: flock(1) holds the same lock around the
    // command, so requeue meets it as it would meet a running kiosk, and changes nothing.
    CommandResult held = runProgram({"/usr/bin/flock", data + "/kiosk.lock", OTKLIK_KIOSK_BINARY, "requeue", "--rejected", "--data-dir", data});
    EXPECT_EQ(held.exitCode, 1) << held.out << held.err;
    EXPECT_NE(held.err.find("another otklik-kiosk"), std::string::npos) << held.err;

    CommandResult some = runProgram({OTKLIK_KIOSK_BINARY, "requeue", "--rejected", "--data-dir", data, "--since", "2026-12-02"});
    ASSERT_EQ(some.exitCode, 0) << some.err;
    EXPECT_NE(some.out.find("requeued: 2 rejected responses (rejected since 2026-12-02)"), std::string::npos) << some.out;
    CommandResult rest = runProgram({OTKLIK_KIOSK_BINARY, "requeue", "--rejected", "--data-dir", data});
    EXPECT_NE(rest.out.find("requeued: 1 rejected responses"), std::string::npos) << rest.out;
}

}  // namespace
}  // namespace otklik::test
