// The terminal's uploader: sends pending responses from the outbox to the hub in gzip JSON
// batches, oldest first, on its own thread, and records what the hub said about each one
// (stored or duplicate: delivered; rejected: parked with the reason, never retried). Network
// and hub trouble is retried with full-jitter exponential backoff; a retried batch is sent
// byte for byte as before, so a reply lost after the hub stored it ends as `duplicate` and the
// response is delivered exactly once. Nothing here ever blocks the UI thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/clock.h"
#include "sync/client/http_transport.h"
#include "sync/client/outbox.h"

namespace otklik {

struct UploaderSettings {
    std::string hubUrl;                     // the hub's base URL, https://host:port
    std::string token;                      // this terminal's bearer token (enrolment, or `otklik-hub terminal add`)
    std::string terminalId;                 // sent for responses stored before enrolment (their own is "")
    int batchSize = 200;                    // responses per request, 1..1000 (the hub's limit); others are clamped
    int64_t backoffBaseMs = 1000;           // the first retry comes within this
    int64_t backoffCapMs = 300'000;         // retries are never further apart than this (unless the hub asks)
    int64_t firstSyncJitterMs = 30'000;     // start() first waits 0..this, so terminals powered on together do not call together
    int64_t idlePollMs = 60'000;            // with nothing pending, look again this often even without wake()
    int64_t maxRetryAfterMs = 3'600'000;    // a longer Retry-After from the hub is cut to this
    std::function<double()> random;         // uniform in [0, 1); empty = a generator seeded by the system
};

// Full-jitter exponential backoff: random01 · min(cap, base · 2^failures), and never less
// than retryAfterMs (the hub's Retry-After). `failures`: failed attempts in a row before the
// one that just failed (0 after the first failure, so the first retry comes within `base`).
// Pure, for tests; random01 outside [0, 1) is clamped into it.
[[nodiscard]] int64_t backoffDelayMs(int failures, int64_t baseMs, int64_t capMs, double random01, int64_t retryAfterMs = 0);

// What `status` and the health report show. Times are wall-clock Unix milliseconds.
struct SyncStatus {
    std::optional<int64_t> lastSuccessMs;       // the hub last answered a batch (persisted)
    std::string lastError;                      // the last failure in plain words, "" if none ever (persisted)
    std::optional<int64_t> lastErrorMs;
    int consecutiveFailures = 0;                // > 0: failing now
    std::optional<int64_t> nextAttemptMs;       // when the next attempt is planned
    int64_t pending = 0;                        // responses not yet acknowledged
    std::optional<int64_t> oldestPendingAgeMs;  // since the oldest pending response was completed
    int64_t hubHighWaterSeq = 0;                // the hub holds every seq up to this one (persisted)
    bool gapDetected = false;                   // the hub lacks a response this terminal has as delivered
    std::optional<int64_t> gapSeq;              // the first such seq (persisted)
};

// Other work that shares the uploader's thread and connection (the config pull, the
// heartbeat): run between batches when due, never while one of them is in flight.
class UploaderChore {
public:
    virtual ~UploaderChore() = default;
    // Milliseconds until the chore wants to run; 0 or less = now.
    [[nodiscard]] virtual int64_t msUntilDue() = 0;
    // Does the work (may block on the network, bounded by the transport's timeouts).
    virtual void run() = 0;
};

enum class AttemptOutcome {
    Idle,      // nothing pending: nothing was sent
    Progress,  // a batch was resolved (delivered and/or parked); more may be pending: go on at once
    Split,     // 413, or 400 for several responses: the batch is made smaller; go on at once
    Failed,    // nothing resolved (network, hub trouble, token refused): wait, then the same batch again
};

struct AttemptResult {
    AttemptOutcome outcome = AttemptOutcome::Idle;
    int64_t waitMs = 0;     // before the next attempt
    int64_t minWaitMs = 0;  // part of waitMs that wake() does not cut short (Retry-After, refused token)
    int sent = 0;           // responses in the request made; 0 if none was made
};

class Uploader {
public:
    // `outbox`, `transport` and `clock` must outlive the uploader. The transport is used only
    // by the uploader's thread (or by the caller of attempt()).
    Uploader(UploaderSettings settings, Outbox& outbox, HttpTransport& transport, const Clock& clock);
    ~Uploader();  // stop()
    Uploader(const Uploader&) = delete;
    Uploader& operator=(const Uploader&) = delete;

