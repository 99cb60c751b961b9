// The outbox database itself, used from one thread: opening with checks and recovery,
// schema migrations, storing a response with its gap-free sequence number, delivery state,
// pruning, and the queries behind `export` and `status`. Outbox (outbox.h) runs it on its
// own thread for the kiosk; the command line uses it directly, read-only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sync/client/clock_offset.h"
#include "sync/client/sqlite_db.h"
#include "sync/protocol/response.h"

namespace otklik {

enum class DeliveryState { Pending, Delivered, Rejected };
const char* toString(DeliveryState state);
std::optional<DeliveryState> deliveryStateFromString(const std::string& name);

struct StoredResponse {
    Response response;
    DeliveryState state = DeliveryState::Pending;
    std::string reason;      // why the hub rejected it
    int64_t storedAtMs = 0;
};

// Something that happened to the storage, kept for the health report.
struct StorageEvent {
    int64_t atMs = 0;
    std::string kind;    // "corrupt-recovered", "storage-failed", ...
    std::string detail;
};

// Something the technician's service mode did, for the hub (POST /api/v1/events).
struct ServiceEvent {
    std::string id;  // UUIDv7: a resend is stored once
    int64_t atMs = 0;
    std::string kind;
    std::string detail;
};

// One response's new delivery state, as the hub's answer to a batch decided it.
struct StateChange {
    std::string id;
    DeliveryState state = DeliveryState::Delivered;
    std::string reason;  // why the hub rejected it ("" when delivered)
};

// What the uploader last learnt about delivery, kept in the outbox so `status` can show it
// after a restart (and while the kiosk runs, from the read-only side).
struct SyncRecord {
    std::optional<int64_t> lastSuccessMs;  // wall clock when the hub last answered a batch
    std::string lastError;                 // the last failure in plain words (kept after a success: compare the times)
    std::optional<int64_t> lastErrorMs;
    int64_t hubHighWaterSeq = 0;           // the hub holds every seq up to this one
    std::optional<int64_t> gapSeq;         // a seq this terminal has delivered that the hub says it lacks

    bool operator==(const SyncRecord&) const = default;
};

struct OutboxSummary {
    int64_t pending = 0, delivered = 0, rejected = 0;
    std::optional<int64_t> oldestPendingAtMs;  // completed_at of the oldest pending response
    int64_t highestSeq = 0;
    int64_t databaseBytes = 0;                 // database + WAL
    std::vector<StorageEvent> recentEvents;    // newest first, at most 10
    // Pending responses per terminal id ("" = from before enrolment), when asked for: those of
    // another id than the terminal's are kept and not delivered under its token.
    std::vector<std::pair<std::string, int64_t>> pendingByTerminal;
};

struct OutboxSettings {
    std::string dataDir;
    std::string vfs;                       // SQLite VFS name; "" = default (tests inject faults)
    int64_t keepDeliveredDays = 90;
    int64_t budgetBytes = 512LL << 20;     // soft limit: delivered responses are pruned early above it
    int warnPercent = 80;
};

class OutboxStore {
public:
    static constexpr int kSchemaVersion = 4;
    static constexpr const char* kFileName = "outbox.db";

    // Opens or creates <dataDir>/outbox.db: WAL, synchronous=FULL, quick_check. A corrupt file
    // is moved aside and a fresh one continues the sequence; a file from a newer schema is
    // refused. nullptr with `error` set when storage cannot be used.
    static std::unique_ptr<OutboxStore> open(const OutboxSettings& settings, int64_t nowMs, sqlite::Error& error);
    // Read-only, for export/status while the kiosk may be running. No recovery, no migration.
    static std::unique_ptr<OutboxStore> openReadOnly(const std::string& dataDir, sqlite::Error& error);

