// otklik-hub-shifted-clock SHIFT_MS ARGS…: otklik-hub's own command line, with `serve` on a
// clock SHIFT_MS milliseconds ahead of the machine's (negative: behind), so a test can give a
// terminal a "wrong" clock without touching the machine's. The replies' Date headers carry the
// shifted time. A test program only: the product has no such switch.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "platform/log.h"
#include "sync/hub/command_line.h"

#ifndef OTKLIK_ASSETS_DIR
#error "OTKLIK_ASSETS_DIR must name the default assets folder"
#endif

namespace {

class ShiftedClock final : public otklik::Clock {
public:
    explicit ShiftedClock(int64_t shiftMs) : shiftMs_(shiftMs) {}
    [[nodiscard]] int64_t monoMs() const override { return real_.monoMs(); }
    [[nodiscard]] int64_t wallMs() const override { return real_.wallMs() + shiftMs_; }

private:
    otklik::SystemClock real_;
    int64_t shiftMs_;
};

}  // namespace

int main(int argc, char** argv) {
    otklik::log::setProgram("otklik-hub");
    char* end = nullptr;
    const long long shiftMs = argc > 1 ? std::strtoll(argv[1], &end, 10) : 0;
    if (argc < 2 || *argv[1] == '\0' || *end != '\0') {
        std::fprintf(stderr, "usage: otklik-hub-shifted-clock SHIFT_MS otklik-hub-arguments…\n");
        return 2;
    }
    otklik::log::warning("hub: TEST ONLY: the clock is shifted by " + std::to_string(shiftMs) + " ms");
    ShiftedClock clock(shiftMs);
    argv[1] = argv[0];  // the shift taken, the rest is otklik-hub's command line
    return otklik::hub::runHubCommandLine(argc - 1, argv + 1, OTKLIK_ASSETS_DIR, &clock);
}
