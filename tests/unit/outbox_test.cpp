// The SQLite outbox: gap-free numbering, surviving reopen, recovery from a damaged file,
// refusal of a newer schema, retention, and every injected write or sync failure.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "platform/clock.h"
#include "sync/client/outbox.h"
#include "sync/client/outbox_store.h"
#include "sync/protocol/uuid.h"
#include "tests/fakes/fault_vfs.h"
#include "tests/fakes/temp_dir.h"

using namespace otklik;
namespace fs = std::filesystem;
using fakes::FaultVfs;

namespace {

constexpr int64_t kNow = 1'795'000'000'000;

std::string freshDir(const std::string& name) { return fakes::freshTempDir(name); }

Response response(int rating = 4) {
    Response r;
    r.id = newUuidV7(kNow);
    r.terminalId = "t-1";
    r.questionnaireId = "default";
    r.questionnaireVersion = "1";
    r.language = "ru";
    r.startedAtMs = kNow;
    r.completedAtMs = kNow + 5000;
    r.bootId = "boot";
    r.answers["overall"].rating = rating;
    r.answers["comment"].text = "Всё хорошо, \"спасибо\"";
    r.answers["reasons"].selected = {"no_seats", "crowded"};
    r.repeated = rating == 1;
    r.presses = rating == 1 ? 3 : 1;
    return r;
}

std::unique_ptr<OutboxStore> openStore(const std::string& dir, const std::string& vfs = "") {
    sqlite::Error error;
    auto store = OutboxStore::open(OutboxSettings{dir, vfs, 90, 512LL << 20, 80}, kNow, error);
    EXPECT_TRUE(store) << error.message;
    return store;
}

std::vector<StoredResponse> all(OutboxStore& store) {
    std::vector<StoredResponse> out;
    EXPECT_FALSE(store.forEach(std::nullopt, [&](const StoredResponse& s) { out.push_back(s); }));
    return out;
}

std::string integrity(const std::string& dir) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir + "/outbox.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr);
    std::string result = sqlite3_step(s) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "no answer";
    sqlite3_finalize(s);
    sqlite3_close(db);
    return result;
}

}  // namespace

TEST(OutboxStore, StoresResponsesWithGapFreeNumbersAndReadsThemBackExactly) {
    std::string dir = freshDir("roundtrip");
    auto store = openStore(dir);
    std::vector<Response> given;
    for (int i = 0; i < 5; ++i) {
        given.push_back(response(i % 5 + 1));
        sqlite::Error error;
        auto seq = store->insert(given.back(), kNow, error);
        ASSERT_TRUE(seq) << error.message;
        EXPECT_EQ(*seq, i + 1);
        given.back().seq = *seq;
    }
    auto stored = all(*store);
    ASSERT_EQ(stored.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(stored[i].response, given[i]);
        EXPECT_EQ(stored[i].state, DeliveryState::Pending);
    }
}

TEST(OutboxStore, NumberingContinuesAfterReopenAndNeverRepeats) {
    std::string dir = freshDir("reopen");
    {
        auto store = openStore(dir);
        sqlite::Error error;
        for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->insert(response(), kNow, error));
    }
    auto store = openStore(dir);
    sqlite::Error error;
    EXPECT_EQ(store->insert(response(), kNow, error), 4);
}

// Where an enrolment tells the hub this device's numbering starts: at the first response kept
// from before enrolment (terminal id ""), else at the next number — never a guess of 1 on a
// device that has numbered before (the hub would count 1 … N-1 as missing).
TEST(OutboxStore, AnEnrolmentStartsAtTheFirstResponseFromBeforeItOrAtTheNextNumber) {
    auto store = openStore(freshDir("first-seq"));
    sqlite::Error error;
    EXPECT_EQ(store->firstSeqForEnrolment(error), 1);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->insert(response(), kNow, error));
    EXPECT_EQ(store->firstSeqForEnrolment(error), 4) << error.message;
    Response before = response();
    before.terminalId = "";
    ASSERT_EQ(store->insert(before, kNow, error), 4);
    ASSERT_TRUE(store->insert(response(), kNow, error));
    EXPECT_EQ(store->firstSeqForEnrolment(error), 4) << error.message;
}

TEST(OutboxStore, StoringTheSameResponseTwiceKeepsOneCopyAndItsNumber) {
    std::string dir = freshDir("same_twice");
    auto store = openStore(dir);
    Response r = response();
    sqlite::Error error;
    EXPECT_EQ(store->insert(r, kNow, error), 1);
    EXPECT_EQ(store->insert(r, kNow, error), 1) << "a retry after an unclear failure must not make a second copy";
    EXPECT_EQ(store->insert(response(), kNow, error), 2) << "and must not leave a gap";
    EXPECT_EQ(all(*store).size(), 2u);
}