    // Stores the response with the next sequence number, in one transaction; returns the seq.
    [[nodiscard]] std::optional<int64_t> insert(const Response& response, int64_t nowMs, sqlite::Error& error);
    [[nodiscard]] sqlite::Error setState(const std::string& id, DeliveryState state, const std::string& reason, int64_t nowMs);
    // Applies every change, and the uploader's record if given, in one transaction (one fsync
    // for a whole batch): all or none.
    [[nodiscard]] sqlite::Error setStates(const std::vector<StateChange>& changes, int64_t nowMs,
                                          const std::optional<SyncRecord>& record = std::nullopt);
    // Puts rejected responses (those rejected at or after `rejectedSinceMs`, or all) back to
    // pending for another delivery after a fix; the hub's exactly-once rule makes a resend
    // harmless. Returns how many; nullopt with `error` set on failure (then none changed).
    [[nodiscard]] std::optional<int64_t> requeueRejected(std::optional<int64_t> rejectedSinceMs, int64_t nowMs, sqlite::Error& error);
    // The state of the response numbered `seq`; nullopt if there is none (never stored,
    // pruned, or lost with a damaged file) or on error.
    [[nodiscard]] std::optional<DeliveryState> stateOf(int64_t seq, sqlite::Error& error);
    // Up to `limit` pending responses numbered above `afterSeq`, oldest (lowest seq) first;
    // with `forTerminal`, only that terminal's and those from before enrolment (terminal id "").
    [[nodiscard]] std::vector<StoredResponse> pending(int limit, sqlite::Error& error, int64_t afterSeq = 0,
                                                      const std::optional<std::string>& forTerminal = std::nullopt);
    // The seq an enrolment's numbering starts at: the lowest pending response from before
    // enrolment, else the seq the next response will get.
    [[nodiscard]] std::optional<int64_t> firstSeqForEnrolment(sqlite::Error& error);
    // Calls `row` for each response in seq order, optionally only one state.
    [[nodiscard]] sqlite::Error forEach(std::optional<DeliveryState> state, const std::function<void(const StoredResponse&)>& row);
    // With `byTerminal`, also the pending count per terminal id (a scan of the pending rows).
    [[nodiscard]] OutboxSummary summary(sqlite::Error& error, bool byTerminal = false);
    // The uploader's record; empty in a database from before schema version 2. Works read-only.
    [[nodiscard]] SyncRecord syncRecord(sqlite::Error& error);
    [[nodiscard]] sqlite::Error saveSyncRecord(const SyncRecord& record);
    // The last persisted hub clock offset (outbox_clock.cpp); nullopt if never measured or the
    // file is from before schema version 3. Works read-only.
    [[nodiscard]] std::optional<ClockEstimate> clockEstimate(sqlite::Error& error);
    [[nodiscard]] sqlite::Error saveClockEstimate(const ClockEstimate& estimate);
    [[nodiscard]] sqlite::Error recordEvent(int64_t atMs, const std::string& kind, const std::string& detail);
    // Service-mode events for the hub (outbox_events.cpp): kept until delivered, then removed.
    [[nodiscard]] sqlite::Error addServiceEvent(const ServiceEvent& event);
    [[nodiscard]] std::vector<ServiceEvent> serviceEvents(int limit, sqlite::Error& error);
    [[nodiscard]] sqlite::Error removeServiceEvents(const std::vector<std::string>& ids);
    // Deletes at most `batch` delivered responses older than the retention (or, over budget,
    // the oldest delivered ones). Returns how many went; pending ones are never touched.
    [[nodiscard]] int prune(int64_t nowMs, int batch, sqlite::Error& error);
    // Moves WAL content into the database file (when idle: keeps commits short).
    void checkpoint();
    // Gives the WAL file written blocks to overwrite (see outbox_store.cpp).
    void preallocateWal();
    [[nodiscard]] int64_t databaseBytes() const;

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::optional<StorageEvent>& recovery() const { return recovery_; }

private:
    OutboxStore(std::unique_ptr<sqlite::Db> db, OutboxSettings settings, std::string path);
    sqlite::Error prepareStatements();
    sqlite::Error reserveSequence(int64_t seq);

    std::unique_ptr<sqlite::Db> db_;
    OutboxSettings settings_;
    std::string path_;
    std::optional<StorageEvent> recovery_;
    int64_t seqCeiling_ = 0;  // sequence numbers reserved in the side file (see outbox_store.cpp)
    int64_t schemaVersion_ = kSchemaVersion;  // below it only when an older file is read read-only
    std::unique_ptr<sqlite::Statement> nextSeq_, insert_, begin_, commit_, rollback_;
};

}  // namespace otklik
