// The outbox's delivery state: what the hub said about each response (one at a time, or a
// whole batch in one commit), and the uploader's record that `status` shows after a restart.
#include "sync/client/outbox_store.h"

#include <cstdint>

namespace otklik {

using sqlite::Error;

namespace {

// synchronous = NORMAL for one transaction, FULL again afterwards (see setStates).
class RelaxedSync {
public:
    explicit RelaxedSync(sqlite::Db& db) : db_(db) { (void)db_.exec("PRAGMA synchronous = NORMAL"); }
    ~RelaxedSync() { (void)db_.exec("PRAGMA synchronous = FULL"); }
    RelaxedSync(const RelaxedSync&) = delete;
    RelaxedSync& operator=(const RelaxedSync&) = delete;

private:
    sqlite::Db& db_;
};

}  // namespace

Error OutboxStore::setState(const std::string& id, DeliveryState state, const std::string& reason, int64_t nowMs) {
    Error error;
    auto s = db_->prepare("UPDATE responses SET state = ?1, state_reason = ?2, state_changed_at_ms = ?3 WHERE id = ?4", error);
    if (!s) return error;
    s->bind(1, toString(state)).bind(2, reason).bind(3, nowMs).bind(4, id);
    return s->run();
}

Error OutboxStore::setStates(const std::vector<StateChange>& changes, int64_t nowMs, const std::optional<SyncRecord>& record) {
    if (changes.empty() && !record) return {};
    Error error;
    auto s = db_->prepare("UPDATE responses SET state = ?1, state_reason = ?2, state_changed_at_ms = ?3 WHERE id = ?4", error);
    if (!s) return error;
    // A state change lost to a power cut costs only a resend, which the hub answers
    // `duplicate` (or `rejected` again), so this commit skips its fsync: in WAL mode with
    // synchronous = NORMAL it is durable at the next response's commit or checkpoint. A
    // backlog drains faster, and an SD card is spared a sync per batch.
    RelaxedSync relaxed(*db_);
    if ((error = begin_->run())) return error;
    for (const StateChange& change : changes) {
        s->bind(1, toString(change.state)).bind(2, change.reason).bind(3, nowMs).bind(4, change.id);
        if ((error = s->run())) {
            (void)rollback_->run();
            return error;
        }
    }
    if (record && (error = saveSyncRecord(*record))) {
        (void)rollback_->run();
        return error;
    }
    if ((error = commit_->run())) (void)rollback_->run();
    return error;
}

std::optional<int64_t> OutboxStore::requeueRejected(std::optional<int64_t> rejectedSinceMs, int64_t nowMs, Error& error) {
    // The reason stays readable in the log and the earlier export; the row only forgets it so
    // that `status` and a new export do not show a verdict the hub may no longer give.
    auto s = db_->prepare(
        "UPDATE responses SET state = 'pending', state_reason = '', state_changed_at_ms = ?1 "
        "WHERE state = 'rejected' AND state_changed_at_ms >= ?2",
        error);
    if (!s) return std::nullopt;
    s->bind(1, nowMs).bind(2, rejectedSinceMs.value_or(INT64_MIN));
    if ((error = s->run())) return std::nullopt;
    return db_->changes();
}

std::optional<DeliveryState> OutboxStore::stateOf(int64_t seq, Error& error) {
    auto s = db_->prepare("SELECT state FROM responses WHERE seq = ?1", error);
    if (!s) return std::nullopt;
    s->bind(1, seq);
    if (!s->step()) {
        if (s->error()) error = s->error();
        return std::nullopt;
    }
    return deliveryStateFromString(s->columnText(0));
}

SyncRecord OutboxStore::syncRecord(Error& error) {
    SyncRecord out;
    auto exists = db_->queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_status'", error);
    if (!exists || *exists == 0) return out;
    auto s = db_->prepare("SELECT last_success_ms, last_error, last_error_ms, hub_high_water_seq, gap_seq FROM sync_status WHERE id = 1", error);
    if (!s) return out;
    if (s->step()) {
        if (!s->columnIsNull(0)) out.lastSuccessMs = s->columnInt(0);
        out.lastError = s->columnText(1);
        if (!s->columnIsNull(2)) out.lastErrorMs = s->columnInt(2);
        out.hubHighWaterSeq = s->columnInt(3);
        if (!s->columnIsNull(4)) out.gapSeq = s->columnInt(4);
    } else if (s->error()) {
        error = s->error();
    }
    return out;
}

Error OutboxStore::saveSyncRecord(const SyncRecord& record) {
    Error error;
    auto s = db_->prepare(
        "INSERT INTO sync_status (id, last_success_ms, last_error, last_error_ms, hub_high_water_seq, gap_seq) "
        "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET last_success_ms = excluded.last_success_ms, "
        "last_error = excluded.last_error, last_error_ms = excluded.last_error_ms, "
        "hub_high_water_seq = excluded.hub_high_water_seq, gap_seq = excluded.gap_seq",  // leaves the clock columns alone
        error);
    if (!s) return error;
    auto bindOptional = [&](int index, const std::optional<int64_t>& value) {
        if (value) s->bind(index, *value);
        else s->bindNull(index);
    };
    bindOptional(1, record.lastSuccessMs);
    s->bind(2, record.lastError);
    bindOptional(3, record.lastErrorMs);
    s->bind(4, record.hubHighWaterSeq);
    bindOptional(5, record.gapSeq);
    return s->run();
}

}  // namespace otklik
