// The terminal's outbox: every finished response goes into an SQLite database before the
// visitor is thanked. One connection, owned by one worker thread; the UI and (later) the
// uploader reach it through a queue and wait for the answer. If storage is unusable (disk
// full, read-only, damaged, newer schema) store() says so and the next call tries again, so
// the terminal recovers by itself once a technician or the cleaner's plug sets things right.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "platform/clock.h"
#include "sync/client/outbox_store.h"
#include "sync/client/response_store.h"

namespace otklik {

class Outbox final : public ResponseStore {
public:
    Outbox(OutboxSettings settings, const Clock& clock);
    ~Outbox() override;  // finishes queued work, then closes the database
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Opens the database now (on the worker) and reports how that went; store() retries.
    [[nodiscard]] sqlite::Error openNow();
    [[nodiscard]] StoreResult store(const Response& response) override;
    [[nodiscard]] std::string probe() override;

    // For the uploader and the health report.
    // Up to `limit` pending responses numbered above `afterSeq`, oldest (lowest seq) first;
    // empty while storage fails. With `forTerminal`, only that terminal's and those from
    // before enrolment.
    [[nodiscard]] std::vector<StoredResponse> pending(int limit, int64_t afterSeq = 0, std::optional<std::string> forTerminal = std::nullopt);
    // OutboxStore::firstSeqForEnrolment; nullopt while storage fails.
    [[nodiscard]] std::optional<int64_t> firstSeqForEnrolment();
    [[nodiscard]] sqlite::Error setState(const std::string& id, DeliveryState state, const std::string& reason);
    // A whole batch's outcome, and the uploader's record if given, in one transaction (one
    // fsync), all or none.
    [[nodiscard]] sqlite::Error setStates(const std::vector<StateChange>& changes, const std::optional<SyncRecord>& record = std::nullopt);
    // The same, without waiting: the future tells how it went. Jobs run in order, so any call
    // made after this one sees its outcome.
    [[nodiscard]] std::future<sqlite::Error> setStatesLater(std::vector<StateChange> changes, std::optional<SyncRecord> record);
    // The state of the response numbered `seq`, if the outbox holds it.
    [[nodiscard]] std::optional<DeliveryState> stateOf(int64_t seq);
    // The uploader's persisted record; nullopt while storage fails.
    [[nodiscard]] std::optional<SyncRecord> syncRecord();
    [[nodiscard]] sqlite::Error saveSyncRecord(const SyncRecord& record);
    // The persisted hub clock offset; nullopt if none or while storage fails.
    [[nodiscard]] std::optional<ClockEstimate> clockEstimate();
    [[nodiscard]] sqlite::Error saveClockEstimate(const ClockEstimate& estimate);
    [[nodiscard]] OutboxSummary summary(bool byTerminal = false);
    // Service-mode events for the hub (OutboxStore's, through the worker).
    [[nodiscard]] sqlite::Error addServiceEvent(const ServiceEvent& event);
    [[nodiscard]] std::vector<ServiceEvent> serviceEvents(int limit);
    [[nodiscard]] sqlite::Error removeServiceEvents(const std::vector<std::string>& ids);
    // The last storage failure, if storage is failing now.
    [[nodiscard]] std::optional<sqlite::Error> failing() const;

private:
    // Runs `job` on the worker thread with the store (opened first if needed) and waits.
    // Queues `job` for the worker thread (the store opened first if needed).
    template <typename Result>
    std::future<Result> post(std::function<Result(OutboxStore*, sqlite::Error&)> job);
    // post(), then waits for the result.
    template <typename Result>
    Result call(std::function<Result(OutboxStore*, sqlite::Error&)> job) {
        return post<Result>(std::move(job)).get();
    }
    void run();
    void housekeeping();  // pruning and checkpoints while the queue is empty
    OutboxStore* ensureOpen(sqlite::Error& error);
    void noteFailure(const sqlite::Error& error);
    void noteSuccess();

    OutboxSettings settings_;
    const Clock& clock_;

    // Worker-thread state.
    std::unique_ptr<OutboxStore> store_;
    int commitsSinceHousekeeping_ = 0;
    int commitsSinceCheckpoint_ = 0;
    std::optional<int64_t> failingSinceMs_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::optional<sqlite::Error> failing_;
    std::thread worker_;
};

}  // namespace otklik
