// Everything the kiosk reads at start-up (device config, questionnaire, interface strings),
// loaded and cross-checked in one place so that --check-config and a normal start refuse the
// same mistakes with the same messages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kiosk/config/device_config.h"
#include "sync/protocol/diagnostics.h"
#include "sync/protocol/questionnaire.h"
#include "sync/protocol/strings.h"

namespace otklik {

struct KioskSetup {
    DeviceConfig config;
    Questionnaire questionnaire;
    Strings strings;
};

struct KioskSetupLoad {
    std::optional<KioskSetup> setup;
    std::vector<Problem> problems;  // from every file, in the order they were read
    // What does not stop the kiosk but a technician should hear (an unusable credentials
    // file: the terminal then runs unenrolled and keeps every response). Logged at start and
    // printed by --check-config.
    std::vector<std::string> warnings;
    // The settings changed in service mode that were laid over the config ("idle timeout 60 s").
    std::vector<std::string> overridden;

    [[nodiscard]] std::string describe() const;
};

// configPath empty: built-in defaults. Stops after the device config if it has problems
// (the other paths come from it). Credentials from enrolment (<data_dir>/credentials.toml)
// are laid over the device config.
KioskSetupLoad loadKioskSetup(const std::string& configPath, const DeviceConfig& defaults);

// The cross-checks between a questionnaire and the device config (every language on the
// buttons must be one of the questionnaire's), for the one on disk at start and for one from
// the hub alike. `source` names the questionnaire in the problems.
Problems checkQuestionnaireFits(const Questionnaire& questionnaire, const DeviceConfig& config, const std::string& source);

}  // namespace otklik
