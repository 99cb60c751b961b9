// The technician's commands that talk to the hub: `otklik-kiosk enrol` (a one-time code, or an
// enrolment file, for credentials), `otklik-kiosk diagnose` (the connection test, one line per
// step), and the token check of `--check-config`. Exit codes: 0 done / all passed, 1 a step
// failed or the network did, 2 bad input (a bad config, a wrong code).
#pragma once

#include <cstdio>
#include <string>

#include "kiosk/config/kiosk_setup.h"
#include "platform/clock.h"

namespace otklik::cli {

struct EnrolOptions {
    std::string code;  // as typed
    std::string file;  // an enrolment file (otklik-enrol.toml) instead of, or with, the code
};
int runEnrol(const KioskSetup& setup, const EnrolOptions& options, const Clock& clock, std::FILE* out);

int runDiagnose(const KioskSetup& setup, bool json, const Clock& clock, std::FILE* out);

// The `hub:` line of --check-config: whether the hub takes this terminal's token. False (a
// problem: exit 2) only when the hub answered and refused it; an unreachable hub is said and
// is not a config problem. `offline` skips the network.
bool checkHubForCheckConfig(const KioskSetup& setup, bool offline, const Clock& clock, std::FILE* out);

}  // namespace otklik::cli
