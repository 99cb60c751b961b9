// The uploader: batches from the outbox to the hub's POST /api/v1/responses:batch, the
// hub's answer written back in one transaction, backoff and splitting when the hub refuses.
#include "uploader.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "platform/log.h"
#include "platform/thread_priority.h"
#include "sync/client/http_client.h"
#include "sync/protocol/gzip.h"

namespace otklik {

using nlohmann::json;

namespace {

constexpr int kHubMaxBatch = 1000;  // the hub answers 400 to more (docs/hub.md)

// The hub's {"error", "fix"} in words; something sensible for a reply that is not one
// (a proxy's HTML page, an empty body).
std::string hubError(const HttpResult& result, bool withFix) {
    json body = json::parse(result.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_string()) {
        std::string text = body["error"].get<std::string>();
        if (withFix && body.contains("fix") && body["fix"].is_string() && !body["fix"].get<std::string>().empty())
            text += " — " + body["fix"].get<std::string>();
        return text;
    }
    return "HTTP " + std::to_string(result.status) + " without the hub's error reply (a proxy in between?)";
}

// Retry-After in seconds (the hub sends seconds; an HTTP date is ignored), in milliseconds.
int64_t retryAfterMs(const HttpResult& result, int64_t maxMs) {
    auto value = result.header("retry-after");
    if (!value) return 0;
    const std::string& text = *value;
    size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return 0;
    int64_t seconds = 0;
    for (size_t i = begin; i < text.size() && text[i] != ' ' && text[i] != '\t'; ++i) {
        if (text[i] < '0' || text[i] > '9') return 0;
        seconds = std::min<int64_t>(seconds * 10 + (text[i] - '0'), maxMs / 1000 + 1);
    }
    return std::min(seconds * 1000, maxMs);
}

std::string seconds(int64_t ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buffer;
}

}  // namespace

int64_t backoffDelayMs(int failures, int64_t baseMs, int64_t capMs, double random01, int64_t retryAfterMs) {
    baseMs = std::max<int64_t>(baseMs, 0);
    capMs = std::max<int64_t>(capMs, 0);
    // Doubling stops at the cap, so neither a long outage (failures in the thousands) nor a
    // large base can overflow.
    int64_t window = std::min(baseMs, capMs);
    for (int i = 0; i < failures && window > 0 && window < capMs; ++i) window = std::min(window * 2, capMs);
    if (!(random01 >= 0.0)) random01 = 0.0;  // also NaN
    if (random01 >= 1.0) random01 = std::nextafter(1.0, 0.0);
    int64_t delay = static_cast<int64_t>(random01 * static_cast<double>(window));
    return std::max(delay, retryAfterMs);
}

Uploader::Uploader(UploaderSettings settings, Outbox& outbox, HttpTransport& transport, const Clock& clock)
    : settings_(std::move(settings)),
      outbox_(outbox),
      transport_(transport),
      clock_(clock),
      random_(settings_.random),
      limit_(std::clamp(settings_.batchSize, 1, kHubMaxBatch)) {
    if (!random_) {
        auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
        random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
    }
}

Uploader::~Uploader() { stop(); }

double Uploader::random() { return random_(); }

std::optional<std::string> Uploader::forTerminal() const {
    // Responses another terminal id stored here (the device was enrolled under a new id) are
    // kept, never sent under this token: the hub would refuse the whole batch for them.
    if (settings_.terminalId.empty()) return std::nullopt;
    return settings_.terminalId;
}

void Uploader::start() {
    std::lock_guard lock(threadMutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] {
        runThisThreadInTheBackground();
        run();
    });
}

void Uploader::stop() {
    {
        std::lock_guard lock(threadMutex_);
        if (!thread_.joinable()) return;
        stopping_ = true;
    }
    threadWake_.notify_all();
    thread_.join();
    std::lock_guard lock(statusMutex_);
    nextAttemptMs_.reset();
}

void Uploader::wake() {
    {
        std::lock_guard lock(threadMutex_);
        wakeRequested_ = true;
    }
    threadWake_.notify_all();
}

