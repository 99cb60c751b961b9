// The outbox's additions for the uploader: pending responses oldest first, a batch's state
// changes in one commit (whole or not at all under every failing write or sync), the sync
// record across reopening, and the migration of older files.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "sync/client/outbox_store.h"
#include "tests/fakes/fault_vfs.h"
#include "tests/unit/filled_outbox.h"

using namespace otklik;
using namespace otklik::test;


TEST(OutboxSync, PendingIsOldestFirst) {
    const Filled& f = filled(25);
    std::string dir = copyOf(f, "pending_order");
    sqlite::Error error;
    auto store = OutboxStore::open(outboxSettings(dir), kNow, error);
    ASSERT_TRUE(store) << error.message;
    ASSERT_FALSE(store->setStates({{f.responses[1].id, DeliveryState::Delivered, ""}, {f.responses[3].id, DeliveryState::Rejected, "bad"}}, kNow));
    auto rows = store->pending(5, error);
    std::vector<int64_t> seqs;
    for (const auto& row : rows) seqs.push_back(row.response.seq);
    EXPECT_EQ(seqs, (std::vector<int64_t>{1, 3, 5, 6, 7}));
    EXPECT_EQ(store->stateOf(2, error), DeliveryState::Delivered);
    EXPECT_EQ(store->stateOf(4, error), DeliveryState::Rejected);
    EXPECT_EQ(store->stateOf(99, error), std::nullopt);
    EXPECT_FALSE(error) << error.message;
}

TEST(OutboxSync, ABatchOfStateChangesIsOneCommitWithoutASync) {
    fakes::FaultVfs& vfs = fakes::FaultVfs::instance();
    const Filled& f = filled(25);
    std::string dir = copyOf(f, "one_commit");
    sqlite::Error error;
    auto store = OutboxStore::open(outboxSettings(dir, fakes::FaultVfs::kName), kNow, error);
    ASSERT_TRUE(store) << error.message;
    // The first commit after opening also syncs the WAL's new header: compare later ones.
    ASSERT_FALSE(store->setState(f.responses[24].id, DeliveryState::Delivered, "", kNow));
    vfs.heal();
    ASSERT_FALSE(store->setState(f.responses[0].id, DeliveryState::Delivered, "", kNow));
    int one = vfs.count(fakes::FaultVfs::Op::Sync);
    std::vector<StateChange> changes;
    for (int i = 1; i < 21; ++i) changes.push_back({f.responses[i].id, DeliveryState::Delivered, ""});
    vfs.heal();
    ASSERT_FALSE(store->setStates(changes, kNow));
    EXPECT_EQ(one, 1) << "a single change (setState) is one durable commit";
    EXPECT_EQ(vfs.count(fakes::FaultVfs::Op::Sync), 0)
        << "twenty changes, one commit, without an fsync: a state lost to a power cut only means a resend";
    EXPECT_EQ(store->summary(error).delivered, 22);
}

