// Where finished responses go. The kiosk hands each response over and thanks the visitor only
// after store() has returned ok, so an implementation returns only once the response is
// durable (or definitely not stored).
#pragma once

#include <cstdint>
#include <string>

#include "sync/protocol/response.h"

namespace otklik {

struct StoreResult {
    bool ok = false;
    int64_t seq = 0;      // the gap-free sequence number given to the response
    std::string error;    // when not ok: what failed, in words for the log
};

class ResponseStore {
public:
    virtual ~ResponseStore() = default;
    // Stores the response, assigning its seq. Blocks until the outcome is known.
    [[nodiscard]] virtual StoreResult store(const Response& response) = 0;
    // Whether storing would work now: "" if so, else what is wrong (used at start and while
    // storage is down, when there is no response to try with).
    [[nodiscard]] virtual std::string probe() { return {}; }
};

}  // namespace otklik