void Uploader::run() {
    using Steady = std::chrono::steady_clock;
    using std::chrono::milliseconds;
    int64_t jitter = 0;
    {
        std::lock_guard attemptLock(attemptMutex_);
        jitter = static_cast<int64_t>(std::clamp(random(), 0.0, 1.0) * static_cast<double>(std::max<int64_t>(settings_.firstSyncJitterMs, 0)));
    }
    {
        std::lock_guard lock(statusMutex_);
        nextAttemptMs_ = clock_.wallMs() + jitter;
    }
    // Runs the chores that are due; returns when the earliest of the others is.
    auto runChores = [this]() {
        auto next = Steady::time_point::max();
        for (UploaderChore* chore : chores_) {
            if (chore->msUntilDue() <= 0) chore->run();
            next = std::min(next, Steady::now() + milliseconds(std::max<int64_t>(chore->msUntilDue(), 0)));
        }
        return next;
    };
    std::unique_lock lock(threadMutex_);
    // The jitter spreads terminals that start together (a power cut ends); wake() does not
    // cut it short, and chores wait for it too.
    auto attemptDue = Steady::now() + milliseconds(jitter);
    auto floor = attemptDue;  // wake() may bring the next attempt forward to here, not sooner
    bool started = jitter == 0;
    for (;;) {
        if (stopping_) return;
        if (wakeRequested_) {
            wakeRequested_ = false;
            attemptDue = std::min(attemptDue, floor);
        }
        auto now = Steady::now();
        if (now >= attemptDue) {
            started = true;
            lock.unlock();
            AttemptResult result = attempt();
            lock.lock();
            now = Steady::now();
            attemptDue = now + milliseconds(result.waitMs);
            floor = now + milliseconds(std::min(result.minWaitMs, result.waitMs));
            continue;  // a wake() that came during the attempt is seen at once
        }
        auto next = attemptDue;
        if (started && !chores_.empty()) {
            lock.unlock();
            next = std::min(next, runChores());
            lock.lock();
            if (stopping_) return;
            if (wakeRequested_ || Steady::now() >= attemptDue) continue;
        }
        threadWake_.wait_until(lock, next);
    }
}

void Uploader::loadRecord() const {
    {
        std::lock_guard lock(statusMutex_);
        if (recordLoaded_) return;
    }
    auto stored = outbox_.syncRecord();
    if (!stored) return;  // storage failing: try again next time
    std::lock_guard lock(statusMutex_);
    if (recordLoaded_) return;
    record_ = *stored;
    recordLoaded_ = true;
}

AttemptResult Uploader::planned(AttemptResult result) {
    std::lock_guard lock(statusMutex_);
    nextAttemptMs_ = clock_.wallMs() + result.waitMs;
    return result;
}

