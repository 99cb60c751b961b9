// The service PIN pad's guard: checks a typed PIN (or a recovery code) against the hashed PIN
// in <data_dir>/service-pin.json (mode 0600: only the kiosk's user reads it), locks the pad
// after five wrong entries for 1 minute, doubling up to 1 hour, and keeps the lock and the
// counts in the same file so a restart does not lift them. Every attempt is logged and counted
// (the heartbeat reports the counts). Thread-safe; check() and setPin() are slow on purpose
// (PBKDF2): call them off the UI thread (docs/technician.md, "The PIN").
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "platform/clock.h"
#include "sync/protocol/service_pin.h"

namespace otklik::service {

inline constexpr const char* kPinFile = "service-pin.json";
inline constexpr int kAttemptsBeforeLock = 5;
inline constexpr int64_t kFirstLockMs = 60'000;
inline constexpr int64_t kLongestLockMs = 3'600'000;

struct PinCounters {
    int64_t attempts = 0;   // every entry, right or wrong
    int64_t failures = 0;   // wrong ones
    int64_t lockouts = 0;   // times the pad was locked
    int64_t recoveries = 0; // entries by recovery code
    int64_t entries = 0;    // times service mode was entered
};

enum class PinVerdict {
    Accepted,   // the PIN
    Recovered,  // today's recovery code for the challenge shown: set a new PIN now
    Wrong,      // counted; attemptsLeft says how many before the lock
    Locked,     // the pad is locked: nothing was checked
    NoPin,      // no PIN set yet: only enrolment is open
};

struct PinCheck {
    PinVerdict verdict = PinVerdict::Wrong;
    int attemptsLeft = kAttemptsBeforeLock;
    int64_t lockedForMs = 0;  // Locked, or Wrong when this entry locked the pad
};

// Who the terminal is, for recovery codes (its QR secret is the shared key).
struct RecoveryIdentity {
    std::string terminalId;
    std::string qrSecret;  // "" = no recovery possible on this terminal
};

class PinGuard {
public:
    // `clock`'s wall time dates the lock (it survives restarts); `minIterations` is for tests.
    PinGuard(std::string dataDir, const Clock& clock, int iterations = kPinIterations);

    [[nodiscard]] bool hasPin() const;
    // Remaining lock time, 0 when not locked.
    [[nodiscard]] int64_t lockedForMs() const;
    [[nodiscard]] PinCounters counters() const;
    // The recovery challenge the pad shows (8 digits, new each UTC day and after each use).
    [[nodiscard]] std::string challenge();

    // Slow. The PIN or, failing that, the recovery code for today's challenge.
    PinCheck check(const std::string& typed, const RecoveryIdentity& identity);
    // Slow. Sets a new PIN after pinProblem() allows it; `error` says why not otherwise.
    bool setPin(const std::string& pin, const std::string& setBy, std::string& error);
    // Service mode was entered (counted with the PIN attempts, for the heartbeat).
    void noteEntry();
    // A PIN the hub set (`otklik-hub terminal set-pin`, delivered hashed with the config):
    // taken when it is newer than the one held. False when nothing changed.
    bool adoptHubPin(const PinHash& hubPin);

private:
    struct State;
    [[nodiscard]] State load() const;
    bool save(const State& state, std::string& error) const;
    [[nodiscard]] std::string path() const;

    std::string dataDir_;
    const Clock& clock_;
    int iterations_;
    mutable std::mutex mutex_;
    // The state a failed save could not keep (a read-only or full data folder): used instead of
    // the file until a save succeeds, so a lockout holds while the kiosk runs.
    mutable std::shared_ptr<State> unsaved_;
    mutable bool unreadableReported_ = false;  // said once in the log, not at every look
};

}  // namespace otklik::service