    // Chores run on the uploader's thread when due (after the first-sync jitter, like
    // batches). Add them before start(); they must outlive the uploader.
    void addChore(UploaderChore& chore) { chores_.push_back(&chore); }

    // Runs attempts on the uploader's own thread until stop(): after the first-sync jitter,
    // at once while there is backlog, after the backoff delay when failing, every idlePollMs
    // when idle.
    void start();
    // Returns at once from any wait (jitter, backoff, idle); a request in flight finishes
    // first, bounded by the transport's own timeouts.
    void stop();
    // A response was stored or the network came back: attempt now, cutting short the backoff
    // wait (not a Retry-After or refused-token wait the hub asked for).
    void wake();

    // One attempt, synchronously: at most one request. The thread calls this; tests call it
    // directly (without start()).
    AttemptResult attempt();

    // Thread-safe. Asks the outbox for the pending count.
    [[nodiscard]] SyncStatus status() const;

private:
    struct Batch {
        std::vector<std::string> ids;  // in seq order
        std::vector<int64_t> seqs;
        std::string body;              // the gzip-compressed request body, re-sent unchanged
    };

    // The request body for these responses (gzip JSON), with their ids and seqs; responses
    // from before enrolment get `terminalId`.
    static Batch encode(const std::vector<StoredResponse>& rows, const std::string& terminalId);
    void run();
    void loadRecord() const;
    AttemptResult resolve(const HttpResult& result);
    // Waits for the outcome written in the background; false (and logged) if it failed.
    bool settleWrite();
    AttemptResult rejectSingle(const std::string& reason);
    AttemptResult fail(const std::string& error, int64_t retryAfterMs, bool slow);
    AttemptResult planned(AttemptResult result);  // notes when the next attempt comes
    double random();
    [[nodiscard]] std::optional<std::string> forTerminal() const;

    const UploaderSettings settings_;
    Outbox& outbox_;
    HttpTransport& transport_;
    const Clock& clock_;
    std::function<double()> random_;
    std::vector<UploaderChore*> chores_;

    // Attempt state, one attempt at a time (attemptMutex_).
    std::mutex attemptMutex_;
    std::optional<Batch> batch_;  // kept until the hub has answered it
    // The batch after it, read and encoded while batch_ is in flight (a backlog drains at the
    // pace of the network, not of the outbox plus the network). Used only if batch_ resolved
    // whole; otherwise dropped, and the next attempt reads afresh.
    std::future<Batch> next_;
    bool nextFollows_ = false;
    // While a backlog drains, a batch's outcome is written while the next batch travels.
    std::future<sqlite::Error> written_;
    int limit_;                   // responses per batch now (413 halves it until the backlog is gone)
    int suspect_ = 0;             // a 400 culprit hides among this many responses at the head of the queue
    int probe_ = 0;               // how many of those to send next
    std::string lastLoggedError_;

    // What status() reports (statusMutex_).
    mutable std::mutex statusMutex_;
    mutable bool recordLoaded_ = false;
    mutable SyncRecord record_;
    int failures_ = 0;
    std::optional<int64_t> nextAttemptMs_;

    // The thread (threadMutex_).
    std::mutex threadMutex_;
    std::condition_variable threadWake_;
    bool stopping_ = false;
    bool wakeRequested_ = false;
    std::thread thread_;
};

}  // namespace otklik