AttemptResult Uploader::attempt() {
    std::lock_guard attemptLock(attemptMutex_);
    loadRecord();
    // A kept batch goes again byte for byte, as long as its responses are still the first
    // pending ones (nothing else changes their state, but a check costs one read).
    if (batch_) {
        auto head = outbox_.pending(static_cast<int>(batch_->ids.size()), 0, forTerminal());
        bool same = head.size() == batch_->ids.size();
        for (size_t i = 0; same && i < head.size(); ++i) same = head[i].response.id == batch_->ids[i];
        if (!same) batch_.reset();
    }
    bool prepared = false;
    if (next_.valid()) {
        Batch next = next_.get();
        prepared = nextFollows_ && !batch_ && !next.ids.empty() && suspect_ == 0;
        if (prepared) batch_ = std::move(next);
        nextFollows_ = false;
    }
    if (!prepared) settleWrite();  // nothing to overlap it with
    if (!batch_) {
        int want = suspect_ > 0 ? std::clamp(probe_, 1, suspect_) : limit_;
        auto rows = outbox_.pending(want, 0, forTerminal());
        if (rows.empty()) {
            // Backlog gone: a smaller size forced by 413 or a 400 hunt ends here.
            limit_ = std::clamp(settings_.batchSize, 1, kHubMaxBatch);
            suspect_ = probe_ = 0;
            return planned({AttemptOutcome::Idle, settings_.idlePollMs, 0, 0});
        }
        batch_ = encode(rows, settings_.terminalId);
    }
    // A full batch suggests more backlog: prepare the next one while this one travels.
    if (suspect_ == 0 && static_cast<int>(batch_->ids.size()) == limit_) {
        next_ = std::async(std::launch::async, [this, after = batch_->seqs.back(), limit = limit_] {
            runThisThreadInTheBackground();
            return encode(outbox_.pending(limit, after, forTerminal()), settings_.terminalId);
        });
    }

    HttpRequest request;
    request.method = "POST";
    request.url = hubRouteUrl(settings_.hubUrl, "/api/v1/responses:batch");
    request.headers = {{"Content-Type", "application/json"},
                       {"Content-Encoding", "gzip"},
                       {"Authorization", "Bearer " + settings_.token}};
    request.body = batch_->body;
    const int sent = static_cast<int>(batch_->ids.size());
    HttpResult result = transport_.send(request);
    const bool written = settleWrite();

    AttemptResult outcome;
    const int64_t retryAfter = result.replied() ? retryAfterMs(result, settings_.maxRetryAfterMs) : 0;
    if (!result.replied()) {
        // Timeout, TLS, connection, a reply cut short: the hub may or may not have stored the
        // batch; sending the same bytes again settles it either way.
        outcome = fail(result.errorMessage.empty() ? std::string("cannot reach the hub: ") + toString(result.error) : result.errorMessage,
                       0, false);
    } else if (result.status == 200) {
        outcome = resolve(result);
    } else if (result.status == 413) {
        if (sent > 1) {
            int half = std::max(1, sent / 2);
            limit_ = std::min(limit_, half);
            if (suspect_ > 0) probe_ = std::min(probe_, half);
            batch_.reset();
            log::info("uploader: the hub found a batch of " + std::to_string(sent) + " responses too large (" + hubError(result, false) +
                      "); sending " + std::to_string(half) + " at a time until the backlog is gone");
            outcome = {AttemptOutcome::Split, 0, 0, 0};
        } else {
            outcome = rejectSingle("too large for the hub (HTTP 413): " + hubError(result, false));
        }
    } else if (result.status == 400) {
        if (sent > 1) {
            // The hub judges items one by one and answers 200, so a 400 for the whole batch means
            // something in it breaks the batch itself (unreadable JSON, too deep). Halves find it.
            suspect_ = sent;
            probe_ = std::max(1, sent / 2);
            batch_.reset();
            log::warning("uploader: the hub refused a batch of " + std::to_string(sent) + " responses (" + hubError(result, false) +
                         "); sending smaller batches to find the response it objects to");
            outcome = {AttemptOutcome::Split, 0, 0, 0};
        } else {
            outcome = rejectSingle("refused by the hub (HTTP 400): " + hubError(result, true));
        }
    } else if (result.status == 401 || result.status == 403) {
        // Nothing is wrong with the responses (an unknown, revoked or another terminal's token
        // is an identity error, never a verdict on them): park nothing, keep them pending, and
        // knock rarely until a technician mends the terminal's credentials.
        outcome = fail("the hub refused this terminal's token: " + hubError(result, true), retryAfter, true);
    } else if (result.status == 429 || result.status >= 500) {
        outcome = fail("the hub answered " + std::to_string(result.status) + ": " + hubError(result, true), retryAfter, false);
    } else {
        std::string hint = result.status == 404 || result.status == 405 || (result.status >= 300 && result.status < 400)
                               ? " — check the hub address in the device config (https://host:port of otklik-hub, nothing after it)"
                               : "";
        outcome = fail("the hub answered " + std::to_string(result.status) + ": " + hubError(result, true) + hint, retryAfter, false);
    }
    outcome.sent = sent;
    // The prepared batch follows on only from a batch resolved whole (every item now has its
    // state, so the next pending ones are exactly those after it).
    nextFollows_ = outcome.outcome == AttemptOutcome::Progress && !batch_ && written;
    return planned(outcome);
}

