// What the kiosk's QR codes hold right now, and when that changes. With the terminal's QR
// secret: a signed token (docs/qr-token.md) made here, renewed every rotation period while a
// screen shows it and whenever a visitor has left, plus a token naming the open response on
// the comment screen ("continue on your phone"). It needs only the secret and the clock, so it
// works offline. Without a secret: one static link that never changes. Pure logic: time comes
// in as arguments, the app asks nextDeadline() when to wake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/flow/flow.h"

namespace otklik::flow {

struct QrSettings {
    std::string staticUrl;   // the link shown without a secret (the device config's qr_base_url)
    std::string hubBase;     // the hub's address as phones reach it ([hub] url); tokens go under /Q/
    std::string qrSecret;    // [hub] qr_secret; "" = show staticUrl, unsigned
    std::string terminalId;  // named in every token
    int64_t rotateMs = 60000;
};

class QrRotation {
public:
    explicit QrRotation(QrSettings settings);

    // Brings the URLs up to date with the flow at `now`. Call after every change of the flow
    // and once nextDeadline() has passed (calling more often is harmless). True when a URL
    // changed, so the screen needs drawing again.
    bool update(const Flow& flow, Instant now);

    // The idle (and unavailable) screen's code: "rate on your phone".
    [[nodiscard]] const std::string& idleUrl() const { return idleUrl_; }
    // The comment screen's code, carrying the open response; "" when there is none (no secret,
    // or no comment screen showing).
    [[nodiscard]] const std::string& continueUrl() const { return continueUrl_; }
    // When (monotonic ms) a shown code is due for renewal; none while no signed code shows.
    [[nodiscard]] std::optional<int64_t> nextDeadline() const;
    [[nodiscard]] bool signs() const { return !settings_.qrSecret.empty(); }
    // New settings (the terminal was enrolled and got its id and secret): the next update()
    // makes fresh codes with them.
    void reconfigure(QrSettings settings) {
        settings_ = std::move(settings);
        started_ = false;
        idleDueMs_ = continueDueMs_ = 0;
    }

private:
    [[nodiscard]] std::string signedUrl(Instant now, const std::string* responseId) const;

    QrSettings settings_;
    std::string idleUrl_;
    int64_t idleDueMs_ = 0;
    std::string continueUrl_;
    std::string continueFor_;      // the response id continueUrl_ carries
    int64_t continueDueMs_ = 0;
    uint64_t visitorsSeen_ = 0;    // Flow::visitorsStarted() at the last renewal after a visitor
    bool idleShown_ = false;       // as of the last update: the idle code is on screen
    bool started_ = false;
};

}  // namespace otklik::flow
