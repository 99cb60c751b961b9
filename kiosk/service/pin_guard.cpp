// The PIN pad's guard (see pin_guard.h). The file holds the PIN hash, the lock and the
// counters; every change is a whole-file atomic replace under a file lock, so `set-pin` from a
// shell and the running kiosk never undo each other.
#include "pin_guard.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "platform/instance_lock.h"
#include "platform/log.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/utc_time.h"

namespace otklik::service {

using json = nlohmann::json;

struct PinGuard::State {
    std::optional<PinHash> pin;
    int failuresInARow = 0;
    int lockoutsInARow = 0;     // since the last right entry: each lock is twice as long
    int64_t lockedUntilMs = 0;  // wall clock
    PinCounters counters;
    std::string challenge;      // the recovery challenge shown
    std::string challengeDay;   // the UTC day it belongs to
    bool unreadable = false;    // the file is there but cannot be read: no PIN can be checked
};

namespace {

std::string newChallenge() {
    std::string bytes = randomBytes(8);
    std::string digits;
    for (unsigned char b : bytes) digits += static_cast<char>('0' + b % 10);
    return digits;
}

int64_t lockMs(int lockoutsInARow) {
    int64_t ms = kFirstLockMs;
    for (int i = 1; i < lockoutsInARow && ms < kLongestLockMs; ++i) ms *= 2;
    return std::min(ms, kLongestLockMs);
}

}  // namespace

PinGuard::PinGuard(std::string dataDir, const Clock& clock, int iterations) : dataDir_(std::move(dataDir)), clock_(clock), iterations_(iterations) {}

std::string PinGuard::path() const { return (std::filesystem::path(dataDir_) / kPinFile).string(); }

PinGuard::State PinGuard::load() const {
    if (unsaved_) return *unsaved_;
    State s;
    std::string error;
    auto text = readWholeFile(path(), error);
    std::error_code ec;
    if (!text && std::filesystem::exists(path(), ec)) {
        // Not "no PIN": that would open enrolment to anyone who knows the gesture.
        if (!unreadableReported_)
            log::error("service: " + path() + ": " + error +
                       "; the PIN pad stays locked: let the kiosk's user read it (chown), or set the PIN again as that user");
        unreadableReported_ = true;
        s.unreadable = true;
        return s;
    }
    if (!text) return s;
    json j = json::parse(*text, nullptr, false);
    if (!j.is_object()) {
        log::warning("service: " + path() + " is damaged; the PIN pad acts as if no PIN were set (enrolment only) until one is set again");
        return s;
    }
    if (j.contains("pin")) s.pin = pinHashFromJson(j["pin"], std::min(iterations_, kPinIterations));
    const json& lock = j.value("lock", json::object());
    s.failuresInARow = lock.value("failures_in_a_row", 0);
    s.lockoutsInARow = lock.value("lockouts_in_a_row", 0);
    s.lockedUntilMs = lock.value("locked_until_ms", int64_t{0});
    const json& c = j.value("counters", json::object());
    s.counters = {c.value("attempts", int64_t{0}), c.value("failures", int64_t{0}), c.value("lockouts", int64_t{0}),
                  c.value("recoveries", int64_t{0}), c.value("entries", int64_t{0})};
    const json& r = j.value("recovery", json::object());
    s.challenge = r.value("challenge", std::string());
    s.challengeDay = r.value("day", std::string());
    return s;
}

bool PinGuard::save(const State& s, std::string& error) const {
    json j{{"lock", {{"failures_in_a_row", s.failuresInARow}, {"lockouts_in_a_row", s.lockoutsInARow}, {"locked_until_ms", s.lockedUntilMs}}},
           {"counters",
            {{"attempts", s.counters.attempts}, {"failures", s.counters.failures}, {"lockouts", s.counters.lockouts},
             {"recoveries", s.counters.recoveries}, {"entries", s.counters.entries}}},
           {"recovery", {{"challenge", s.challenge}, {"day", s.challengeDay}}}};
    j["pin"] = s.pin ? pinHashJson(*s.pin) : json(nullptr);
    std::error_code ec;
    std::filesystem::create_directories(dataDir_, ec);
    if (s.unreadable || !writeFileDurably(path(), j.dump(2) + "\n", error, 0600)) {
        if (s.unreadable) error = "the file cannot be read, so it is not replaced";
        unsaved_ = std::make_shared<State>(s);
        return false;
    }
    unsaved_.reset();
    return true;
}

bool PinGuard::hasPin() const {
    std::lock_guard lock(mutex_);
    State s = load();
    return s.pin.has_value() || s.unreadable;
}

int64_t PinGuard::lockedForMs() const {
    std::lock_guard lock(mutex_);
    // Capped: a clock set back (a board without a clock battery, before NTP) must not lock
    // the pad for longer than the longest lock.
    return std::clamp<int64_t>(load().lockedUntilMs - clock_.wallMs(), 0, kLongestLockMs);
}

PinCounters PinGuard::counters() const {
    std::lock_guard lock(mutex_);
    return load().counters;
}

std::string PinGuard::challenge() {
    std::lock_guard lock(mutex_);
    FileLock fileLock(path() + ".lock");
    State s = load();
    const std::string today = utcDay(clock_.wallMs());
    if (s.challenge.empty() || s.challengeDay != today) {
        s.challenge = newChallenge();
        s.challengeDay = today;
        std::string error;
        if (!save(s, error)) log::warning("service: the recovery challenge could not be kept: " + error);
    }
    return s.challenge;
}

PinCheck PinGuard::check(const std::string& typed, const RecoveryIdentity& identity) {
    std::lock_guard lock(mutex_);
    FileLock fileLock(path() + ".lock");
    State s = load();
    const int64_t now = clock_.wallMs();
    PinCheck out;
    std::string error;
    if (s.unreadable) {
        out.verdict = PinVerdict::Locked;
        out.lockedForMs = kFirstLockMs;
        return out;
    }
    s.lockedUntilMs = std::min(s.lockedUntilMs, now + kLongestLockMs);  // the clock was set back
    if (s.lockedUntilMs > now) {
        // Counted (someone is trying), never checked.
        ++s.counters.attempts;
        out.verdict = PinVerdict::Locked;
        out.lockedForMs = s.lockedUntilMs - now;
        log::warning("service: PIN entry refused: the pad is locked for " + std::to_string((out.lockedForMs + 999) / 1000) + " s more");
        if (!save(s, error)) log::error("service: the PIN pad's state could not be saved (" + error + ")");
        return out;
    }
    if (!s.pin) {
        out.verdict = PinVerdict::NoPin;
        return out;
    }
    ++s.counters.attempts;
    const bool pinOk = pinMatches(*s.pin, typed);
    const bool recoveryToday = !pinOk && !identity.qrSecret.empty() && s.challengeDay == utcDay(now) && !s.challenge.empty() &&
                               constantTimeEqual(typed, recoveryCode(identity.qrSecret, identity.terminalId, s.challenge, s.challengeDay));
    if (pinOk || recoveryToday) {
        out.verdict = pinOk ? PinVerdict::Accepted : PinVerdict::Recovered;
        s.failuresInARow = 0;
        s.lockoutsInARow = 0;
        s.lockedUntilMs = 0;
        if (out.verdict == PinVerdict::Recovered) {
            ++s.counters.recoveries;
            s.challenge = newChallenge();  // the code worked once
        }
        log::info(out.verdict == PinVerdict::Recovered ? "service: entered with a recovery code; set a new PIN" : "service: PIN accepted");
    } else {
        ++s.counters.failures;
        ++s.failuresInARow;
        out.verdict = PinVerdict::Wrong;
        if (s.failuresInARow >= kAttemptsBeforeLock) {
            ++s.lockoutsInARow;
            ++s.counters.lockouts;
            out.lockedForMs = lockMs(s.lockoutsInARow);
            s.lockedUntilMs = now + out.lockedForMs;
            s.failuresInARow = 0;
            out.attemptsLeft = 0;
            log::warning("service: wrong PIN, " + std::to_string(kAttemptsBeforeLock) + " in a row: the pad is locked for " +
                         std::to_string(out.lockedForMs / 1000) + " s");
        } else {
            out.attemptsLeft = kAttemptsBeforeLock - s.failuresInARow;
            log::warning("service: wrong PIN (" + std::to_string(out.attemptsLeft) + " more before the pad locks)");
        }
    }
    if (!save(s, error)) log::error("service: the PIN pad's state could not be saved (" + error + "); a restart would forget this attempt");
    return out;
}

bool PinGuard::setPin(const std::string& pin, const std::string& setBy, std::string& error) {
    error = pinProblem(pin);
    if (!error.empty()) return false;
    PinHash hash = hashPin(pin, clock_.wallMs(), setBy, iterations_);
    std::lock_guard lock(mutex_);
    FileLock fileLock(path() + ".lock");
    State s = load();
    s.pin = hash;
    s.unreadable = false;  // a new file replaces the one that could not be read
    s.failuresInARow = 0;
    if (!save(s, error)) return false;
    log::info("service: a new PIN was set (" + setBy + ")");
    return true;
}

void PinGuard::noteEntry() {
    std::lock_guard lock(mutex_);
    FileLock fileLock(path() + ".lock");
    State s = load();
    ++s.counters.entries;
    std::string error;
    if (!save(s, error)) log::warning("service: the entry could not be counted: " + error);
}

bool PinGuard::adoptHubPin(const PinHash& hubPin) {
    std::lock_guard lock(mutex_);
    FileLock fileLock(path() + ".lock");
    State s = load();
    // The newer PIN wins: one the technician set here after the hub's stays until the hub sets another.
    if (s.pin && (*s.pin == hubPin || s.pin->setAtMs >= hubPin.setAtMs)) return false;
    s.pin = hubPin;
    std::string error;
    if (!save(s, error)) {
        log::error("service: the PIN set on the hub could not be saved here: " + error);
        return false;
    }
    log::info("service: the PIN set on the hub is in use from now on");
    return true;
}

}  // namespace otklik::service
