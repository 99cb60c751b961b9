// Per-terminal request rate limit (token bucket): a terminal stuck in a retry loop, or a
// leaked token, cannot take the hub's capacity from the others. Thread-safe.
#pragma once

#include <cstdint>
#include <iterator>
#include <mutex>
#include <string>
#include <unordered_map>

namespace otklik::hub {

class RateLimiter {
public:
    RateLimiter(double perSecond, double burst) : perSecond_(perSecond), burst_(burst) {}

    // True if `key` may make a request at `nowMs`; otherwise `retryAfterS` says when it may.
    bool allow(const std::string& key, int64_t nowMs, int& retryAfterS) {
        if (perSecond_ <= 0) return true;  // 0 = no limit
        std::lock_guard lock(mutex_);
        if (buckets_.size() >= kPruneAbove) prune(nowMs);
        Bucket& b = buckets_.try_emplace(key, Bucket{burst_, nowMs}).first->second;
        b.tokens = std::min(burst_, b.tokens + static_cast<double>(nowMs - b.atMs) / 1000.0 * perSecond_);
        b.atMs = nowMs;
        if (b.tokens >= 1.0) {
            b.tokens -= 1.0;
            return true;
        }
        retryAfterS = static_cast<int>((1.0 - b.tokens) / perSecond_) + 1;
        return false;
    }

private:
    // Keys come from outside (client addresses on the open enrolment route): a bucket that has
    // filled up again says nothing a new one would not, so it goes when the map grows large.
    static constexpr size_t kPruneAbove = 4096;
    void prune(int64_t nowMs) {
        const double refillMs = burst_ / perSecond_ * 1000.0;
        for (auto it = buckets_.begin(); it != buckets_.end();)
            it = static_cast<double>(nowMs - it->second.atMs) >= refillMs ? buckets_.erase(it) : std::next(it);
    }

    struct Bucket {
        double tokens;
        int64_t atMs;
    };
    double perSecond_;
    double burst_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace otklik::hub
