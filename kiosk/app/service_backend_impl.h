// The kiosk's real ServiceBackend: service mode's view of the outbox, delivery, the PIN
// guard, the hub connection, enrolment, the USB stick and the settings. Built by main.cpp
// from the parts it wires; the worker-thread methods guard the config with a mutex, and what
// changes the visitor flow (settings, a new identity after enrolment) runs on the UI thread.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <vector>
#include <mutex>
#include <optional>
#include <string>

#include "kiosk/app/delivery.h"
#include "kiosk/config/kiosk_setup.h"
#include "kiosk/flow/flow.h"
#include "kiosk/flow/qr_rotation.h"
#include "kiosk/service/service_backend.h"
#include "platform/clock.h"
#include "sync/client/outbox.h"

namespace otklik {

struct ServiceParts {
    DeviceConfig config;
    Outbox& outbox;
    DeliveryHost& delivery;
    service::PinGuard& pins;
    const Clock& clock;         // the app's (simulated when headless)
    flow::Flow& flow;           // UI thread only
    flow::QrRotation& qr;       // UI thread only
    std::function<void()> wake;     // thread-safe: the frame loop should look
    std::function<void()> restart;  // ends the program for its service manager to start again
    int64_t restarts = 0;           // starts of the kiosk on this data folder before this one
};

// Counts this start in <data_dir>/starts and returns how many came before it (the service
// menu's "restarts"); 0 when the file cannot be kept.
int64_t countThisStart(const std::string& dataDir);

class KioskServiceBackend final : public service::ServiceBackend {
public:
    explicit KioskServiceBackend(ServiceParts parts);
    ~KioskServiceBackend() override;  // waits for events still being kept

    // The questionnaire in use, for the status (the app says so at start and after a swap).
    void questionnaireInUse(const Questionnaire& questionnaire);
    // True when the idle screen should show the technicians' mark: responses pending and
    // nothing delivered for over an hour. Cheap: refreshed on a thread of its own every
    // minute; `waitForFresh` works it out now instead (headless scripts).
    [[nodiscard]] bool undeliveredForAnHour(bool waitForFresh);

    service::StatusSnapshot status() override;
    service::PinCheck checkPin(const std::string& typed) override;
    bool setPin(const std::string& pin, std::string& error) override;
    ConnectionReport testConnection() override;
    std::string deliverNow() override;
    std::string fetchConfigNow() override;
    service::EnrolOutcome enrol(const std::string& code, bool fromUsb) override;
    service::UsbExportResult exportToUsb() override;
    std::string saveSettings(const service::SettingsValues& values) override;
    void report(const std::string& kind, const std::string& detail) override;

    bool hasPin() override { return parts_.pins.hasPin(); }
    int64_t pinLockedForMs() override { return parts_.pins.lockedForMs(); }
    std::string recoveryChallenge() override { return parts_.pins.challenge(); }
    bool enrolled() override;
    std::string usbMount() override;
    bool usbHasEnrolmentFile() override;
    service::SettingsValues settings() override;
    std::vector<std::string> languages() override;
    void applySettings(const service::SettingsValues& values) override;
    void afterEnrolment() override;
    void restart() override { parts_.restart(); }
    void wake() override { parts_.wake(); }

private:
    [[nodiscard]] DeviceConfig config() const;

    ServiceParts parts_;
    // The network's own time: the connection test and enrolment measure real seconds even in a
    // headless run, whose app clock is simulated.
    SystemClock realClock_;
    const int64_t startedMonoMs_;
    mutable std::mutex mutex_;  // config_ changes at enrolment, read by status()
    std::string questionnaire_;
    std::optional<int64_t> certificateExpiresAtMs_;
    std::string backlight_;
    std::atomic<bool> undelivered_{false};
    std::atomic<int64_t> undeliveredCheckedMs_{-60'000};
    std::future<void> undeliveredCheck_;
    std::mutex reportsMutex_;
    std::shared_future<void> lastReport_;  // events are kept in the order they happened
};

}  // namespace otklik
