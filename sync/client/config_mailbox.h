// The hand-over of a new hub config from the sync thread to the UI thread, which applies it
// at the next idle screen (the UI thread owns UI state; workers post to it). One slot: a
// newer config replaces one not yet taken, since only the newest matters.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "sync/client/hub_config.h"

namespace otklik {

class ConfigMailbox {
public:
    // Called on the posting thread after each post; the kiosk wakes its sleeping frame loop
    // with it (Display::wake). Set it before the sync thread starts.
    void setOnPosted(std::function<void()> onPosted) {
        std::lock_guard lock(mutex_);
        onPosted_ = std::move(onPosted);
    }

    // Thread-safe.
    void post(HubConfig config) {
        std::function<void()> notify;
        {
            std::lock_guard lock(mutex_);
            slot_ = std::move(config);
            ++posted_;
            notify = onPosted_;
        }
        arrived_.notify_all();
        if (notify) notify();
    }

    // Thread-safe; the config posted last, once.
    [[nodiscard]] std::optional<HubConfig> take() {
        std::lock_guard lock(mutex_);
        return std::exchange(slot_, std::nullopt);
    }

    // Blocks up to timeoutMs until at least one config has been posted (taken or not).
    [[nodiscard]] bool waitForPost(int64_t timeoutMs) {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return posted_ > 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::optional<HubConfig> slot_;
    int64_t posted_ = 0;
    std::function<void()> onPosted_;
};

}  // namespace otklik
