// The technician's service mode as a state machine, apart from how it looks: which screen
// shows, the PIN pad's entry and what it led to, the enrolment code pad, the touch test's
// cells, the settings being edited, and the slow work (a PIN check, the connection test, an
// enrolment, the USB export) run one job at a time on a worker thread whose result is applied
// on the UI thread. It closes itself after 2 minutes without a touch. No ImGui, no SDL.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/service/service_backend.h"

namespace otklik::service {

enum class ServiceScreen { Pin, Menu, Network, Touch, Display, Enrol, Usb, Settings };
// "service-pin", "service-menu", … (the headless scripts' `expect` names).
const char* serviceScreenName(ServiceScreen screen);

// What the PIN pad is for.
enum class PinPurpose { Enter, NewPin, ConfirmPin };

// A message for the technician: an interface string key (assets/i18n/ui.json) with its
// values, and a technical detail in English shown beside it when there is one.
struct Notice {
    std::string key;  // "" = nothing to say
    std::vector<std::pair<std::string, std::string>> values;
    std::string detail;

    [[nodiscard]] bool empty() const { return key.empty(); }
};

inline constexpr int64_t kServiceIdleCloseMs = 120'000;
inline constexpr int64_t kStatusRefreshMs = 2'000;
inline constexpr size_t kMaxPinDigits = 12;

class ServiceMode {
public:
    ServiceMode(ServiceBackend& backend, std::string language);
    ~ServiceMode();  // waits for a job in flight
    ServiceMode(const ServiceMode&) = delete;
    ServiceMode& operator=(const ServiceMode&) = delete;

    // --- entering and leaving (the app opens it once no visitor is busy) ---
    void open(int64_t nowMs);
    void close(const std::string& why);
    [[nodiscard]] bool active() const { return active_; }

    // --- the technician's taps; each counts as a touch ---
    void touched(int64_t nowMs) { lastTouchMs_ = nowMs; }
    void setLanguage(const std::string& code);
    void pinKey(char digit);
    void pinClear();
    void pinOk();
    void pinCancel();
    void show(ServiceScreen screen);  // from the menu
    void back();                      // to the menu (or out, from the PIN pad)
    void runNetworkTest();
    void deliverNow();
    void fetchConfigNow();
    void changePin();
    void touchCell(int index);
    void finishTouchTest();
    void codeKey(char c);
    void codeBackspace();
    void codeOk();
    void codeFromUsb();
    void exportUsb();
    void editSettings(const SettingsValues& values) { editing_ = values; bump(); }
    void saveSettings();
    void restart();

    // --- time ---
    void tick(int64_t nowMs);  // applies a finished job, refreshes the status, closes when idle too long
    [[nodiscard]] std::optional<int64_t> nextDeadline() const;
    [[nodiscard]] bool busy() const { return job_.valid(); }
    // Headless runs: waits (real time) until no job runs, applying the last one. False on timeout.
    bool waitIdle(int64_t timeoutMs, int64_t nowMs);

    // --- what the screens show ---
    [[nodiscard]] ServiceScreen screen() const { return screen_; }
    [[nodiscard]] const std::string& language() const { return language_; }
    [[nodiscard]] PinPurpose pinPurpose() const { return pinPurpose_; }
    [[nodiscard]] size_t pinLength() const { return pin_.size(); }
    [[nodiscard]] const Notice& pinNotice() const { return pinNotice_; }  // wrong PIN, locked, checking, …
    [[nodiscard]] int64_t lockedForMs() const { return lockedForMs_; }
    [[nodiscard]] const std::string& challenge() const { return challenge_; }
    [[nodiscard]] bool enrolOnly() const { return enrolOnly_; }  // no PIN yet: only enrolment is open
    [[nodiscard]] const std::optional<StatusSnapshot>& status() const { return status_; }
    [[nodiscard]] const std::optional<ConnectionReport>& network() const { return network_; }
    [[nodiscard]] const Notice& notice() const { return notice_; }  // the last action's outcome
    [[nodiscard]] const std::string& code() const { return code_; }
    [[nodiscard]] const std::optional<EnrolOutcome>& enrolOutcome() const { return enrolOutcome_; }
    [[nodiscard]] const std::optional<UsbExportResult>& usbResult() const { return usbResult_; }
    [[nodiscard]] const SettingsValues& editing() const { return editing_; }
    [[nodiscard]] const std::vector<bool>& touchCells() const { return touchCells_; }
    // The USB stick, looked for every second on the screens that use one.
    [[nodiscard]] const std::string& usbMount() const { return usbMount_; }
    [[nodiscard]] bool usbEnrolmentFile() const { return usbEnrolmentFile_; }
    [[nodiscard]] bool touchFinished() const { return touchFinished_; }
    [[nodiscard]] ServiceBackend& backend() { return backend_; }
    // Changes with every visible change, so the UI draws only when needed.
    [[nodiscard]] uint64_t revision() const { return revision_; }

    // The touch test's grid, set by the UI for the picture's shape.
    void setTouchGrid(int cells);

private:
    using Apply = std::function<void()>;
    // Runs `work` on the worker; what it returns is applied on the UI thread by tick().
    // False (nothing started) while another job runs.
    bool start(std::function<Apply()> work);
    void refreshStatus();
    void entered(const std::string& how);
    void bump() { ++revision_; }

    ServiceBackend& backend_;
    std::string language_;
    bool active_ = false;
    ServiceScreen screen_ = ServiceScreen::Pin;
    int64_t lastTouchMs_ = 0;
    int64_t nextStatusMs_ = 0;
    int64_t nowMs_ = 0;
    uint64_t revision_ = 1;
    std::future<Apply> job_;

    PinPurpose pinPurpose_ = PinPurpose::Enter;
    std::string pin_, newPin_;
    Notice pinNotice_;
    int64_t lockedForMs_ = 0;
    std::string challenge_;
    bool enrolOnly_ = false;

    std::optional<StatusSnapshot> status_;
    std::optional<ConnectionReport> network_;
    bool networkPending_ = false;  // the menu runs the connection test once when it first shows
    Notice notice_;
    std::string code_;
    std::optional<EnrolOutcome> enrolOutcome_;
    std::optional<UsbExportResult> usbResult_;
    SettingsValues editing_;
    std::vector<bool> touchCells_;
    bool touchFinished_ = false;
    std::string usbMount_;
    bool usbEnrolmentFile_ = false;
    int64_t nextUsbLookMs_ = 0;
};

}  // namespace otklik::service