TEST(OutboxStore, DamagedFileIsMovedAsideAndNumberingContinuesAboveIt) {
    std::string dir = freshDir("corrupt");
    {
        auto store = openStore(dir);
        sqlite::Error error;
        for (int i = 0; i < 20; ++i) ASSERT_TRUE(store->insert(response(), kNow, error));
        store->checkpoint();
    }
    fs::remove(dir + "/outbox.db-wal");
    {
        // Scribble over everything after the first page: the header survives, the tables do not.
        std::fstream f(dir + "/outbox.db", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(4096);
        std::string junk(8192, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    auto store = openStore(dir);
    ASSERT_TRUE(store->recovery());
    EXPECT_NE(store->recovery()->detail.find("moved to"), std::string::npos);
    bool aside = false;
    for (const auto& entry : fs::directory_iterator(dir))
        aside = aside || entry.path().filename().string().rfind("outbox.db.corrupt-", 0) == 0;
    EXPECT_TRUE(aside) << "the damaged file must be kept";
    sqlite::Error error;
    auto seq = store->insert(response(), kNow, error);
    ASSERT_TRUE(seq) << error.message;
    EXPECT_GT(*seq, 20) << "a number the damaged file may hold must never be given again";
    OutboxSummary summary = store->summary(error);
    ASSERT_FALSE(summary.recentEvents.empty());
    EXPECT_EQ(summary.recentEvents.front().kind, "corrupt-recovered");
}

TEST(OutboxStore, UnreadableGarbageInsteadOfADatabaseIsRecoveredToo) {
    std::string dir = freshDir("garbage");
    {
        auto store = openStore(dir);
        sqlite::Error error;
        for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->insert(response(), kNow, error));
    }
    fs::remove(dir + "/outbox.db-wal");
    fs::remove(dir + "/outbox.db-shm");
    std::ofstream(dir + "/outbox.db", std::ios::trunc) << std::string(10000, '\x01');
    auto store = openStore(dir);
    ASSERT_TRUE(store->recovery());
    sqlite::Error error;
    // Nothing readable survived; the side file's reservation still keeps numbers unique.
    EXPECT_GT(store->insert(response(), kNow, error).value_or(0), 3);
}

TEST(OutboxStore, DatabaseFromANewerVersionIsRefusedAndLeftAlone) {
    std::string dir = freshDir("newer");
    {
        auto store = openStore(dir);
    }
    sqlite3* db = nullptr;
    sqlite3_open((dir + "/outbox.db").c_str(), &db);
    sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    auto before = fs::file_size(dir + "/outbox.db");
    sqlite::Error error;
    auto store = OutboxStore::open(OutboxSettings{dir, "", 90, 0, 80}, kNow, error);
    EXPECT_FALSE(store);
    EXPECT_EQ(error.kind, sqlite::ErrorKind::Newer);
    EXPECT_NE(error.message.find("schema version 7"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("understands up to " + std::to_string(OutboxStore::kSchemaVersion)), std::string::npos) << error.message;
    EXPECT_EQ(fs::file_size(dir + "/outbox.db"), before);
    EXPECT_FALSE(OutboxStore::openReadOnly(dir, error));
}

TEST(OutboxStore, RetentionPrunesOnlyOldDeliveredResponses) {
    std::string dir = freshDir("prune");
    auto store = openStore(dir);
    sqlite::Error error;
    std::vector<std::string> ids;
    for (int i = 0; i < 6; ++i) {
        Response r = response();
        ids.push_back(r.id);
        ASSERT_TRUE(store->insert(r, kNow, error));
    }
    int64_t day = 86'400'000;
    ASSERT_FALSE(store->setState(ids[0], DeliveryState::Delivered, "", kNow - 100 * day));
    ASSERT_FALSE(store->setState(ids[1], DeliveryState::Delivered, "", kNow - 100 * day));
    ASSERT_FALSE(store->setState(ids[2], DeliveryState::Delivered, "", kNow - 1 * day));
    ASSERT_FALSE(store->setState(ids[3], DeliveryState::Rejected, "questionnaire unknown", kNow - 100 * day));
    EXPECT_EQ(store->prune(kNow, 1, error), 1) << "batches are bounded";
    EXPECT_EQ(store->prune(kNow, 500, error), 1);
    EXPECT_EQ(store->prune(kNow, 500, error), 0);
    auto left = all(*store);
    ASSERT_EQ(left.size(), 4u);
    EXPECT_EQ(left[0].response.id, ids[2]);
    EXPECT_EQ(left[1].state, DeliveryState::Rejected);
    EXPECT_EQ(left[1].reason, "questionnaire unknown");
    OutboxSummary s = store->summary(error);
    EXPECT_EQ(s.pending, 2);
    EXPECT_EQ(s.delivered, 1);
    EXPECT_EQ(s.rejected, 1);
    EXPECT_EQ(s.highestSeq, 6) << "pruning never lowers the numbering";
    Response next = response();
    EXPECT_EQ(store->insert(next, kNow, error), 7);
}

TEST(OutboxStore, ReadOnlyOpeningOfAMissingOutboxSaysWhatToCheck) {
    sqlite::Error error;
    EXPECT_FALSE(OutboxStore::openReadOnly(freshDir("missing"), error));
    EXPECT_NE(error.message.find("check --data-dir"), std::string::npos) << error.message;
}

// Every write, then every sync, of one commit fails in turn (SQLite's own test_vfs habit):
// a commit either happened or did not, a retry stores it exactly once, numbering stays
// gap-free and the file stays sound.
class OutboxFaults : public ::testing::TestWithParam<FaultVfs::Op> {};

TEST_P(OutboxFaults, EveryFailingOperationLeavesNothingHalfStored) {
    FaultVfs& vfs = FaultVfs::instance();
    FaultVfs::Op op = GetParam();
    // How many operations one commit makes, measured rather than assumed.
    std::string probeDir = freshDir("fault_probe");
    int perCommit = 0;
    {
        auto store = openStore(probeDir, FaultVfs::kName);
        sqlite::Error error;
        ASSERT_TRUE(store->insert(response(), kNow, error));
        vfs.heal();
        ASSERT_TRUE(store->insert(response(), kNow, error));
        perCommit = vfs.count(op);
    }
    ASSERT_GT(perCommit, 0);
    for (int nth = 1; nth <= perCommit; ++nth) {
        for (int code : {SQLITE_FULL, SQLITE_IOERR_WRITE}) {
            SCOPED_TRACE("failing operation " + std::to_string(nth) + " of " + std::to_string(perCommit) + ", code " + std::to_string(code));
            std::string dir = freshDir("fault");
            auto store = openStore(dir, FaultVfs::kName);
            sqlite::Error error;
            ASSERT_TRUE(store->insert(response(), kNow, error));
            Response r = response(2);
            vfs.failAt(op, nth, code == SQLITE_IOERR_WRITE && op == FaultVfs::Op::Sync ? SQLITE_IOERR_FSYNC : code, false);
            auto first = store->insert(r, kNow, error);
            EXPECT_TRUE(vfs.fired());
            vfs.heal();
            if (!first) {
                EXPECT_NE(error.kind, sqlite::ErrorKind::None);
                if (error.kind == sqlite::ErrorKind::Corrupt) store = openStore(dir, FaultVfs::kName);
            }
            auto retry = store->insert(r, kNow, error);
            ASSERT_TRUE(retry) << error.message;
            if (first) {
                EXPECT_EQ(*retry, *first);
            }
            ASSERT_TRUE(store->insert(response(), kNow, error));
            auto stored = all(*store);
            ASSERT_EQ(stored.size(), 3u);
            std::set<std::string> ids;
            for (size_t i = 0; i < stored.size(); ++i) {
                EXPECT_EQ(stored[i].response.seq, static_cast<int64_t>(i) + 1);
                ids.insert(stored[i].response.id);
            }
            EXPECT_EQ(ids.size(), 3u);
            store.reset();
            EXPECT_EQ(integrity(dir), "ok");
        }
    }
}

INSTANTIATE_TEST_SUITE_P(WritesAndSyncs, OutboxFaults, ::testing::Values(FaultVfs::Op::Write, FaultVfs::Op::Sync),
                         [](const auto& info) { return info.param == FaultVfs::Op::Write ? "Write" : "Sync"; });

TEST(Outbox, StoresOnItsOwnThreadAndReportsPersistentFailureUntilHealed) {
    FaultVfs& vfs = FaultVfs::instance();
    std::string dir = freshDir("threaded");
    ManualClock clock(1000, kNow);
    Outbox outbox(OutboxSettings{dir, FaultVfs::kName, 90, 512LL << 20, 80}, clock);
    EXPECT_EQ(outbox.probe(), "");
    EXPECT_TRUE(outbox.store(response()).ok);
    vfs.failAt(FaultVfs::Op::Write, 1, SQLITE_FULL, true);
    Response r = response();
    for (int i = 0; i < 3; ++i) {
        StoreResult failed = outbox.store(r);
        EXPECT_FALSE(failed.ok);
        EXPECT_NE(failed.error.find("full"), std::string::npos) << failed.error;
    }
    ASSERT_TRUE(outbox.failing());
    vfs.heal();
    StoreResult ok = outbox.store(r);
    EXPECT_TRUE(ok.ok) << ok.error;
    EXPECT_EQ(ok.seq, 2);
    EXPECT_FALSE(outbox.failing());
    OutboxSummary s = outbox.summary();
    EXPECT_EQ(s.pending, 2);
    ASSERT_FALSE(s.recentEvents.empty());
    EXPECT_EQ(s.recentEvents.front().kind, "storage-failed") << "the episode stays on record for the health report";
}

TEST(OutboxStore, NumberingSurvivesAMissingFloorRow) {
    // Regression: SQLite's max() of several values is NULL when one is, which once turned a
    // missing meta row into seq 0 for every response.
    std::string dir = freshDir("no_floor");
    {
        auto store = openStore(dir);
        sqlite::Error error;
        for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->insert(response(), kNow, error));
    }
    sqlite3* db = nullptr;
    sqlite3_open((dir + "/outbox.db").c_str(), &db);
    sqlite3_exec(db, "DELETE FROM meta", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    auto store = openStore(dir);
    sqlite::Error error;
    EXPECT_EQ(store->insert(response(), kNow, error), 4);
    EXPECT_EQ(store->insert(response(), kNow, error), 5);
}
