// otklik-kiosk: the terminal program. The only place that picks concrete parts (SDL display,
// real or simulated clock, response store) and wires them together.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>

#include <nlohmann/json.hpp>

#include "kiosk/app/clock_stamping_store.h"
#include "kiosk/app/delivery.h"
#include "kiosk/app/hub_questionnaire.h"
#include "kiosk/app/service_backend_impl.h"
#include "kiosk/app/kiosk_app.h"
#include "kiosk/app/script.h"
#include "kiosk/config/kiosk_setup.h"
#include "kiosk/config/overrides.h"
#include "kiosk/flow/flow.h"
#include "kiosk/service/pin_guard.h"
#include "kiosk/service/service_mode.h"
#include "kiosk/ui/kiosk_ui.h"
#include "platform/clock.h"
#include "platform/display.h"
#include "platform/instance_lock.h"
#include "platform/log.h"
#include "kiosk/app/recording_store.h"
#include "kiosk/app/settings_from_config.h"
#include "kiosk/cli/hub_commands.h"
#include "kiosk/cli/subcommands.h"
#include "sync/client/outbox.h"
#include "sync/protocol/service_pin.h"

#ifndef OTKLIK_ASSETS_DIR
#error "OTKLIK_ASSETS_DIR must name the default assets folder"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

// Takes the PIN the hub set, when the config carries one and it is newer than the terminal's.
void adoptHubPin(otklik::service::PinGuard& pins, const otklik::HubConfig& config) {
    if (config.servicePinJson.empty()) return;
    auto pin = otklik::pinHashFromJson(nlohmann::json::parse(config.servicePinJson, nullptr, false));
    if (pin) (void)pins.adoptHubPin(*pin);
    else otklik::log::warning("service: the hub's service PIN is not in a form this terminal accepts; the PIN here stays");
}

bool parseSize(const std::string& text, int& w, int& h) {
    std::smatch m;
    static const std::regex pattern(R"((\d{3,4})x(\d{3,4}))");
    if (!std::regex_match(text, m, pattern)) return false;
    w = std::stoi(m[1]);
    h = std::stoi(m[2]);
    return w >= 320 && h >= 240 && w <= 7680 && h <= 7680;
}

struct Options {
    std::string config;
    std::string windowed;
    std::string size;
    std::string script;
    std::string responsesOut;
    bool headless = false;
    bool checkConfig = false;
    bool offline = false;  // --check-config without asking the hub
};

