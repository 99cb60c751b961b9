// The kiosk's ServiceBackend (see service_backend_impl.h).
#include "service_backend_impl.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "kiosk/app/enrolment.h"
#include "kiosk/app/hub_connection.h"
#include "kiosk/app/settings_from_config.h"
#include "kiosk/app/usb_export.h"
#include "kiosk/config/enrolment_file.h"
#include "kiosk/config/overrides.h"
#include "platform/backlight.h"
#include "platform/log.h"
#include "platform/network_info.h"
#include "sync/client/heartbeat.h"
#include "sync/protocol/uuid.h"

namespace otklik {

namespace fs = std::filesystem;

int64_t countThisStart(const std::string& dataDir) {
    const std::string path = (fs::path(dataDir) / "starts").string();
    int64_t before = 0;
    std::ifstream(path) >> before;
    std::ofstream(path) << before + 1 << "\n";
    return std::max<int64_t>(0, before);
}

KioskServiceBackend::KioskServiceBackend(ServiceParts parts)
    : parts_(std::move(parts)), startedMonoMs_(parts_.clock.monoMs()), backlight_(findBacklight(parts_.config.service.backlight)) {}

DeviceConfig KioskServiceBackend::config() const {
    std::lock_guard lock(mutex_);
    return parts_.config;
}

void KioskServiceBackend::questionnaireInUse(const Questionnaire& q) {
    std::lock_guard lock(mutex_);
    questionnaire_ = q.id + " " + q.version;
}

bool KioskServiceBackend::enrolled() { return config().enrolled(); }

service::StatusSnapshot KioskServiceBackend::status() {
    const DeviceConfig c = config();
    service::StatusSnapshot s;
    s.terminalId = c.terminalId;
    s.centre = c.centreNameIn(c.languages.front());
    s.appVersion = softwareVersion();
    {
        std::lock_guard lock(mutex_);
        s.configVersion = questionnaire_;
        s.certificateExpiresAtMs = certificateExpiresAtMs_;
    }
    s.hubUrl = c.hub.url;
    s.ipAddresses = ipAddresses();
    s.nowMs = parts_.clock.wallMs();
    if (!c.enrolled() && !c.hub.url.empty()) {
        s.lastError = "not enrolled yet: Enrol from this menu (every response is kept until then)";
        s.deliveryFailing = true;
    }
    if (auto sync = parts_.delivery.status()) {
        s.lastDeliveryMs = sync->lastSuccessMs;
        if (!sync->lastError.empty()) {
            s.lastError = sync->lastError;
            s.lastErrorMs = sync->lastErrorMs;
        }
        s.deliveryFailing = sync->consecutiveFailures > 0;
    } else if (auto record = parts_.outbox.syncRecord()) {
        s.lastDeliveryMs = record->lastSuccessMs;
        if (!record->lastError.empty() && c.enrolled()) {
            s.lastError = record->lastError;
            s.lastErrorMs = record->lastErrorMs;
        }
    }
    OutboxSummary summary = parts_.outbox.summary(true);
    s.pending = summary.pending;
    if (summary.oldestPendingAtMs) s.oldestPendingAgeMs = std::max<int64_t>(0, s.nowMs - *summary.oldestPendingAtMs);
    int64_t deliverable = summary.pending;
    for (const auto& [id, n] : summary.pendingByTerminal)
        if (!id.empty() && id != c.terminalId) {
            s.heldForOtherIds.emplace_back(id, n);
            deliverable -= n;
        }
    if (auto offset = parts_.delivery.clockOffset().current()) s.clockOffsetMs = offset->offsetMs;
    s.freeDiskBytes = freeDiskBytes(c.dataDir);
    s.outboxBytes = summary.databaseBytes;
    s.budgetBytes = c.storageBudgetMb << 20;
    s.uptimeMs = parts_.clock.monoMs() - startedMonoMs_;
    s.restarts = parts_.restarts;
    s.pinLockouts = parts_.pins.counters().lockouts;
    // Held responses of another id are never sent under this token: they alone light nothing.
    undelivered_ = deliverable > 0 && s.oldestPendingAgeMs && *s.oldestPendingAgeMs > 3'600'000 &&
                   (!s.lastDeliveryMs || s.nowMs - *s.lastDeliveryMs > 3'600'000);
    return s;
}

bool KioskServiceBackend::undeliveredForAnHour(bool waitForFresh) {
    if (waitForFresh) {
        (void)status();
        return undelivered_;
    }
    // Refreshed at most once a minute on a thread of its own: the UI thread never waits for it.
    const int64_t now = parts_.clock.monoMs();
    bool idle = !undeliveredCheck_.valid() || undeliveredCheck_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    if (idle && now - undeliveredCheckedMs_ >= 60'000) {
        undeliveredCheckedMs_ = now;
        undeliveredCheck_ = std::async(std::launch::async, [this] { (void)status(); });
    }
    return undelivered_;
}

service::PinCheck KioskServiceBackend::checkPin(const std::string& typed) {
    const DeviceConfig c = config();
    return parts_.pins.check(typed, service::RecoveryIdentity{c.terminalId, c.hub.qrSecret});
}

bool KioskServiceBackend::setPin(const std::string& pin, std::string& error) { return parts_.pins.setPin(pin, "local", error); }

ConnectionReport KioskServiceBackend::testConnection() {
    const DeviceConfig c = config();
    if (c.hub.url.empty()) {
        ConnectionReport none;
        none.steps.push_back({"dns", StepOutcome::Fail, "hub.none", "this terminal has no hub: its responses stay here",
                              "put the hub's url (and ca_file or pins) under [hub] in the device config, then enrol", 0});
        return none;
    }
    ConnectionReport r = otklik::testConnection(c, realClock_);
    std::lock_guard lock(mutex_);
    if (r.certificateExpiresAtMs) certificateExpiresAtMs_ = r.certificateExpiresAtMs;
    return r;
}

std::string KioskServiceBackend::deliverNow() {
    if (!parts_.delivery.running()) return "not enrolled: nothing can be delivered yet";
    OutboxSummary summary = parts_.outbox.summary();
    parts_.delivery.wake();
    return std::to_string(summary.pending) + " pending responses: delivery started";
}

std::string KioskServiceBackend::fetchConfigNow() {
    if (!parts_.delivery.running()) return "not enrolled: there is no hub config to fetch";
    auto before = parts_.delivery.configReport();
    parts_.delivery.pullConfigSoon();
    // The pull runs on the uploader's thread: wait for its report (a few seconds at most).
    for (int i = 0; i < 100; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto now = parts_.delivery.configReport();
        if (now && (!before || now->atMs != before->atMs)) return now->what;
    }
    return "the hub did not answer within 10 s (see Test connection)";
}

service::EnrolOutcome KioskServiceBackend::enrol(const std::string& code, bool fromUsb) {
    service::EnrolOutcome out;
    const DeviceConfig c = config();
    std::optional<EnrolmentFile> file;
    if (fromUsb) {
        std::string stick = findUsbStick(c.service.usbDir), error;
        if (!stick.empty()) file = readEnrolmentFile((fs::path(stick) / kEnrolmentFileName).string(), error);
        if (!file) {
            out.reason = "no_usb";
            out.message = stick.empty() ? "no USB stick is mounted" : error;
            return out;
        }
        // Anyone can reach the glass of a terminal with no PIN yet: a stick may not point it
        // at another hub than the one it was set up for. Moving hubs is a shell job
        // (`otklik-kiosk enrol --file`, docs/technician.md).
        if (!c.hub.url.empty() && hubRouteUrl(file->url, "") != hubRouteUrl(c.hub.url, "")) {
            out.reason = "other_hub";
            out.message = "the enrolment file is for " + file->url + ", but this terminal belongs to " + c.hub.url;
            out.fix = "make the file on this terminal's hub, or move the terminal with `otklik-kiosk enrol --file` from a shell";
            return out;
        }
    }
    std::optional<int64_t> firstSeq = parts_.outbox.firstSeqForEnrolment();
    if (!firstSeq) {
        // Guessing would make the hub count this terminal's stored responses as missing.
        out.reason = "local";
        out.message = "the stored responses cannot be read just now, so nothing was sent";
        out.fix = "mend the storage fault the status screen names, then enrol again (the code stays valid)";
        return out;
    }
    EnrolmentResult r = enrolTerminal(c, code, file ? &*file : nullptr, *firstSeq, realClock_);
    out.enrolled = r.enrolled;
    out.test = r.test;
    if (!r.enrolled) {
        out.reason = r.localError.empty() ? r.attempt.reason : "local";
        out.message = r.localError.empty() ? r.attempt.message : r.localError;
        out.fix = r.attempt.fix;
        return out;
    }
    out.message = r.credentials.terminalId + " (" + r.credentials.centre + ")";
    {
        std::lock_guard lock(mutex_);
        parts_.config = r.config;
        if (r.test && r.test->certificateExpiresAtMs) certificateExpiresAtMs_ = r.test->certificateExpiresAtMs;
    }
    parts_.delivery.start(r.config);  // the new token from now on; the old delivery stops
    report("enrolled", r.summary());
    return out;
}

void KioskServiceBackend::afterEnrolment() {
    const DeviceConfig c = config();
    flow::Settings settings = parts_.flow.nextSettings();
    settings.terminalId = c.terminalId;
    if (!parts_.flow.updateSettings(settings)) log::info("service: the new terminal id applies once the visitor screens are at rest");
    parts_.qr.reconfigure(qrSettings(c));
}

service::UsbExportResult KioskServiceBackend::exportToUsb() {
    const DeviceConfig c = config();
    service::UsbExportResult r = otklik::exportToUsb(c.dataDir, findUsbStick(c.service.usbDir), c.terminalId, parts_.clock.wallMs());
    log::info("service: USB export: " + r.message);
    return r;
}

std::string KioskServiceBackend::usbMount() { return findUsbStick(config().service.usbDir); }

bool KioskServiceBackend::usbHasEnrolmentFile() {
    std::string stick = usbMount();
    std::error_code ec;
    return !stick.empty() && fs::exists(fs::path(stick) / kEnrolmentFileName, ec);
}

service::SettingsValues KioskServiceBackend::settings() {
    const DeviceConfig c = config();
    service::SettingsValues v;
    v.firstLanguage = c.languages.front();
    v.orientation = c.orientation;
    v.idleS = static_cast<int>(c.idleTimeoutMs / 1000);
    if (backlightWritable(backlight_)) v.brightnessPercent = backlightPercent(backlight_);
    return v;
}

std::vector<std::string> KioskServiceBackend::languages() { return config().languages; }

std::string KioskServiceBackend::saveSettings(const service::SettingsValues& v) {
    const DeviceConfig c = config();
    // What the technician changed joins what was changed before; the rest stays the device config's.
    Overrides o = loadOverrides(c.dataDir).overrides;
    const service::SettingsValues now = settings();
    if (v.firstLanguage != now.firstLanguage) o.firstLanguage = v.firstLanguage;
    if (v.orientation != now.orientation) o.orientation = v.orientation;
    if (v.idleS != now.idleS) o.idleS = v.idleS;
    if (v.brightnessPercent && v.brightnessPercent != now.brightnessPercent) o.brightnessPercent = v.brightnessPercent;
    std::string error;
    if (!saveOverrides(c.dataDir, o, error)) return error;
    if (v.brightnessPercent && !setBacklightPercent(backlight_, *v.brightnessPercent, error)) return error;
    log::info("service: settings saved to " + (fs::path(c.dataDir) / kOverridesFile).string());
    return "";
}

void KioskServiceBackend::applySettings(const service::SettingsValues& v) {
    DeviceConfig c;
    {
        std::lock_guard lock(mutex_);
        Overrides o;
        o.firstLanguage = v.firstLanguage;
        o.idleS = v.idleS;
        std::vector<std::string> warnings;
        (void)applyOverrides(o, parts_.config, warnings);
        c = parts_.config;
    }
    // The orientation needs a new window: it takes effect at the next start.
    flow::Settings settings = parts_.flow.nextSettings();
    settings.languages = c.languages;
    settings.idleTimeoutMs = c.idleTimeoutMs;
    if (!parts_.flow.updateSettings(settings)) log::info("service: the new settings apply once the visitor screens are at rest");
}

void KioskServiceBackend::report(const std::string& kind, const std::string& detail) {
    ServiceEvent e{newUuidV7(parts_.clock.wallMs()), parts_.clock.wallMs(), kind, detail};
    // Called on the UI thread too: the commits happen on a thread of their own, in order.
    std::lock_guard lock(reportsMutex_);
    std::shared_future<void> before = lastReport_;
    auto job = std::async(std::launch::async, [this, e, before] {
        if (before.valid()) before.wait();
        if (sqlite::Error error = parts_.outbox.addServiceEvent(e))
            log::warning("service: the event \"" + e.kind + "\" could not be kept for the hub: " + error.message);
        if (e.kind == "service-entered") parts_.pins.noteEntry();
        parts_.delivery.notifyEvent();
    }).share();
    lastReport_ = job;
}

KioskServiceBackend::~KioskServiceBackend() {
    std::lock_guard lock(reportsMutex_);
    if (lastReport_.valid()) lastReport_.wait();
    if (undeliveredCheck_.valid()) undeliveredCheck_.wait();
}

}  // namespace otklik
