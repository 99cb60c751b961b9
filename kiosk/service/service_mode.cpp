// Service mode's states and jobs (see service_mode.h).
#include "service_mode.h"

#include <algorithm>
#include <chrono>

#include "platform/log.h"
#include "sync/protocol/enrol_code.h"
#include "sync/protocol/service_pin.h"

namespace otklik::service {

const char* serviceScreenName(ServiceScreen screen) {
    switch (screen) {
        case ServiceScreen::Pin: return "service-pin";
        case ServiceScreen::Menu: return "service-menu";
        case ServiceScreen::Network: return "service-network";
        case ServiceScreen::Touch: return "service-touch";
        case ServiceScreen::Display: return "service-display";
        case ServiceScreen::Enrol: return "service-enrol";
        case ServiceScreen::Usb: return "service-usb";
        case ServiceScreen::Settings: return "service-settings";
    }
    return "service-menu";
}

namespace {

std::string seconds(int64_t ms) { return std::to_string((ms + 999) / 1000); }

const char* orientationName(Orientation o) {
    return o == Orientation::Portrait ? "portrait" : o == Orientation::Landscape ? "landscape" : "auto";
}

}  // namespace

ServiceMode::ServiceMode(ServiceBackend& backend, std::string language) : backend_(backend), language_(std::move(language)) {}

ServiceMode::~ServiceMode() {
    if (job_.valid()) job_.wait();
}

bool ServiceMode::start(std::function<Apply()> work) {
    if (job_.valid()) return false;
    job_ = std::async(std::launch::async, [this, work = std::move(work)] {
        Apply apply = work();
        backend_.wake();
        return apply;
    });
    bump();
    return true;
}

void ServiceMode::open(int64_t nowMs) {
    if (active_) return;
    active_ = true;
    nowMs_ = lastTouchMs_ = nowMs;
    pin_.clear();
    pinNotice_ = {};
    notice_ = {};
    code_.clear();
    enrolOutcome_.reset();
    usbResult_.reset();
    network_.reset();
    nextUsbLookMs_ = 0;
    // A terminal with no PIN yet opens only to enrol, and the enrolment sets the PIN.
    enrolOnly_ = !backend_.hasPin();
    if (enrolOnly_) {
        screen_ = ServiceScreen::Enrol;
        entered("no PIN set yet: enrolment only");
    } else {
        screen_ = ServiceScreen::Pin;
        pinPurpose_ = PinPurpose::Enter;
        lockedForMs_ = backend_.pinLockedForMs();
        challenge_ = backend_.recoveryChallenge();
        log::info("service: the PIN pad opened");
    }
    bump();
}

void ServiceMode::entered(const std::string& how) {
    log::info("service: service mode entered (" + how + ")");
    backend_.report("service-entered", how);
    nextStatusMs_ = 0;
    networkPending_ = true;  // the menu's "connection" line and the certificate come from it
}

void ServiceMode::close(const std::string& why) {
    if (!active_) return;
    if (screen_ != ServiceScreen::Pin || pinPurpose_ != PinPurpose::Enter) backend_.report("service-left", why);
    log::info("service: service mode closed (" + why + ")");
    active_ = false;
    pin_.clear();
    newPin_.clear();
    code_.clear();
    bump();
}

void ServiceMode::setLanguage(const std::string& code) {
    language_ = code;
    bump();
}

// ---- the PIN pad ----

void ServiceMode::pinKey(char digit) {
    if (busy() || lockedForMs_ > 0 || pin_.size() >= kMaxPinDigits || digit < '0' || digit > '9') return;
    pin_ += digit;
    pinNotice_ = {};
    bump();
}

void ServiceMode::pinClear() {
    pin_.clear();
    bump();
}

void ServiceMode::pinCancel() {
    if (pinPurpose_ == PinPurpose::Enter) {
        close("cancelled at the PIN pad");
        return;
    }
    // Changing the PIN was given up: back where it was asked for.
    pin_.clear();
    newPin_.clear();
    pinNotice_ = {};
    screen_ = ServiceScreen::Menu;
    pinPurpose_ = PinPurpose::Enter;
    bump();
}

void ServiceMode::changePin() {
    screen_ = ServiceScreen::Pin;
    pinPurpose_ = PinPurpose::NewPin;
    pin_.clear();
    pinNotice_ = {"svc.pin.choose_hint", {}, ""};
    bump();
}

void ServiceMode::pinOk() {
    if (busy() || pin_.empty()) return;
    if (pinPurpose_ == PinPurpose::NewPin) {
        if (std::string problem = pinProblem(pin_); !problem.empty()) {
            pinNotice_ = {"svc.pin.trivial", {}, problem};
            pin_.clear();
        } else {
            newPin_ = pin_;
            pin_.clear();
            pinPurpose_ = PinPurpose::ConfirmPin;
            pinNotice_ = {};
        }
        bump();
        return;
    }
    if (pinPurpose_ == PinPurpose::ConfirmPin) {
        if (pin_ != newPin_) {
            pinNotice_ = {"svc.pin.mismatch", {}, ""};
            pin_.clear();
            newPin_.clear();
            pinPurpose_ = PinPurpose::NewPin;
            bump();
            return;
        }
        std::string pin = pin_;
        pin_.clear();
        pinNotice_ = {"svc.working", {}, ""};
        start([this, pin]() -> Apply {
            std::string error;
            bool ok = backend_.setPin(pin, error);
            return [this, ok, error] {
                if (!ok) {
                    pinNotice_ = {"svc.pin.not_saved", {}, error};
                    pinPurpose_ = PinPurpose::NewPin;
                    return;
                }
                backend_.report("pin-changed", "set from the service menu");
                pinNotice_ = {};
                pinPurpose_ = PinPurpose::Enter;
                notice_ = {"svc.pin.saved", {}, ""};
                if (enrolOnly_) {
                    enrolOnly_ = false;
                    entered("PIN set after enrolment");
                }
                screen_ = ServiceScreen::Menu;
            };
        });
        return;
    }
    std::string typed = pin_;
    pin_.clear();
    pinNotice_ = {"svc.pin.checking", {}, ""};
    start([this, typed]() -> Apply {
        PinCheck check = backend_.checkPin(typed);
        return [this, check] {
            switch (check.verdict) {
                case PinVerdict::Accepted:
                    pinNotice_ = {};
                    screen_ = ServiceScreen::Menu;
                    entered("PIN");
                    break;
                case PinVerdict::Recovered:
                    entered("recovery code");
                    challenge_ = backend_.recoveryChallenge();
                    pinPurpose_ = PinPurpose::NewPin;
                    pinNotice_ = {"svc.pin.recovered", {}, ""};
                    break;
                case PinVerdict::Wrong:
                    lockedForMs_ = check.lockedForMs;
                    pinNotice_ = check.lockedForMs > 0 ? Notice{"svc.pin.locked", {{"s", seconds(check.lockedForMs)}}, ""}
                                                       : Notice{"svc.pin.wrong", {{"n", std::to_string(check.attemptsLeft)}}, ""};
                    if (check.lockedForMs > 0) backend_.report("pin-locked", "five wrong PINs: locked for " + seconds(check.lockedForMs) + " s");
                    break;
                case PinVerdict::Locked:
                    lockedForMs_ = check.lockedForMs;
                    pinNotice_ = {"svc.pin.locked", {{"s", seconds(check.lockedForMs)}}, ""};
                    break;
                case PinVerdict::NoPin:
                    enrolOnly_ = true;
                    screen_ = ServiceScreen::Enrol;
                    entered("no PIN set yet: enrolment only");
                    break;
            }
        };
    });
}

// ---- the menu and its screens ----

void ServiceMode::show(ServiceScreen screen) {
    if (enrolOnly_ && screen != ServiceScreen::Enrol) return;
    screen_ = screen;
    notice_ = {};
    if (screen == ServiceScreen::Touch) {
        std::fill(touchCells_.begin(), touchCells_.end(), false);
        touchFinished_ = false;
    }
    if (screen == ServiceScreen::Network) runNetworkTest();
    if (screen == ServiceScreen::Enrol) {
        code_.clear();
        enrolOutcome_.reset();
    }
    if (screen == ServiceScreen::Settings) editing_ = backend_.settings();
    if (screen == ServiceScreen::Usb) usbResult_.reset();
    nextUsbLookMs_ = 0;
    bump();
}

void ServiceMode::back() {
    if (screen_ == ServiceScreen::Pin) {
        pinCancel();
        return;
    }
    if (enrolOnly_) {
        close("left from enrolment");
        return;
    }
    screen_ = ServiceScreen::Menu;
    nextStatusMs_ = 0;
    bump();
}

void ServiceMode::refreshStatus() {
    start([this]() -> Apply {
        StatusSnapshot s = backend_.status();
        return [this, s = std::move(s)] { status_ = s; };
    });
}

void ServiceMode::runNetworkTest() {
    network_.reset();
    start([this]() -> Apply {
        ConnectionReport r = backend_.testConnection();
        return [this, r = std::move(r)] {
            network_ = r;
            const ConnectionStep* failed = r.firstFailure();
            backend_.report("connection-test", failed ? "failed at " + failed->name + ": " + failed->detail : "all steps passed");
        };
    });
}

void ServiceMode::deliverNow() {
    start([this]() -> Apply {
        std::string what = backend_.deliverNow();
        return [this, what] { notice_ = {"svc.deliver.done", {}, what}; };
    });
}

void ServiceMode::fetchConfigNow() {
    start([this]() -> Apply {
        std::string what = backend_.fetchConfigNow();
        return [this, what] { notice_ = {"svc.config.done", {}, what}; };
    });
}

void ServiceMode::setTouchGrid(int cells) {
    if (static_cast<int>(touchCells_.size()) == cells) return;
    touchCells_.assign(static_cast<size_t>(cells), false);
    touchFinished_ = false;
}

void ServiceMode::touchCell(int index) {
    if (index < 0 || index >= static_cast<int>(touchCells_.size()) || touchCells_[static_cast<size_t>(index)]) return;
    touchCells_[static_cast<size_t>(index)] = true;
    bump();
}

void ServiceMode::finishTouchTest() {
    touchFinished_ = true;
    size_t missed = static_cast<size_t>(std::count(touchCells_.begin(), touchCells_.end(), false));
    std::string detail = std::to_string(touchCells_.size() - missed) + " of " + std::to_string(touchCells_.size()) + " cells reached";
    if (missed > 0) {
        detail += "; never reached:";
        for (size_t i = 0; i < touchCells_.size(); ++i)
            if (!touchCells_[i]) detail += " " + std::to_string(i);
    }
    log::info("service: touch test: " + detail);
    backend_.report("touch-test", detail);
    bump();
}

void ServiceMode::codeKey(char c) {
    if (busy() || code_.size() >= kEnrolCodeLength || kEnrolCodeAlphabet.find(c) == std::string_view::npos) return;
    code_ += c;
    enrolOutcome_.reset();
    bump();
}

void ServiceMode::codeBackspace() {
    if (!code_.empty()) code_.pop_back();
    bump();
}

void ServiceMode::codeOk() {
    if (code_.size() != kEnrolCodeLength) return;
    const std::string code = groupEnrolCode(code_);
    start([this, code]() -> Apply {
        EnrolOutcome outcome = backend_.enrol(code, false);
        return [this, outcome = std::move(outcome)] {
            enrolOutcome_ = outcome;
            if (outcome.enrolled) {
                code_.clear();
                backend_.afterEnrolment();
            }
        };
    });
}

void ServiceMode::codeFromUsb() {
    start([this]() -> Apply {
        EnrolOutcome outcome = backend_.enrol("", true);
        return [this, outcome = std::move(outcome)] {
            enrolOutcome_ = outcome;
            if (outcome.enrolled) backend_.afterEnrolment();
        };
    });
}

void ServiceMode::exportUsb() {
    start([this]() -> Apply {
        UsbExportResult result = backend_.exportToUsb();
        return [this, result = std::move(result)] {
            usbResult_ = result;
            backend_.report("usb-export", result.ok ? std::to_string(result.responses) + " responses to " + result.folder : "failed: " + result.message);
        };
    });
}

void ServiceMode::saveSettings() {
    SettingsValues before = backend_.settings(), after = editing_;
    if (before == after) {
        notice_ = {"svc.settings.unchanged", {}, ""};
        bump();
        return;
    }
    start([this, before, after]() -> Apply {
        std::string error = backend_.saveSettings(after);
        return [this, before, after, error] {
            if (!error.empty()) {
                notice_ = {"svc.settings.not_saved", {}, error};
                return;
            }
            std::string changed;
            auto note = [&](const std::string& what, const std::string& from, const std::string& to) {
                if (from != to) changed += (changed.empty() ? "" : ", ") + what + " " + from + " → " + to;
            };
            note("first language", before.firstLanguage, after.firstLanguage);
            note("orientation", orientationName(before.orientation), orientationName(after.orientation));
            note("idle timeout", std::to_string(before.idleS) + " s", std::to_string(after.idleS) + " s");
            if (before.brightnessPercent && after.brightnessPercent)
                note("brightness", std::to_string(*before.brightnessPercent) + "%", std::to_string(*after.brightnessPercent) + "%");
            backend_.report("setting-changed", changed);
            backend_.applySettings(after);
            notice_ = {before.orientation != after.orientation ? "svc.settings.saved_restart" : "svc.settings.saved", {}, changed};
        };
    });
}

void ServiceMode::restart() {
    backend_.report("restart", "from the service menu");
    close("restart");
    backend_.restart();
}

// ---- time ----

void ServiceMode::tick(int64_t nowMs) {
    nowMs_ = nowMs;
    if (!active_) return;
    if (job_.valid() && job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        Apply apply = job_.get();
        if (apply) apply();
        bump();
    }
    if (nowMs - lastTouchMs_ >= kServiceIdleCloseMs) {
        close("no touch for 2 minutes");
        return;
    }
    if (screen_ == ServiceScreen::Pin && lockedForMs_ > 0) {
        int64_t left = backend_.pinLockedForMs();
        if (left / 1000 != lockedForMs_ / 1000) bump();  // the countdown moved on
        lockedForMs_ = left;
        if (left > 0) pinNotice_ = {"svc.pin.locked", {{"s", seconds(left)}}, ""};
        else pinNotice_ = {};
    }
    if ((screen_ == ServiceScreen::Usb || screen_ == ServiceScreen::Enrol) && nowMs >= nextUsbLookMs_) {
        nextUsbLookMs_ = nowMs + 1000;
        std::string mount = backend_.usbMount();
        bool file = !mount.empty() && backend_.usbHasEnrolmentFile();
        if (mount != usbMount_ || file != usbEnrolmentFile_) bump();
        usbMount_ = mount;
        usbEnrolmentFile_ = file;
    }
    if (screen_ == ServiceScreen::Menu && !job_.valid() && networkPending_) {
        networkPending_ = false;
        runNetworkTest();
    } else if (screen_ == ServiceScreen::Menu && !job_.valid() && nowMs >= nextStatusMs_) {
        nextStatusMs_ = nowMs + kStatusRefreshMs;
        refreshStatus();
    }
}

std::optional<int64_t> ServiceMode::nextDeadline() const {
    if (!active_) return std::nullopt;
    int64_t next = lastTouchMs_ + kServiceIdleCloseMs;
    if (screen_ == ServiceScreen::Menu) next = std::min(next, std::max(nextStatusMs_, nowMs_));
    if (screen_ == ServiceScreen::Pin && lockedForMs_ > 0) next = std::min(next, nowMs_ + 1000);  // the countdown
    if (screen_ == ServiceScreen::Usb || screen_ == ServiceScreen::Enrol) next = std::min(next, std::max(nextUsbLookMs_, nowMs_));
    return next;
}

bool ServiceMode::waitIdle(int64_t timeoutMs, int64_t nowMs) {
    if (!job_.valid()) return true;
    if (job_.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready) return false;
    tick(nowMs);
    return true;
}

}  // namespace otklik::service
