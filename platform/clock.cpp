// Real and manual clocks, and the boot id.
#include "clock.h"

#include <ctime>
#include <fstream>
#include <string>

namespace otklik {

namespace {

int64_t readClockMs(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

int64_t SystemClock::monoMs() const { return readClockMs(CLOCK_MONOTONIC); }
int64_t SystemClock::wallMs() const { return readClockMs(CLOCK_REALTIME); }

ManualClock::ManualClock() : mono_(readClockMs(CLOCK_MONOTONIC)), wall_(readClockMs(CLOCK_REALTIME)) {}

const char* bootId() {
    static const std::string id = [] {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string line;
        std::getline(in, line);
        return line.empty() ? std::string("unknown") : line;
    }();
    return id.c_str();
}

}  // namespace otklik
