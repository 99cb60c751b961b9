// A ResponseStore in memory, for tests and benchmarks where storage is not what is measured.
// Loses everything on exit.
#pragma once

#include <vector>

#include "sync/client/response_store.h"

namespace otklik::fakes {

class MemoryStore final : public ResponseStore {
public:
    [[nodiscard]] StoreResult store(const Response& response) override {
        Response copy = response;
        copy.seq = static_cast<int64_t>(responses_.size()) + 1;
        responses_.push_back(std::move(copy));
        return StoreResult{true, responses_.back().seq, {}};
    }
    [[nodiscard]] const std::vector<Response>& responses() const { return responses_; }

private:
    std::vector<Response> responses_;
};

}  // namespace otklik::fakes
