// The kiosk's subcommands on the command line (export, status, requeue, enrol, diagnose, and
// set-pin to come), registered on main's CLI11 parser and run after parsing, so main.cpp keeps
// to starting the kiosk itself. Each returns the process exit code (docs/technician.md).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "kiosk/config/device_config.h"

namespace CLI {
class App;
}

namespace otklik::cli {

class Subcommands {
public:
    // `defaults`: the built-in device config (assets and data folder of this build).
    explicit Subcommands(DeviceConfig defaults);
    ~Subcommands();
    // Adds every subcommand to `app`; call before parsing.
    void add(CLI::App& app);
    // After parsing: the exit code of the subcommand given, or nullopt when none was.
    [[nodiscard]] std::optional<int> run();

private:
    struct Options;
    DeviceConfig defaults_;
    std::unique_ptr<Options> o_;
};

}  // namespace otklik::cli