// Every write, then every sync, of the batch's commit fails in turn: the batch is applied
// whole or not at all, and applying it again works.
TEST(OutboxSync, EveryFailingWriteOrSyncLeavesABatchWholeOrUndone) {
    fakes::FaultVfs& vfs = fakes::FaultVfs::instance();
    const Filled& f = filled(25);
    std::vector<StateChange> changes;
    for (int i = 0; i < 10; ++i) changes.push_back({f.responses[i].id, DeliveryState::Delivered, ""});
    SyncRecord record;
    record.lastSuccessMs = kNow;
    record.hubHighWaterSeq = 10;
    for (auto op : {fakes::FaultVfs::Op::Write, fakes::FaultVfs::Op::Sync}) {
        int perCommit = 0;
        {
            sqlite::Error error;
            auto store = OutboxStore::open(outboxSettings(copyOf(f, "batch_probe"), fakes::FaultVfs::kName), kNow, error);
            ASSERT_TRUE(store) << error.message;
            vfs.heal();
            ASSERT_FALSE(store->setStates(changes, kNow, record));
            perCommit = vfs.count(op);
        }
        ASSERT_GT(perCommit, 0);
        for (int nth = 1; nth <= perCommit; ++nth) {
            SCOPED_TRACE(std::string(op == fakes::FaultVfs::Op::Write ? "write " : "sync ") + std::to_string(nth) + " of " + std::to_string(perCommit));
            std::string dir = copyOf(f, "batch_fault");
            sqlite::Error error;
            auto store = OutboxStore::open(outboxSettings(dir, fakes::FaultVfs::kName), kNow, error);
            ASSERT_TRUE(store) << error.message;
            vfs.failAt(op, nth, op == fakes::FaultVfs::Op::Sync ? SQLITE_IOERR_FSYNC : SQLITE_IOERR_WRITE, false);
            sqlite::Error failed = store->setStates(changes, kNow, record);
            EXPECT_TRUE(vfs.fired());
            vfs.heal();
            if (failed.kind == sqlite::ErrorKind::Corrupt) store = OutboxStore::open(outboxSettings(dir, fakes::FaultVfs::kName), kNow, error);
            ASSERT_TRUE(store) << error.message;
            int64_t delivered = store->summary(error).delivered;
            EXPECT_TRUE(delivered == 0 || delivered == 10) << delivered << " of a batch of 10 applied";
            EXPECT_EQ(store->syncRecord(error).lastSuccessMs.has_value(), delivered == 10) << "the record goes with the batch";
            ASSERT_FALSE(store->setStates(changes, kNow, record));
            EXPECT_EQ(store->summary(error).delivered, 10);
            EXPECT_EQ(store->syncRecord(error), record);
        }
    }
}

TEST(OutboxSync, TheSyncRecordSurvivesReopeningAndReadsReadOnly) {
    std::string dir = copyOf(filled(25), "record");
    SyncRecord record{kNow, "the hub answered 503: storage", kNow + 5, 17, 18};
    {
        sqlite::Error error;
        auto store = OutboxStore::open(outboxSettings(dir), kNow, error);
        ASSERT_TRUE(store) << error.message;
        EXPECT_EQ(store->syncRecord(error), SyncRecord{}) << "nothing recorded yet";
        ASSERT_FALSE(store->saveSyncRecord(record));
    }
    sqlite::Error error;
    auto store = OutboxStore::open(outboxSettings(dir), kNow, error);
    ASSERT_TRUE(store) << error.message;
    EXPECT_EQ(store->syncRecord(error), record);
    auto readOnly = OutboxStore::openReadOnly(dir, error);
    ASSERT_TRUE(readOnly) << error.message;
    EXPECT_EQ(readOnly->syncRecord(error), record);
    EXPECT_FALSE(error) << error.message;
}

TEST(OutboxSync, AVersion1OutboxIsMigratedKeepingItsResponses) {
    std::string dir = copyOf(filled(25), "v1");
    // Make the file what a terminal of schema version 1 left behind.
    sqlite3* db = nullptr;
    sqlite3_open((dir + "/outbox.db").c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE sync_status; PRAGMA user_version = 1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    sqlite::Error error;
    {
        auto readOnly = OutboxStore::openReadOnly(dir, error);
        ASSERT_TRUE(readOnly) << error.message;
        EXPECT_EQ(readOnly->syncRecord(error), SyncRecord{});
        EXPECT_FALSE(error) << "`status` on an old outbox shows nothing recorded, not an error: " << error.message;
    }
    auto store = OutboxStore::open(outboxSettings(dir), kNow, error);
    ASSERT_TRUE(store) << error.message;
    EXPECT_EQ(store->summary(error).pending, 25);
    SyncRecord record;
    record.lastError = "cannot connect";
    ASSERT_FALSE(store->saveSyncRecord(record));
    EXPECT_EQ(store->syncRecord(error), record);
    store.reset();
    db = nullptr;
    sqlite3_open((dir + "/outbox.db").c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(s, 0), OutboxStore::kSchemaVersion);
    sqlite3_finalize(s);
    sqlite3_close(db);
}
