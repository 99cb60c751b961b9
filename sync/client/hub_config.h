// The configuration the hub assigns to this terminal (GET /api/v1/config, docs/delivery.md):
// the questionnaire and the hub's settings, the checks of the reply's shape, and the file the
// terminal keeps it in (<data_dir>/hub-config.json, the one before in hub-config.previous.json).
// The questionnaire's content is judged by the caller's validator (the kiosk's own checks).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace otklik {

inline constexpr const char* kHubConfigFile = "hub-config.json";
inline constexpr const char* kPreviousHubConfigFile = "hub-config.previous.json";

// The hub's `settings` object.
struct HubSettings {
    int heartbeatIntervalS = 300;  // how often the terminal reports its health
    int batchSize = 200;           // the hub's preferred batch size (the device config's [hub] batch_size is used; docs/delivery.md)
    int qrTokenWindowS = 900;      // how long a QR token is accepted
};

struct HubConfig {
    std::string etag;                  // the hub's ETag of this reply; "" if it sent none
    std::string terminalId;            // as the hub knows this terminal (from the token)
    std::string centre;
    std::string questionnaireJson;     // "" = the hub assigns none: the terminal's own questionnaire applies
    std::string questionnaireVersion;  // "" with no questionnaire
    HubSettings settings;
    std::string servicePinJson;        // the technician's PIN the hub set, hashed (service_pin.h); "" = none
    std::string body;                  // the reply as compact JSON with sorted keys: what is saved and compared

    [[nodiscard]] bool hasQuestionnaire() const { return !questionnaireJson.empty(); }
};

// Judges a config's content for this terminal (the kiosk passes its own checks: questionnaire
// parser, languages, interface strings). "" = usable; otherwise every problem in plain words.
using ConfigValidator = std::function<std::string(const HubConfig&)>;

// Reads a 200 reply of GET /api/v1/config. Checks its shape only; nullopt with `error` set
// (what is wrong, in words) when it is not a config reply.
[[nodiscard]] std::optional<HubConfig> parseHubConfig(const std::string& body, const std::string& etag, std::string& error);

// The saved file: {"etag": "…", "config": <the hub's reply>}.
[[nodiscard]] std::string hubConfigFileText(const HubConfig& config);
// Reads a saved file; nullopt with `error` set when it is missing, unreadable or corrupt.
[[nodiscard]] std::optional<HubConfig> loadHubConfigFile(const std::string& path, std::string& error);

// The saved config a terminal starts with: hub-config.json if it is readable and valid, else
// hub-config.previous.json, else none (the terminal's own questionnaire).
struct SavedHubConfig {
    std::optional<HubConfig> config;
    std::string file;                 // the file it came from; "" with none
    std::vector<std::string> skipped; // why each file before it was not used (missing files are not mentioned)
};
[[nodiscard]] SavedHubConfig loadSavedHubConfig(const std::string& dataDir, const ConfigValidator& validator);

}  // namespace otklik
