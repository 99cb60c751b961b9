// The real otklik-kiosk in integration tests: a device config delivering to a test hub, a
// script of visitors, and a headless run of the binary.
#pragma once

#include <string>

#include "tests/integration/hub_process.h"

namespace otklik::test {

// A kiosk config in `dir` (data in dir/data) for `terminal`, delivering to `hubUrl` with
// `token` and trusting `caFile`; `extraHub` is more TOML for the [hub] table.
std::string writeKioskConfig(const std::string& dir, const std::string& terminal, const std::string& hubUrl, const std::string& token,
                             const std::string& caFile, const std::string& extraHub = "");

// A script file `dir/name` of `visitors` visitors: a face, Finish, the thank-you runs out.
std::string writeVisitorScript(const std::string& dir, const std::string& name, int visitors);

// More [hub] TOML for writeKioskConfig: the first delivery at once (no random start delay).
inline constexpr const char* kNoStartDelay = "start_delay_max_s = 0\n";

// `otklik-kiosk export --config CONFIG` as JSON objects (every state); fails the test if it fails.
std::vector<nlohmann::json> kioskExport(const std::string& config);

// The kiosk headless at 800x480 running `script`; with `responsesOut`, the responses it
// stored are written there as JSON lines.
CommandResult runKiosk(const std::string& config, const std::string& script, const std::string& responsesOut = "");

}  // namespace otklik::test
