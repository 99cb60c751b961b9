// The outbox's worker thread and queue.
#include "outbox.h"

#include "platform/log.h"

namespace otklik {

namespace {
constexpr int kPruneBatch = 500;                 // small batches keep every commit short
constexpr int kHousekeepingEveryCommits = 200;
// One commit writes about 12 KiB of WAL; OutboxStore preallocates 4 MiB of it.
constexpr int kCheckpointAfterCommits = 256;
constexpr int kCheckpointForcedAfterCommits = 320;
constexpr auto kQuietBeforeCheckpoint = std::chrono::milliseconds(100);
constexpr auto kQuietAfterCommits = std::chrono::seconds(1);
constexpr auto kIdleHousekeeping = std::chrono::seconds(60);
}  // namespace

Outbox::Outbox(OutboxSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock), worker_([this] { run(); }) {
    // Start opening (and checking) the database at once, while the kiosk builds its first
    // frame; the first store() or probe() waits only for what is left of it.
    std::lock_guard lock(mutex_);
    jobs_.push_back([this] {
        sqlite::Error error;
        if (!ensureOpen(error)) noteFailure(error);
    });
    wake_.notify_one();
}

Outbox::~Outbox() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
}

template <typename Result>
std::future<Result> Outbox::post(std::function<Result(OutboxStore*, sqlite::Error&)> job) {
    auto task = std::make_shared<std::packaged_task<Result()>>([this, job = std::move(job)] {
        sqlite::Error error;
        OutboxStore* store = ensureOpen(error);
        Result result = job(store, error);
        if (error) noteFailure(error);
        return result;
    });
    auto future = task->get_future();
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back([task] { (*task)(); });
    }
    wake_.notify_one();
    return future;
}

void Outbox::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // Housekeeping (pruning, checkpoints) waits for a quiet second after enough commits,
        // or a quiet minute: it never runs between two commits of a burst.
        auto quiet = commitsSinceHousekeeping_ >= kHousekeepingEveryCommits ? kQuietAfterCommits : kIdleHousekeeping;
        bool woke = wake_.wait_for(lock, quiet, [this] { return stopping_ || !jobs_.empty(); });
        if (!woke) {
            lock.unlock();
            housekeeping();
            lock.lock();
            continue;
        }
        if (jobs_.empty() && stopping_) break;
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        lock.lock();
        // Checkpoints restart the WAL, and the first commit after a restart pays a second fsync
        // for the WAL header; commits that grow the WAL file pay a metadata update in each
        // fsync. So commits go into the WAL's preallocated blocks until they are nearly used
        // up, then the WAL is folded back in a quiet moment (or at once, in a long burst).
        if (commitsSinceCheckpoint_ >= kCheckpointAfterCommits) {
            bool quiet = commitsSinceCheckpoint_ >= kCheckpointForcedAfterCommits ||
                         !wake_.wait_for(lock, kQuietBeforeCheckpoint, [this] { return stopping_ || !jobs_.empty(); });
            if (quiet && jobs_.empty()) {
                lock.unlock();
                if (store_) store_->checkpoint();
                commitsSinceCheckpoint_ = 0;
                lock.lock();
            }
        }
    }
    lock.unlock();
    store_.reset();
}

OutboxStore* Outbox::ensureOpen(sqlite::Error& error) {
    if (store_) return store_.get();
    store_ = OutboxStore::open(settings_, clock_.wallMs(), error);
    if (!store_) return nullptr;
    if (store_->recovery())
        log::error("outbox: " + store_->recovery()->detail + " — the responses in the damaged file were not lost, but are not sent");
    return store_.get();
}

void Outbox::noteFailure(const sqlite::Error& error) {
    if (!failingSinceMs_) {
        failingSinceMs_ = clock_.wallMs();
        log::error(std::string("outbox: storage failing (") + sqlite::toString(error.kind) + "): " + error.message);
    }
    // A damaged database is closed so the next attempt checks it and moves it aside.
    if (error.kind == sqlite::ErrorKind::Corrupt) store_.reset();
    std::lock_guard lock(mutex_);
    failing_ = error;
}

void Outbox::noteSuccess() {
    if (failingSinceMs_) {
        std::string detail;
        {
            std::lock_guard lock(mutex_);
            if (failing_) detail = std::string(sqlite::toString(failing_->kind)) + ": " + failing_->message;
            failing_.reset();
        }
        log::info("outbox: storage works again");
        // Kept in the database so `status` and the health report can show it afterwards.
        if (store_) (void)store_->recordEvent(*failingSinceMs_, "storage-failed", detail + " (until " + formatUtc(clock_.wallMs()) + ")");
        failingSinceMs_.reset();
    }
}

sqlite::Error Outbox::openNow() {
    return call<sqlite::Error>([this](OutboxStore* store, sqlite::Error& error) {
        if (store) noteSuccess();
        return error;
    });
}

std::string Outbox::probe() {
    sqlite::Error error = openNow();
    return error ? error.message : std::string();
}

StoreResult Outbox::store(const Response& response) {
    return call<StoreResult>([this, &response](OutboxStore* store, sqlite::Error& error) {
        if (!store) return StoreResult{false, 0, error.message};
        auto seq = store->insert(response, clock_.wallMs(), error);
        if (!seq) return StoreResult{false, 0, error.message};
        ++commitsSinceHousekeeping_;
        ++commitsSinceCheckpoint_;
        noteSuccess();
        return StoreResult{true, *seq, {}};
    });
}

