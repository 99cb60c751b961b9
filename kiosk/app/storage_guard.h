// Between the flow and the store: hands each finished response to the store, and when
// storing fails keeps the response and tries again — briefly while the visitor waits, then
// behind the "temporarily unavailable" screen until storage works again. The visitor is
// thanked only for a stored response, and a response once finished is never dropped.
#pragma once

#include <cstdint>
#include <optional>

#include "kiosk/flow/flow.h"
#include "sync/client/response_store.h"

namespace otklik {

class StorageGuard {
public:
    // Retries while the visitor is still in front of the screen, then every kSlowRetryMs.
    static constexpr int64_t kBriefRetriesMs[] = {250, 500, 1000};
    static constexpr int64_t kSlowRetryMs = 5000;

    StorageGuard(flow::Flow& flow, ResponseStore& store) : flow_(flow), store_(store) {}

    // Checks the store at start-up; a store that cannot work shows the unavailable screen.
    void start(flow::Instant now);
    // Takes a finished response from the flow, or retries when a retry is due.
    void poll(flow::Instant now);
    [[nodiscard]] std::optional<int64_t> nextDeadline() const;

private:
    void attempt(flow::Instant now);
    void failed(flow::Instant now, const std::string& error);
    void recovered(flow::Instant now);

    flow::Flow& flow_;
    ResponseStore& store_;
    std::optional<Response> unsaved_;  // finished, not yet stored
    bool down_ = false;                // storage known not to work
    int attempts_ = 0;
    std::optional<int64_t> retryAtMs_;
};

}  // namespace otklik
