// The service gesture's stages (see gesture.h).
#include "gesture.h"

namespace otklik::service {

CornerGesture::Seen CornerGesture::feed(const PointerEvent& e, int64_t nowMs, float width) {
    Seen seen;
    using Kind = PointerEvent::Kind;
    switch (stage_) {
        case Stage::Idle:
            if (e.kind == Kind::Down && inTopLeft(e)) {
                stage_ = Stage::Holding;
                sinceMs_ = nowMs;
            }
            break;
        case Stage::Holding:
            if (e.kind == Kind::Move && !inTopLeft(e)) stage_ = Stage::Idle;  // slid away: a swipe, not a hold
            if (e.kind == Kind::Up) {
                bool heldLongEnough = nowMs - sinceMs_ >= settings_.holdMs && inTopLeft(e);
                stage_ = heldLongEnough ? Stage::Armed : Stage::Idle;
                sinceMs_ = nowMs;
            }
            if (e.kind == Kind::Down) stage_ = Stage::Idle;
            break;
        case Stage::Armed:
            if (e.kind != Kind::Down) break;
            if (nowMs - sinceMs_ <= settings_.tapWithinMs && inTopRight(e, width)) {
                stage_ = Stage::Tapping;
                seen.swallow = true;
            } else {
                // Too late, or elsewhere: an ordinary touch; it may start a new hold.
                stage_ = Stage::Idle;
                return feed(e, nowMs, width);
            }
            break;
        case Stage::Tapping:
            seen.swallow = true;
            if (e.kind == Kind::Up) {
                seen.opened = inTopRight(e, width);
                stage_ = Stage::Idle;
            }
            break;
    }
    return seen;
}

}  // namespace otklik::service
