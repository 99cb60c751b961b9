// The terminal's own settings, from a TOML file a technician edits (documented in
// docs/device-config.md, example in packaging/otklik-kiosk.toml).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/orientation.h"
#include "sync/protocol/diagnostics.h"
#include "sync/protocol/questionnaire.h"

namespace otklik {

struct DeviceConfig {
    std::string file;                        // where it was read from; "" for built-in defaults
    std::string terminalId = "demo-terminal";  // "" with a [hub] url and no terminal_id: not enrolled yet
    LocalizedText centreName;                // per language; one text for all is allowed
    bool centreNameGiven = false;            // set in the file (else the hub's centre, once enrolled, is shown)
    std::vector<std::string> languages = {"ru", "uk", "en"};  // the first is the default
    std::string assetsDir;                   // ui.json, questionnaires, fonts
    std::string questionnairePath;           // default: <assets_dir>/questionnaires/default.json
    std::string dataDir;                     // where responses are kept
    std::string qrBaseUrl = "https://otklik.example.org/q";  // the static QR link, used only without [hub] qr_secret
    int64_t idleTimeoutMs = 30000;
    int64_t thanksMs = 5000;
    int64_t repeatIntervalMs = 600;
    Orientation orientation = Orientation::Auto;
    double diagonalInches = 21.5;
    bool fullscreen = true;
    int64_t keepDeliveredDays = 90;     // delivered responses are pruned after this
    int64_t storageBudgetMb = 512;      // soft limit on the outbox; delivered ones go first above it
    int storageWarnPercent = 80;        // log a warning above this share of the budget

    // [service]: what the technician's service mode uses of the machine.
    struct Service {
        std::string usbDir;     // where a USB stick is mounted; "" = look where udisks2 mounts (/media/<user>/…)
        std::string backlight;  // a /sys/class/backlight/<name> folder; "" = the first there is
    } service;

    // [hub]: where responses are delivered. No url = keep them on the terminal only.
    struct Hub {
        std::string url;                    // https://hub.example.org (the API lives under /api/v1)
        std::string token;                  // from `otklik-hub terminal add`
        std::string caFile;                 // PEM; "" = the system's CAs
        std::vector<std::string> pins;      // "sha256//…" public-key pins: current + backup
        std::string proxy;                  // "" = from the environment (https_proxy)
        int batchSize = 200;
        int64_t startDelayMaxS = 30;        // the first delivery and config pull wait a random 0..this after start
        int64_t clockSuspectAfterS = 120;   // responses made while the clock is further off than this from the hub's are flagged clock_suspect
        bool insecureDevelopmentOnly = false;  // no TLS checks; a red banner on every screen
        std::string qrSecret;               // from `otklik-hub terminal add`: signs the QR codes; "" = static qr_base_url
        int64_t qrRotateS = 60;             // a new QR token this often (and after every visitor)
    } hub;

    [[nodiscard]] const std::string& centreNameIn(const std::string& lang) const;
    // Delivers to a hub and has the credentials to (a token from enrolment or the file).
    [[nodiscard]] bool enrolled() const { return !hub.url.empty() && !hub.token.empty() && !terminalId.empty(); }
};

struct DeviceConfigLoad {
    std::optional<DeviceConfig> config;
    Problems problems;
};

// Built-in defaults: assets from `assetsDir`, data in `dataDir`.
DeviceConfig defaultDeviceConfig(const std::string& assetsDir, const std::string& dataDir);
// Parses TOML over the defaults. Relative paths are taken relative to the file's folder.
DeviceConfigLoad parseDeviceConfig(const std::string& tomlText, const std::string& file,
                                   const DeviceConfig& defaults);
DeviceConfigLoad loadDeviceConfig(const std::string& path, const DeviceConfig& defaults);

const char* toString(Orientation orientation);

}  // namespace otklik
