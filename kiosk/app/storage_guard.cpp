// Storing finished responses, with retries and the unavailable screen.
#include "storage_guard.h"

#include "platform/log.h"

namespace otklik {

void StorageGuard::start(flow::Instant now) {
    std::string error = store_.probe();
    if (error.empty()) return;
    log::error("storage is not usable, showing the unavailable screen: " + error);
    down_ = true;
    flow_.storageUnavailable(now);
    retryAtMs_ = now.monoMs + kSlowRetryMs;
}

void StorageGuard::poll(flow::Instant now) {
    if (!unsaved_) {
        if (auto response = flow_.takeFinished()) {
            unsaved_ = std::move(response);
            attempts_ = 0;
            attempt(now);
            return;
        }
    }
    if (retryAtMs_ && now.monoMs >= *retryAtMs_) attempt(now);
}

std::optional<int64_t> StorageGuard::nextDeadline() const { return retryAtMs_; }

void StorageGuard::attempt(flow::Instant now) {
    retryAtMs_.reset();
    if (!unsaved_) {
        // Storage is down with nothing in hand: ask whether it works again.
        std::string error = store_.probe();
        if (error.empty()) recovered(now);
        else retryAtMs_ = now.monoMs + kSlowRetryMs;
        return;
    }
    StoreResult result = store_.store(*unsaved_);
    if (!result.ok) {
        failed(now, result.error);
        return;
    }
    log::info("stored response " + unsaved_->id + " seq " + std::to_string(result.seq) + " (" + toString(unsaved_->status) +
              (unsaved_->repeated ? ", repeated" : "") + ")");
    unsaved_.reset();
    if (flow_.waitingForStore()) flow_.stored(true, now);
    recovered(now);
}

void StorageGuard::failed(flow::Instant now, const std::string& error) {
    ++attempts_;
    if (attempts_ == 1) log::error("could not store response " + unsaved_->id + ", retrying: " + error);
    constexpr int brief = sizeof(kBriefRetriesMs) / sizeof(kBriefRetriesMs[0]);
    if (attempts_ <= brief) {
        retryAtMs_ = now.monoMs + kBriefRetriesMs[attempts_ - 1];
        return;
    }
    if (flow_.waitingForStore()) {
        log::error("storage keeps failing; showing the unavailable screen and keeping response " + unsaved_->id +
                   " to store when it works again: " + error);
        flow_.stored(false, now);
    }
    down_ = true;
    retryAtMs_ = now.monoMs + kSlowRetryMs;
}

void StorageGuard::recovered(flow::Instant now) {
    if (!down_) return;
    down_ = false;
    attempts_ = 0;
    log::info("storage works again; back to the first screen");
    flow_.storageRecovered(now);
}

}  // namespace otklik
