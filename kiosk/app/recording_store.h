// A ResponseStore that passes everything to another and remembers what was stored during
// this run, for --responses-out.
#pragma once

#include <vector>

#include "sync/client/response_store.h"

namespace otklik {

class RecordingStore final : public ResponseStore {
public:
    explicit RecordingStore(ResponseStore& inner) : inner_(inner) {}
    [[nodiscard]] StoreResult store(const Response& response) override {
        StoreResult result = inner_.store(response);
        if (result.ok) {
            stored_.push_back(response);
            stored_.back().seq = result.seq;
        }
        return result;
    }
    [[nodiscard]] std::string probe() override { return inner_.probe(); }
    [[nodiscard]] const std::vector<Response>& stored() const { return stored_; }

private:
    ResponseStore& inner_;
    std::vector<Response> stored_;
};

}  // namespace otklik
