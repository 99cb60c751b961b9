// The kiosk's subcommands (see subcommands.h).
#include "subcommands.h"

#include <CLI/CLI.hpp>

#include "kiosk/cli/hub_commands.h"
#include "kiosk/cli/outbox_commands.h"
#include "kiosk/cli/service_commands.h"
#include "platform/clock.h"

namespace otklik::cli {

struct Subcommands::Options {
    CLI::App* exportCommand = nullptr;
    ExportOptions exportOptions;
    std::string exportConfig;

    CLI::App* statusCommand = nullptr;
    std::string statusDataDir, statusConfig;
    bool statusJson = false;

    CLI::App* requeueCommand = nullptr;
    std::string requeueDataDir, requeueConfig, requeueSince;
    bool requeueRejected = false;

    CLI::App* enrolCommand = nullptr;
    std::string enrolConfig;
    EnrolOptions enrol;

    CLI::App* diagnoseCommand = nullptr;
    std::string diagnoseConfig;
    bool diagnoseJson = false;

    CLI::App* setPinCommand = nullptr;
    std::string setPinConfig;
};

namespace {

constexpr int kBadInput = 2;

// The data folder: --data-dir, else the config's data_dir, else the default.
std::string dataDirFrom(const std::string& dataDir, const std::string& config, const DeviceConfig& defaults) {
    if (!dataDir.empty()) return dataDir;
    if (config.empty()) return defaults.dataDir;
    auto load = loadDeviceConfig(config, defaults);
    return load.config ? load.config->dataDir : defaults.dataDir;
}

// The clock_suspect threshold for status: [hub] clock_suspect_after_s of --config, else the default.
int64_t clockSuspectAfterMsFrom(const std::string& config, const DeviceConfig& defaults) {
    if (config.empty()) return defaults.hub.clockSuspectAfterS * 1000;
    auto load = loadDeviceConfig(config, defaults);
    return (load.config ? load.config->hub : defaults.hub).clockSuspectAfterS * 1000;
}

// The whole setup for commands that act as this terminal; prints the problems when it is unusable.
std::optional<KioskSetup> setupFrom(const std::string& config, const DeviceConfig& defaults, const char* command) {
    KioskSetupLoad load = loadKioskSetup(config, defaults);
    if (!load.setup) {
        std::fprintf(stderr, "%sotklik-kiosk %s: fix the lines above first\n", load.describe().c_str(), command);
        return std::nullopt;
    }
    for (const auto& warning : load.warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());
    return std::move(load.setup);
}

}  // namespace

Subcommands::Subcommands(DeviceConfig defaults) : defaults_(std::move(defaults)), o_(std::make_unique<Options>()) {}
Subcommands::~Subcommands() = default;

void Subcommands::add(CLI::App& cli) {
    Options& o = *o_;
    o.exportCommand = cli.add_subcommand("export", "Write the stored responses, one per line (read-only; safe while the kiosk runs)");
    o.exportCommand->add_option("--data-dir", o.exportOptions.dataDir, "The kiosk's data folder (default: data_dir of --config)");
    o.exportCommand->add_option("--config", o.exportConfig, "Device config to take data_dir from");
    o.exportCommand->add_option("--format", o.exportOptions.format, "jsonl (default) or csv");
    o.exportCommand->add_option("--state", o.exportOptions.state, "pending, delivered, rejected or all (default)");

    o.requeueCommand = cli.add_subcommand("requeue", "Put rejected responses back for delivery after a fix (stop the kiosk first)");
    o.requeueCommand->add_flag("--rejected", o.requeueRejected, "Requeue the responses the hub rejected")->required();
    o.requeueCommand->add_option("--since", o.requeueSince, "Only those rejected on or after this UTC date (YYYY-MM-DD)");
    o.requeueCommand->add_option("--data-dir", o.requeueDataDir, "The kiosk's data folder (default: data_dir of --config)");
    o.requeueCommand->add_option("--config", o.requeueConfig, "Device config to take data_dir from");

    o.statusCommand = cli.add_subcommand("status", "Counts by delivery state, oldest pending, highest seq, size, storage errors");
    o.statusCommand->add_option("--data-dir", o.statusDataDir, "The kiosk's data folder (default: data_dir of --config)");
    o.statusCommand->add_option("--config", o.statusConfig, "Device config to take data_dir from");
    o.statusCommand->add_flag("--json", o.statusJson, "Machine-readable output");

    o.enrolCommand = cli.add_subcommand("enrol", "Enrol this terminal with the hub: a one-time code (or an enrolment file) for its credentials");
    o.enrolCommand->add_option("--config", o.enrolConfig, "Device config (its [hub] url and ca_file or pins, unless --file names them)")->required();
    o.enrolCommand->add_option("--code", o.enrol.code, "The code from `otklik-hub terminal enrol-code`, XXXX-XXXX");
    o.enrolCommand->add_option("--file", o.enrol.file, "An enrolment file (otklik-enrol.toml from `enrol-code --file`)");

    o.diagnoseCommand = cli.add_subcommand("diagnose", "Test the connection to the hub step by step: dns, tcp, tls, hub, auth, clock");
    o.diagnoseCommand->add_option("--config", o.diagnoseConfig, "Device config")->required();
    o.diagnoseCommand->add_flag("--json", o.diagnoseJson, "Machine-readable output");

    o.setPinCommand = cli.add_subcommand("set-pin", "Set this terminal's service PIN: 6-12 digits read from stdin, stored only as a slow hash");
    o.setPinCommand->add_option("--config", o.setPinConfig, "Device config to take data_dir from")->required();
}

std::optional<int> Subcommands::run() {
    Options& o = *o_;
    SystemClock clock;
    if (*o.exportCommand) {
        o.exportOptions.dataDir = dataDirFrom(o.exportOptions.dataDir, o.exportConfig, defaults_);
        return runExport(o.exportOptions, stdout);
    }
    if (*o.requeueCommand) return runRequeue(dataDirFrom(o.requeueDataDir, o.requeueConfig, defaults_), o.requeueSince, clock.wallMs(), stdout);
    if (*o.statusCommand)
        return runStatus(dataDirFrom(o.statusDataDir, o.statusConfig, defaults_), o.statusJson, clock.wallMs(), stdout,
                         clockSuspectAfterMsFrom(o.statusConfig, defaults_));
    if (*o.enrolCommand) {
        auto setup = setupFrom(o.enrolConfig, defaults_, "enrol");
        return setup ? runEnrol(*setup, o.enrol, clock, stdout) : kBadInput;
    }
    if (*o.diagnoseCommand) {
        auto setup = setupFrom(o.diagnoseConfig, defaults_, "diagnose");
        return setup ? runDiagnose(*setup, o.diagnoseJson, clock, stdout) : kBadInput;
    }
    if (*o.setPinCommand) return runSetPin(dataDirFrom("", o.setPinConfig, defaults_), stdin, stdout);
    return std::nullopt;
}

}  // namespace otklik::cli
