// A Display for tests: no pixels, scripted events, and a record of what the app asked for
// (how long it wanted to sleep, how many frames it presented).
#pragma once

#include <atomic>
#include <deque>
#include <vector>

#include "platform/display.h"

namespace otklik::fakes {

class FakeDisplay final : public Display {
public:
    FakeDisplay(int width, int height) : width_(width), height_(height) {}

    int width() const override { return width_; }
    int height() const override { return height_; }

    DisplayEvents wait(int timeoutMs) override {
        waits.push_back(timeoutMs);
        return next();
    }
    void* uploadAlphaTexture(const unsigned char*, int, int) override { return &texture_; }
    void releaseTexture(void*) override { ++released; }
    void wake() override { ++wakes; }
    void present(const ImDrawData&) override { ++presented; }
    bool savePng(const std::string&, std::string& error) override {
        error = "the fake display has no pixels";
        return false;
    }

    // Events handed out by the next wait(); when none are left, quit.
    std::deque<DisplayEvents> script;
    std::vector<int> waits;  // timeout of every wait() call, -1 = forever
    int presented = 0;
    int released = 0;             // textures freed (old font atlases)
    std::atomic<int> wakes = 0;   // wake() calls, from any thread

private:
    DisplayEvents next() {
        if (script.empty()) {
            DisplayEvents quit;
            quit.quit = true;
            return quit;
        }
        DisplayEvents e = script.front();
        script.pop_front();
        return e;
    }

    int width_, height_;
    int texture_ = 0;
};

}  // namespace otklik::fakes
