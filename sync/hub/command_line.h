// otklik-hub's command line, parsed and run: the product's main() and the tests' hub with a
// shifted clock (tests/support/hub_shifted_clock_main.cpp) share it, so both take the same
// subcommands and flags.
#pragma once

#include <string>

#include "platform/clock.h"

namespace otklik::hub {

// The exit code. `defaultAssetsDir`: serve's --assets default. `serveClock`: null for the
// system clock; otherwise the clock `serve` runs on (tests only).
int runHubCommandLine(int argc, char** argv, const std::string& defaultAssetsDir, const Clock* serveClock);

}  // namespace otklik::hub
