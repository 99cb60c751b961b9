// Time, behind an interface: the real clocks for the device, a manual one for headless runs
// (scripts advance it with `wait`, so a 30 s timeout takes no real time) and for tests.
#pragma once

#include <cstdint>

namespace otklik {

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds on a clock that never jumps (CLOCK_MONOTONIC): timeouts, ordering.
    [[nodiscard]] virtual int64_t monoMs() const = 0;
    // Unix milliseconds from the wall clock, which may be wrong or jump.
    [[nodiscard]] virtual int64_t wallMs() const = 0;
};

class SystemClock final : public Clock {
public:
    [[nodiscard]] int64_t monoMs() const override;
    [[nodiscard]] int64_t wallMs() const override;
};

// Starts at the real wall time and stands still until advanced.
class ManualClock final : public Clock {
public:
    ManualClock();
    ManualClock(int64_t monoMs, int64_t wallMs) : mono_(monoMs), wall_(wallMs) {}
    [[nodiscard]] int64_t monoMs() const override { return mono_; }
    [[nodiscard]] int64_t wallMs() const override { return wall_; }
    void advance(int64_t ms) {
        mono_ += ms;
        wall_ += ms;
    }

private:
    int64_t mono_;
    int64_t wall_;
};

// This boot's id (/proc/sys/kernel/random/boot_id): monotonic times compare only within one.
const char* bootId();

}  // namespace otklik
