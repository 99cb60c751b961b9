// enrol, diagnose and the token check of --check-config (see hub_commands.h).
#include "hub_commands.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "kiosk/app/enrolment.h"
#include "kiosk/app/hub_connection.h"
#include "platform/instance_lock.h"
#include "sync/client/outbox_store.h"

namespace otklik::cli {

namespace {

constexpr int kOk = 0, kFailed = 1, kBadInput = 2;

// Where this terminal's numbering stands for an enrolment: read-only, so it is safe while a
// kiosk runs; 1 for a terminal that never stored a response; nullopt (with error) when the
// outbox cannot be read — a guess could make the hub count stored responses as missing.
std::optional<int64_t> firstSeqFor(const std::string& dataDir, std::string& why) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(dataDir) / OutboxStore::kFileName, ec)) return 1;
    sqlite::Error error;
    auto store = OutboxStore::openReadOnly(dataDir, error);
    std::optional<int64_t> seq;
    if (store) seq = store->firstSeqForEnrolment(error);
    if (!seq) why = error.message;
    return seq;
}

void printSteps(const ConnectionReport& report, std::FILE* out) {
    for (const auto& step : report.steps) std::fprintf(out, "%s\n", stepLine(step).c_str());
}

}  // namespace

int runEnrol(const KioskSetup& setup, const EnrolOptions& o, const Clock& clock, std::FILE* out) {
    std::optional<EnrolmentFile> file;
    if (!o.file.empty()) {
        std::string error;
        file = readEnrolmentFile(o.file, error);
        if (!file) {
            std::fprintf(stderr, "otklik-kiosk enrol: %s\n", error.c_str());
            return kBadInput;
        }
    }
    if (o.code.empty() && !file) {
        std::fprintf(stderr, "otklik-kiosk enrol: give --code XXXX-XXXX (from `otklik-hub terminal enrol-code`) or --file otklik-enrol.toml\n");
        return kBadInput;
    }
    const DeviceConfig& config = setup.config;
    if (config.enrolled())
        std::fprintf(out, "note: this terminal is enrolled as %s; a successful enrolment replaces that\n", config.terminalId.c_str());
    std::string why;
    std::optional<int64_t> firstSeq = firstSeqFor(config.dataDir, why);
    if (!firstSeq) {
        std::fprintf(stderr, "otklik-kiosk enrol: nothing was sent: the stored responses cannot be read (%s); run it as the kiosk's user, "
                             "or mend the outbox first (otklik-kiosk status)\n", why.c_str());
        return kFailed;
    }
    EnrolmentResult r = enrolTerminal(config, o.code, file ? &*file : nullptr, *firstSeq, clock);
    if (!r.enrolled) {
        std::fprintf(stderr, "otklik-kiosk enrol: %s\n", r.summary().c_str());
        bool wrongCode = r.attempt.failure == EnrolFailure::WrongCode || r.attempt.failure == EnrolFailure::RateLimited ||
                         r.attempt.failure == EnrolFailure::Refused;
        return wrongCode && r.localError.empty() ? kBadInput : kFailed;
    }
    std::fprintf(out, "%s\ncredentials: %s\n", r.summary().c_str(), credentialsPath(config.dataDir).c_str());
    if (InstanceLock::heldByOther(config.dataDir))
        std::fprintf(out, "note: the kiosk is running: restart it to use the new credentials (systemctl restart otklik-kiosk)\n");
    std::fprintf(out, "connection test:\n");
    printSteps(*r.test, out);
    return kOk;
}

int runDiagnose(const KioskSetup& setup, bool json, const Clock& clock, std::FILE* out) {
    if (setup.config.hub.url.empty()) {
        std::fprintf(stderr, "otklik-kiosk diagnose: the device config has no [hub] url, so there is no hub to test; add url (and "
                             "ca_file or pins) under [hub]\n");
        return kBadInput;
    }
    ConnectionReport report = testConnection(setup.config, clock);
    if (json) std::fprintf(out, "%s\n", reportJson(report).dump(2).c_str());
    else printSteps(report, out);
    return report.passed() ? kOk : kFailed;
}

bool checkHubForCheckConfig(const KioskSetup& setup, bool offline, const Clock& clock, std::FILE* out) {
    const DeviceConfig& config = setup.config;
    if (config.hub.url.empty()) return true;
    if (!config.enrolled()) {
        std::fprintf(out, "hub: %s, not enrolled yet: the terminal keeps every response; enrol it from the service menu or with "
                          "`otklik-kiosk enrol`\n",
                     config.hub.url.c_str());
        return true;
    }
    if (offline) {
        std::fprintf(out, "hub: the token was not checked (--offline)\n");
        return true;
    }
    ConnectionReport report = testConnection(config, clock);
    for (const auto& step : report.steps) {
        if (step.name == "auth" && step.outcome == StepOutcome::Ok) {
            std::fprintf(out, "hub: %s\n", step.detail.c_str());
            return true;
        }
        if (step.name == "auth" && step.outcome == StepOutcome::Fail && step.reason != "auth.no_answer") {
            std::fprintf(out, "hub: the token is refused: %s. Fix: %s\n", step.detail.c_str(), step.fix.c_str());
            return false;
        }
    }
    const ConnectionStep* failed = report.firstFailure();
    std::fprintf(out, "hub: the token was not checked: the hub cannot be reached (%s: %s); `otklik-kiosk diagnose` says more\n",
                 failed ? failed->name.c_str() : "?", failed ? failed->detail.c_str() : "no answer");
    return true;
}

}  // namespace otklik::cli
