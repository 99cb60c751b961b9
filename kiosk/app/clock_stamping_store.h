// A ResponseStore that stamps each response with the hub clock offset known at that moment
// (clock_offset_ms, and clock_suspect when the terminal's clock is far off) before passing it
// on. It sits outermost, so the outbox, the uploads (re-sent byte for byte) and
// --responses-out all see the same stamped response.
#pragma once

#include <cstdint>

#include "sync/client/clock_offset.h"
#include "sync/client/response_store.h"

namespace otklik {

class ClockStampingStore final : public ResponseStore {
public:
    // `offset` must outlive this; `suspectAfterMs`: see kDefaultClockSuspectAfterMs.
    ClockStampingStore(ResponseStore& inner, ClockOffset& offset, int64_t suspectAfterMs)
        : inner_(inner), offset_(offset), suspectAfterMs_(suspectAfterMs) {}
    [[nodiscard]] StoreResult store(const Response& response) override {
        Response stamped = response;
        stampClock(stamped, offset_.current(), suspectAfterMs_);
        return inner_.store(stamped);
    }
    [[nodiscard]] std::string probe() override { return inner_.probe(); }

private:
    ResponseStore& inner_;
    ClockOffset& offset_;
    int64_t suspectAfterMs_;
};

}  // namespace otklik
