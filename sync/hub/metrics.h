// Counters for GET /metrics (Prometheus text format): requests by route and status, and
// responses stored, duplicated and rejected. Per-terminal gauges come from the store when
// scraped. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sync/hub/hub_store.h"

namespace otklik::hub {

class Metrics {
public:
    void countRequest(const std::string& route, int status);
    void countItems(int64_t stored, int64_t duplicates, int64_t rejected);
    // The whole exposition: counters plus per-terminal last seen and high-water seq.
    std::string render(const std::vector<Terminal>& terminals) const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, int64_t> requests_;
    std::atomic<int64_t> stored_{0}, duplicates_{0}, rejected_{0};
};

}  // namespace otklik::hub