int run(const Options& o, std::chrono::steady_clock::time_point started) {
    using namespace otklik;
    DeviceConfig defaults = defaultDeviceConfig(OTKLIK_ASSETS_DIR, "/var/lib/otklik");
    KioskSetupLoad load = loadKioskSetup(o.config, defaults);
    if (!load.setup) {
        std::fprintf(stderr, "%sThe kiosk cannot start with these files; fix the lines above.\n", load.describe().c_str());
        return kExitBadInput;
    }
    KioskSetup& setup = *load.setup;
    if (o.checkConfig) {
        for (const auto& warning : load.warnings) std::printf("warning: %s\n", warning.c_str());
        if (!load.overridden.empty()) {
            std::printf("overrides from %s/%s (set in service mode):", setup.config.dataDir.c_str(), kOverridesFile);
            for (const auto& what : load.overridden) std::printf(" %s;", what.c_str());
            std::printf("\n");
        }
        std::printf("config OK: terminal %s, questionnaire %s version %s (%zu follow-up questions), languages",
                    setup.config.terminalId.empty() ? "(not enrolled)" : setup.config.terminalId.c_str(), setup.questionnaire.id.c_str(),
                    setup.questionnaire.version.c_str(), setup.questionnaire.questions.size());
        for (const auto& l : setup.config.languages) std::printf(" %s", l.c_str());
        std::printf("\n");
        SystemClock clock;
        return cli::checkHubForCheckConfig(setup, o.offline, clock, stdout) ? kExitOk : kExitBadInput;
    }
    for (const auto& warning : load.warnings) log::warning("start: " + warning);

    DisplayOptions displayOptions;
    displayOptions.headless = o.headless;
    displayOptions.orientation = setup.config.orientation;
    displayOptions.fullscreen = setup.config.fullscreen && o.windowed.empty();
    const std::string& size = o.headless ? (o.size.empty() ? std::string("1920x1080") : o.size) : o.windowed;
    if (!size.empty() && !parseSize(size, displayOptions.width, displayOptions.height)) {
        std::fprintf(stderr, "otklik-kiosk: size \"%s\" is not WIDTHxHEIGHT between 320x240 and 7680x7680, e.g. 1920x1080\n", size.c_str());
        return kExitBadInput;
    }
    if (o.headless && o.script.empty()) {
        std::fprintf(stderr, "otklik-kiosk: --headless needs --script FILE: with no display, nobody could tap\n");
        return kExitBadInput;
    }
    ScriptParse script;
    if (!o.script.empty()) {
        if (!o.headless) {
            std::fprintf(stderr, "otklik-kiosk: --script runs only with --headless\n");
            return kExitBadInput;
        }
        script = loadScript(o.script);
        if (!script.error.empty()) {
            std::fprintf(stderr, "%s\n", script.error.c_str());
            return kExitBadInput;
        }
    }

    std::unique_ptr<Clock> clock;
    if (o.headless) clock = std::make_unique<ManualClock>();  // scripts move time with `wait`
    else clock = std::make_unique<SystemClock>();

    // With a hub, the questionnaire it assigned last (saved in data_dir) if that is still good;
    // chooseStartingQuestionnaire logs which one and why.
    Questionnaire startingQuestionnaire =
        setup.config.hub.url.empty() ? setup.questionnaire : chooseStartingQuestionnaire(setup).questionnaire;
    flow::Flow flow(startingQuestionnaire, flowSettings(setup.config));
    ui::KioskUi ui(setup.strings, uiSettings(setup.config));

    std::string error;
    // One kiosk per data folder, held until the process ends (the outbox has one writer).
    std::string lockWarning;
    auto instance = InstanceLock::acquire(setup.config.dataDir, error, &lockWarning);
    if (!instance) {
        log::error(error);
        return kExitFailed;
    }
    if (!lockWarning.empty()) log::warning("start: " + lockWarning);
    auto display = openSdlDisplay(displayOptions, error);
    if (!display) {
        log::error(error);
        return kExitFailed;
    }
    Outbox outbox(outboxSettings(setup.config), *clock);
    service::PinGuard pins(setup.config.dataDir, *clock);
    // Delivery keeps real time even headless: its waits and timestamps are the network's.
    SystemClock wallClock;
    DeliveryHost delivery(outbox, wallClock);
    delivery.setHooks(DeliveryHooks{
        // The PIN the hub set (`otklik-hub terminal set-pin`) comes hashed with the config.
        [&pins](const HubConfig& config) { adoptHubPin(pins, config); },
        [&pins]() -> std::optional<HeartbeatServiceCounts> {
            service::PinCounters c = pins.counters();
            return HeartbeatServiceCounts{c.attempts, c.failures, c.lockouts, c.entries};
        }});
    // A new config from the hub wakes the sleeping frame loop, which applies it at idle.
    delivery.configMailbox().setOnPosted([screen = display.get()] { screen->wake(); });
    if (!setup.config.hub.url.empty()) {
        if (auto saved = loadSavedHubConfig(setup.config.dataDir, hubConfigValidator(setup.config)).config) adoptHubPin(pins, *saved);
        if (!setup.config.enrolled())
            log::warning("start: this terminal is not enrolled with its hub yet: it keeps every response and delivers them once it "
                         "is (service menu → Enrol, or `otklik-kiosk enrol`)");
    }
    delivery.start(setup.config);
    NotifyingStore notifying(outbox, delivery);
    RecordingStore store(notifying);
    // Outermost, so the outbox, the uploads and --responses-out all see the stamped response.
    ClockStampingStore stamping(store, delivery.clockOffset(), setup.config.hub.clockSuspectAfterS * 1000);
    flow::QrRotation qr(qrSettings(setup.config));
    KioskApp app(flow, ui, *display, *clock, stamping);
    app.setQrRotation(&qr);
    if (qr.signs())
        log::info("QR codes: signed for the hub at " + setup.config.hub.url + ", renewed every " +
                  std::to_string(setup.config.hub.qrRotateS) + " s and after every visitor");
    else if (setup.config.enrolled())
        log::warning("QR code: the static link " + setup.config.qrBaseUrl +
                  " (no [hub] qr_secret); add the qr_secret line of `otklik-hub terminal add` for signed codes the hub accepts");
    std::unique_ptr<HubQuestionnaireUpdates> questionnaireUpdates;
    if (!setup.config.hub.url.empty()) {
        questionnaireUpdates = std::make_unique<HubQuestionnaireUpdates>(delivery.configMailbox(), setup.questionnaire, setup.config);
        app.setQuestionnaireUpdates(questionnaireUpdates.get());
    }
    KioskServiceBackend serviceBackend(ServiceParts{setup.config, outbox, delivery, pins, *clock, flow, qr,
                                                    [screen = display.get()] { screen->wake(); }, [&app] { app.requestExit(); },
                                                    countThisStart(setup.config.dataDir)});
    serviceBackend.questionnaireInUse(flow.questionnaire());
    service::ServiceMode serviceMode(serviceBackend, setup.strings.has("svc.title", setup.config.languages.front()) ? setup.config.languages.front() : "en");
    // The service screens' language buttons: the terminal's languages that have their strings.
    std::vector<std::string> serviceLanguages;
    for (const auto& lang : setup.config.languages)
        if (setup.strings.has("svc.title", lang)) serviceLanguages.push_back(lang);
    if (serviceLanguages.empty()) serviceLanguages.push_back("en");
    app.setService(&serviceMode, serviceLanguages);
    app.setUndeliveredMark([&serviceBackend](bool fresh) { return serviceBackend.undeliveredForAnHour(fresh); });
    app.setOnQuestionnaire([&serviceBackend](const Questionnaire& q) { serviceBackend.questionnaireInUse(q); });
    if (!app.start(error)) {
        log::error(error);
        return kExitFailed;
    }
    auto firstFrameMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    log::info("started: terminal " + setup.config.terminalId + ", " + std::to_string(display->width()) + "x" +
              std::to_string(display->height()) + (o.headless ? " headless" : "") + ", first frame after " +
              std::to_string(firstFrameMs) + " ms");
    int code = o.headless ? app.runScript(script.steps) : app.runInteractive();
    delivery.finish(std::chrono::seconds(3));
    if (!o.responsesOut.empty()) {
        std::ofstream out(o.responsesOut);
        for (const auto& r : store.stored()) out << toJson(r).dump() << "\n";
        if (!out) {
            log::error("cannot write " + o.responsesOut);
            return kExitFailed;
        }
    }
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    auto started = std::chrono::steady_clock::now();
    otklik::log::setProgram("otklik-kiosk");
    CLI::App cli{"otklik-kiosk: the Otklik feedback terminal"};
    Options o;
    cli.add_option("--config", o.config, "Device config (TOML); built-in defaults without it");
    cli.add_option("--windowed", o.windowed, "Run in a window of WIDTHxHEIGHT instead of fullscreen (development)");
    cli.add_flag("--headless", o.headless, "No display: run --script with a simulated clock");
    cli.add_option("--size", o.size, "Picture size WIDTHxHEIGHT when headless (default 1920x1080)");
    cli.add_option("--script", o.script, "Headless script: tap ID, wait MS, shot FILE.png, tree FILE.json, expect SCREEN");
    cli.add_option("--responses-out", o.responsesOut, "After the run, write the responses stored during it as JSON lines");
    cli.add_flag("--check-config", o.checkConfig,
                 "Validate the config, questionnaire and strings, and ask the hub whether it takes the token; exit 0 if usable, 2 if not");
    cli.add_flag("--offline", o.offline, "With --check-config: do not ask the hub");

    otklik::cli::Subcommands subcommands(otklik::defaultDeviceConfig(OTKLIK_ASSETS_DIR, "/var/lib/otklik"));
    subcommands.add(cli);
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? kExitOk : kExitBadInput;
    }
    if (auto code = subcommands.run()) return *code;
    return run(o, started);
}