std::vector<StoredResponse> Outbox::pending(int limit, int64_t afterSeq, std::optional<std::string> forTerminal) {
    return call<std::vector<StoredResponse>>([limit, afterSeq, forTerminal = std::move(forTerminal)](OutboxStore* store, sqlite::Error& error) {
        return store ? store->pending(limit, error, afterSeq, forTerminal) : std::vector<StoredResponse>{};
    });
}

std::optional<int64_t> Outbox::firstSeqForEnrolment() {
    return call<std::optional<int64_t>>([](OutboxStore* store, sqlite::Error& error) {
        return store ? store->firstSeqForEnrolment(error) : std::nullopt;
    });
}

sqlite::Error Outbox::setState(const std::string& id, DeliveryState state, const std::string& reason) {
    return call<sqlite::Error>([&](OutboxStore* store, sqlite::Error& error) {
        if (!store) return error;
        error = store->setState(id, state, reason, clock_.wallMs());
        return error;
    });
}

sqlite::Error Outbox::setStates(const std::vector<StateChange>& changes, const std::optional<SyncRecord>& record) {
    return setStatesLater(changes, record).get();
}

std::future<sqlite::Error> Outbox::setStatesLater(std::vector<StateChange> changes, std::optional<SyncRecord> record) {
    return post<sqlite::Error>([this, changes = std::move(changes), record = std::move(record)](OutboxStore* store, sqlite::Error& error) {
        if (!store) return error;
        error = store->setStates(changes, clock_.wallMs(), record);
        if (!error) ++commitsSinceCheckpoint_;
        return error;
    });
}

std::optional<DeliveryState> Outbox::stateOf(int64_t seq) {
    return call<std::optional<DeliveryState>>([seq](OutboxStore* store, sqlite::Error& error) -> std::optional<DeliveryState> {
        if (!store) return std::nullopt;
        return store->stateOf(seq, error);
    });
}

std::optional<SyncRecord> Outbox::syncRecord() {
    return call<std::optional<SyncRecord>>([](OutboxStore* store, sqlite::Error& error) -> std::optional<SyncRecord> {
        if (!store) return std::nullopt;
        SyncRecord record = store->syncRecord(error);
        if (error) return std::nullopt;
        return record;
    });
}

sqlite::Error Outbox::saveSyncRecord(const SyncRecord& record) {
    return call<sqlite::Error>([&](OutboxStore* store, sqlite::Error& error) {
        if (!store) return error;
        error = store->saveSyncRecord(record);
        if (!error) ++commitsSinceCheckpoint_;
        return error;
    });
}

std::optional<ClockEstimate> Outbox::clockEstimate() {
    return call<std::optional<ClockEstimate>>([](OutboxStore* store, sqlite::Error& error) -> std::optional<ClockEstimate> {
        if (!store) return std::nullopt;
        auto estimate = store->clockEstimate(error);
        if (error) return std::nullopt;
        return estimate;
    });
}

sqlite::Error Outbox::saveClockEstimate(const ClockEstimate& estimate) {
    return call<sqlite::Error>([&](OutboxStore* store, sqlite::Error& error) {
        if (!store) return error;
        error = store->saveClockEstimate(estimate);
        if (!error) ++commitsSinceCheckpoint_;
        return error;
    });
}

OutboxSummary Outbox::summary(bool byTerminal) {
    return call<OutboxSummary>([byTerminal](OutboxStore* store, sqlite::Error& error) {
        return store ? store->summary(error, byTerminal) : OutboxSummary{};
    });
}

sqlite::Error Outbox::addServiceEvent(const ServiceEvent& event) {
    return call<sqlite::Error>([&event](OutboxStore* store, sqlite::Error& error) { return store ? store->addServiceEvent(event) : error; });
}

std::vector<ServiceEvent> Outbox::serviceEvents(int limit) {
    return call<std::vector<ServiceEvent>>([limit](OutboxStore* store, sqlite::Error& error) {
        return store ? store->serviceEvents(limit, error) : std::vector<ServiceEvent>{};
    });
}

sqlite::Error Outbox::removeServiceEvents(const std::vector<std::string>& ids) {
    return call<sqlite::Error>([&ids](OutboxStore* store, sqlite::Error& error) { return store ? store->removeServiceEvents(ids) : error; });
}

std::optional<sqlite::Error> Outbox::failing() const {
    std::lock_guard lock(mutex_);
    return failing_;
}

void Outbox::housekeeping() {
    commitsSinceHousekeeping_ = 0;
    if (!store_) return;
    sqlite::Error error;
    int pruned = store_->prune(clock_.wallMs(), kPruneBatch, error);
    if (pruned > 0) log::info("outbox: pruned " + std::to_string(pruned) + " delivered responses past retention");
    store_->checkpoint();
    int64_t bytes = store_->databaseBytes();
    if (settings_.budgetBytes > 0 && bytes * 100 > settings_.budgetBytes * settings_.warnPercent)
        log::warning("outbox: " + std::to_string(bytes >> 20) + " MiB used of a " + std::to_string(settings_.budgetBytes >> 20) +
                     " MiB budget; delivered responses are pruned first, pending ones are kept");
}

}  // namespace otklik
