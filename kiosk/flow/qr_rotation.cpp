// Renewing the QR codes' signed tokens on time and after every visitor.
#include "qr_rotation.h"

#include <algorithm>

#include "sync/protocol/qr_token.h"

namespace otklik::flow {

namespace {

// The token holds Unix seconds in 4 unsigned bytes; a terminal whose clock is set before 1970
// or past 2106 still shows a code (the hub will call it expired) rather than stop.
int64_t tokenSeconds(int64_t wallMs) { return std::clamp<int64_t>(wallMs / 1000, 0, 0xFFFFFFFFLL); }

bool showsIdleCode(Screen s) { return s == Screen::Idle || s == Screen::Unavailable; }

}  // namespace

QrRotation::QrRotation(QrSettings settings) : settings_(std::move(settings)) {
    if (!signs()) idleUrl_ = settings_.staticUrl;
}

std::string QrRotation::signedUrl(Instant now, const std::string* responseId) const {
    QrToken token = newQrToken(settings_.terminalId, tokenSeconds(now.wallMs),
                               responseId ? std::optional<std::string>(*responseId) : std::nullopt);
    return qrUrl(settings_.hubBase, makeQrToken(settings_.qrSecret, token));
}

bool QrRotation::update(const Flow& flow, Instant now) {
    if (!signs()) return false;
    bool changed = false;
    idleShown_ = showsIdleCode(flow.screen());
    // A new code after each visitor, so the code one visitor saw (and perhaps photographed) is
    // not the next one's; on time while it shows, so a photo goes stale within the hub's window.
    bool visitorLeft = flow.visitorsStarted() != visitorsSeen_ && flow.atRest();
    if (!started_ || visitorLeft || (idleShown_ && now.monoMs >= idleDueMs_)) {
        started_ = true;
        if (flow.atRest()) visitorsSeen_ = flow.visitorsStarted();
        idleUrl_ = signedUrl(now, nullptr);
        idleDueMs_ = now.monoMs + settings_.rotateMs;
        changed = true;
    }

    const std::string* open = flow.openResponseId();
    if (flow.screen() == Screen::Comment && open) {
        if (continueFor_ != *open || now.monoMs >= continueDueMs_) {
            continueFor_ = *open;
            continueUrl_ = signedUrl(now, open);
            continueDueMs_ = now.monoMs + settings_.rotateMs;
            changed = true;
        }
    } else if (!continueUrl_.empty()) {
        // Off the comment screen the code is not shown; coming back makes a fresh one.
        continueUrl_.clear();
        continueFor_.clear();
        changed = true;
    }
    return changed;
}

std::optional<int64_t> QrRotation::nextDeadline() const {
    std::optional<int64_t> due;
    if (signs() && idleShown_) due = idleDueMs_;
    if (!continueUrl_.empty()) due = due ? std::min(*due, continueDueMs_) : continueDueMs_;
    return due;
}

}  // namespace otklik::flow