Uploader::Batch Uploader::encode(const std::vector<StoredResponse>& rows, const std::string& terminalId) {
    Batch batch;
    if (rows.empty()) return batch;
    json list = json::array();
    for (const StoredResponse& row : rows) {
        batch.ids.push_back(row.response.id);
        batch.seqs.push_back(row.response.seq);
        json item = toJson(row.response);
        // Answered before the terminal was enrolled: it goes under the id enrolment gave it
        // (docs/technician.md). The same every time, so a resend is byte for byte the same.
        if (row.response.terminalId.empty()) item["terminal_id"] = terminalId;
        list.push_back(std::move(item));
    }
    // Text that is not UTF-8 (a damaged row) is sent with U+FFFD rather than stopping
    // every delivery; the outbox keeps the original. Deterministic, so retries match.
    batch.body = gzipCompress(json{{"responses", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace));
    return batch;
}

AttemptResult Uploader::resolve(const HttpResult& result) {
    json reply = json::parse(result.body, nullptr, false);
    if (!reply.is_object() || !reply.contains("results") || !reply["results"].is_array())
        return fail("the hub's reply to a batch could not be read (not the batch reply of docs/api/openapi.yaml)", 0, false);

    struct Verdict {
        DeliveryState state;
        std::string reason;
    };
    std::map<std::string, Verdict> verdicts;
    for (const json& item : reply["results"]) {
        if (!item.is_object() || !item.contains("id") || !item["id"].is_string() || !item.contains("result") || !item["result"].is_string())
            continue;
        std::string what = item["result"].get<std::string>();
        if (what == "stored" || what == "duplicate") {
            verdicts[item["id"].get<std::string>()] = {DeliveryState::Delivered, {}};
        } else if (what == "rejected") {
            std::string reason = item.contains("reason") && item["reason"].is_string() ? item["reason"].get<std::string>() : "no reason given";
            if (item.contains("conflict") && item["conflict"] == true)
                reason += " (conflict: the hub holds different content under this id or seq)";
            verdicts[item["id"].get<std::string>()] = {DeliveryState::Rejected, reason};
        }
    }
    std::vector<StateChange> changes;
    std::vector<std::string> parked;
    int64_t highestDelivered = 0;
    std::set<int64_t> deliveredNow;
    for (size_t i = 0; i < batch_->ids.size(); ++i) {
        auto found = verdicts.find(batch_->ids[i]);
        if (found == verdicts.end()) continue;
        changes.push_back({batch_->ids[i], found->second.state, found->second.reason});
        if (found->second.state == DeliveryState::Delivered) {
            highestDelivered = std::max(highestDelivered, batch_->seqs[i]);
            deliveredNow.insert(batch_->seqs[i]);
        } else {
            parked.push_back("response " + batch_->ids[i] + " seq " + std::to_string(batch_->seqs[i]) + ": " + found->second.reason);
        }
    }
    if (changes.empty()) return fail("the hub's reply to a batch named none of the responses sent", 0, false);
    const size_t unanswered = batch_->ids.size() - changes.size();

    SyncRecord record;
    {
        std::lock_guard lock(statusMutex_);
        record = record_;
    }
    record.lastSuccessMs = clock_.wallMs();
    if (reply.contains("high_water_seq") && reply["high_water_seq"].is_number_integer()) {
        int64_t highWater = reply["high_water_seq"].get<int64_t>();
        record.hubHighWaterSeq = highWater;
        // The hub holds every seq up to highWater. If the next one is a response this terminal
        // has as delivered, the hub has lost it (restored from a backup, say). A rejected,
        // pending or missing one (parked, unreadable, lost with a damaged outbox) explains the
        // hub's gap, and it is reported elsewhere.
        std::optional<int64_t> gap;
        if (highWater < highestDelivered) {
            int64_t next = highWater + 1;
            if (deliveredNow.count(next) || outbox_.stateOf(next) == DeliveryState::Delivered) gap = next;
        }
        if (gap && gap != record.gapSeq)
            log::warning("uploader: the hub holds this terminal's responses only up to seq " + std::to_string(highWater) + ", but seq " +
                         std::to_string(*gap) + " was delivered to it before: the hub has lost responses (restored from a backup?). "
                         "They are still here: `otklik-kiosk export --state delivered` lists them for the hub's operator");
        record.gapSeq = gap;
    }
    if (next_.valid()) {
        // Draining a backlog: write while the next batch (prepared already) travels. Should
        // the write fail, these responses stay pending and go once more (answered duplicate).
        written_ = outbox_.setStatesLater(std::move(changes), record);
    } else if (sqlite::Error error = outbox_.setStates(changes, record)) {
        return fail("the hub took a batch, but the outbox could not record it (" + error.message + "); it is sent again", 0, false);
    }

    int failuresBefore = 0;
    {
        std::lock_guard lock(statusMutex_);
        record_ = record;
        failuresBefore = failures_;
        failures_ = 0;
    }
    if (failuresBefore > 0) {
        log::info("uploader: the hub takes responses again after " + std::to_string(failuresBefore) + " failed attempts");
        lastLoggedError_.clear();
    }
    for (const std::string& line : parked) log::warning("uploader: the hub rejected " + line + " — kept as rejected, not sent again");
    if (suspect_ > 0) {
        suspect_ = std::max(0, suspect_ - static_cast<int>(batch_->ids.size() - unanswered));
        probe_ = suspect_;
    }
    batch_.reset();
    if (unanswered > 0)
        return fail("the hub's reply left " + std::to_string(unanswered) + " responses of the batch unanswered; they are sent again", 0, false);
    return {AttemptOutcome::Progress, 0, 0, 0};
}

bool Uploader::settleWrite() {
    if (!written_.valid()) return true;
    sqlite::Error error = written_.get();
    if (!error) return true;
    log::warning("uploader: the outbox could not record what the hub took (" + error.message +
                 "); those responses stay pending and go once more");
    return false;
}

AttemptResult Uploader::rejectSingle(const std::string& reason) {
    const std::string id = batch_->ids.front();
    const int64_t seq = batch_->seqs.front();
    if (sqlite::Error error = outbox_.setStates({{id, DeliveryState::Rejected, reason}}))
        return fail("could not record response " + id + " as rejected (" + error.message + ")", 0, false);
    log::warning("uploader: the hub refuses response " + id + " seq " + std::to_string(seq) + " on its own: " + reason +
                 " — kept as rejected, not sent again");
    {
        std::lock_guard lock(statusMutex_);
        failures_ = 0;  // the hub answered: the way there works
    }
    if (suspect_ > 0) {
        suspect_ -= 1;
        probe_ = suspect_;
    }
    batch_.reset();
    return {AttemptOutcome::Progress, 0, 0, 0};
}

AttemptResult Uploader::fail(const std::string& error, int64_t retryAfterMs, bool slow) {
    int failures = 0;
    SyncRecord record;
    {
        std::lock_guard lock(statusMutex_);
        failures = ++failures_;
        record_.lastError = error;
        record_.lastErrorMs = clock_.wallMs();
        record = record_;
    }
    // Kept so `status` can say after a restart what went wrong: one commit per failed
    // attempt, so at most one per backoff delay.
    (void)outbox_.saveSyncRecord(record);
    int64_t delay = slow ? std::max(settings_.backoffCapMs, retryAfterMs)
                         : backoffDelayMs(failures - 1, settings_.backoffBaseMs, settings_.backoffCapMs, random(), retryAfterMs);
    if (error != lastLoggedError_) {
        log::warning("uploader: " + error + " (attempt " + std::to_string(failures) + " in a row; next in " + seconds(delay) + ")");
        lastLoggedError_ = error;
    }
    return {AttemptOutcome::Failed, delay, slow ? delay : std::min(retryAfterMs, delay), 0};
}

SyncStatus Uploader::status() const {
    loadRecord();
    SyncStatus out;
    {
        std::lock_guard lock(statusMutex_);
        out.lastSuccessMs = record_.lastSuccessMs;
        out.lastError = record_.lastError;
        out.lastErrorMs = record_.lastErrorMs;
        out.hubHighWaterSeq = record_.hubHighWaterSeq;
        out.gapSeq = record_.gapSeq;
        out.gapDetected = record_.gapSeq.has_value();
        out.consecutiveFailures = failures_;
        out.nextAttemptMs = nextAttemptMs_;
    }
    OutboxSummary summary = outbox_.summary();
    out.pending = summary.pending;
    if (summary.oldestPendingAtMs) out.oldestPendingAgeMs = std::max<int64_t>(0, clock_.wallMs() - *summary.oldestPendingAtMs);
    return out;
}

}  // namespace otklik
