// The gesture that opens service mode, which no visitor makes by accident: hold a finger in
// the top-left corner for 3 seconds, lift it, then tap the top-right corner within 2 seconds
// (docs/technician.md). Fed with the same pointer transitions every touch goes through; the
// second tap is swallowed, so it never reaches the button that sits in that corner.
#pragma once

#include <cstdint>
#include <optional>

#include "platform/display.h"

namespace otklik::service {

struct GestureSettings {
    float cornerPx = 100;          // side of the square corner areas
    int64_t holdMs = 3000;         // the first corner is held at least this long
    int64_t tapWithinMs = 2000;    // then the other corner is tapped within this
};

class CornerGesture {
public:
    explicit CornerGesture(GestureSettings settings = {}) : settings_(settings) {}
    void setCornerPx(float px) { settings_.cornerPx = px; }

    struct Seen {
        bool opened = false;   // the gesture is complete: open service mode
        bool swallow = false;  // this transition belongs to the gesture's tap: the UI must not see it
    };
    // One pointer transition at `nowMs` (monotonic) on a picture `width` wide.
    Seen feed(const PointerEvent& event, int64_t nowMs, float width);

private:
    enum class Stage { Idle, Holding, Armed, Tapping };
    [[nodiscard]] bool inTopLeft(const PointerEvent& e) const { return e.x <= settings_.cornerPx && e.y <= settings_.cornerPx; }
    [[nodiscard]] bool inTopRight(const PointerEvent& e, float width) const {
        return e.x >= width - settings_.cornerPx && e.y <= settings_.cornerPx;
    }

    GestureSettings settings_;
    Stage stage_ = Stage::Idle;
    int64_t sinceMs_ = 0;  // Holding: when the finger came down; Armed: when it lifted
};

}  // namespace otklik::service
