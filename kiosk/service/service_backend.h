// What service mode needs from the rest of the terminal, as one interface: status figures,
// the PIN guard, the connection test, delivery and config pull on demand, enrolment, the USB
// export, the settings a technician may change, events for the hub. The kiosk's real one is
// kiosk/app/service_backend_impl.cpp; tests pass a fake. Methods marked "slow" run on service
// mode's worker thread and must be thread-safe; the others are called on the UI thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/service/pin_guard.h"
#include "platform/orientation.h"
#include "sync/client/connection_test.h"

namespace otklik::service {

// The menu's status at a glance. Times are wall-clock Unix milliseconds.
struct StatusSnapshot {
    std::string terminalId;         // "" = not enrolled
    std::string centre;
    std::string appVersion;
    std::string configVersion;      // questionnaire id and version in use
    std::string hubUrl;             // "" = no hub: responses stay here
    std::vector<std::string> ipAddresses;
    std::optional<int64_t> lastDeliveryMs;
    std::string lastError;          // in words, with what to do; "" = none
    std::optional<int64_t> lastErrorMs;
    bool deliveryFailing = false;   // the last attempt failed
    int64_t pending = 0;
    std::optional<int64_t> oldestPendingAgeMs;
    std::vector<std::pair<std::string, int64_t>> heldForOtherIds;  // pending responses of another terminal id
    int64_t nowMs = 0;
    std::optional<int64_t> clockOffsetMs;  // hub minus this terminal
    std::optional<int64_t> freeDiskBytes;
    int64_t outboxBytes = 0;
    int64_t budgetBytes = 0;
    std::optional<int64_t> certificateExpiresAtMs;  // from the last connection test
    int64_t uptimeMs = 0;
    int64_t restarts = 0;
    int64_t pinLockouts = 0;
};

struct UsbExportResult {
    bool ok = false;
    std::string folder;     // where the files went
    int64_t responses = 0;  // how many were written
    std::string message;    // what happened, in words (the failure's reason and what to do)
};

struct EnrolOutcome {
    bool enrolled = false;
    std::string reason;     // the hub's code (code_unknown, code_used, code_expired, rate_limited, …), "network" or "local"
    std::string message;    // what happened, in words
    std::string fix;
    std::optional<ConnectionReport> test;  // run right after a successful enrolment
};

// The settings a technician may change from the glass (kept in <data_dir>/overrides.toml).
struct SettingsValues {
    std::string firstLanguage;
    Orientation orientation = Orientation::Auto;
    int idleS = 30;
    std::optional<int> brightnessPercent;  // nullopt: the backlight cannot be set here

    bool operator==(const SettingsValues&) const = default;
};

class ServiceBackend {
public:
    virtual ~ServiceBackend() = default;

    // --- slow: on the worker thread ---
    [[nodiscard]] virtual StatusSnapshot status() = 0;
    [[nodiscard]] virtual PinCheck checkPin(const std::string& typed) = 0;
    [[nodiscard]] virtual bool setPin(const std::string& pin, std::string& error) = 0;
    [[nodiscard]] virtual ConnectionReport testConnection() = 0;
    // What happened, in words ("12 pending responses are being sent" / "not enrolled: …").
    [[nodiscard]] virtual std::string deliverNow() = 0;
    [[nodiscard]] virtual std::string fetchConfigNow() = 0;
    // With the typed code, or (fromUsb) the enrolment file on the USB stick.
    [[nodiscard]] virtual EnrolOutcome enrol(const std::string& code, bool fromUsb) = 0;
    [[nodiscard]] virtual UsbExportResult exportToUsb() = 0;
    // Writes the overrides file; "" when saved, else why not.
    [[nodiscard]] virtual std::string saveSettings(const SettingsValues& values) = 0;
    // An event for the hub (kept until delivered): "service-entered", "setting-changed", …
    virtual void report(const std::string& kind, const std::string& detail) = 0;

    // --- quick: on the UI thread ---
    [[nodiscard]] virtual bool hasPin() = 0;
    [[nodiscard]] virtual int64_t pinLockedForMs() = 0;
    [[nodiscard]] virtual std::string recoveryChallenge() = 0;
    [[nodiscard]] virtual bool enrolled() = 0;
    // Where the USB stick is mounted, "" when none is.
    [[nodiscard]] virtual std::string usbMount() = 0;
    [[nodiscard]] virtual bool usbHasEnrolmentFile() = 0;
    [[nodiscard]] virtual SettingsValues settings() = 0;
    [[nodiscard]] virtual std::vector<std::string> languages() = 0;
    // Applies what can change at once (first language, idle timeout, brightness); the
    // orientation takes effect at the next start.
    virtual void applySettings(const SettingsValues& values) = 0;
    // The terminal was just enrolled (its new id, token and QR secret are saved): the visitor
    // flow and the QR codes take the new identity.
    virtual void afterEnrolment() = 0;
    // Asks the program to end so its service manager starts it again.
    virtual void restart() = 0;
    // Thread-safe: a job finished; the sleeping frame loop should look.
    virtual void wake() = 0;
};

}  // namespace otklik::service
