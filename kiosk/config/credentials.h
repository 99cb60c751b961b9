// The terminal's identity from enrolment: <data_dir>/credentials.toml, written atomically with
// mode 0600 (only the kiosk's user reads it), and laid over the device config at start, where
// it takes precedence over [hub] token / qr_secret and terminal_id (docs/technician.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/config/device_config.h"

namespace otklik {

inline constexpr const char* kCredentialsFile = "credentials.toml";

struct Credentials {
    std::string terminalId;
    std::string centre;         // as the hub knows it (shown when the config names no centre)
    std::string token;
    std::string qrSecret;
    int64_t device = 0;         // which device of the terminal id this is (the hub's number)
    std::string enrolledAt;     // UTC, for the service screen
    // Only when an enrolment file named the hub (kept through later enrolments by typed
    // code); the url comes with its trust, whole, over the config's [hub] (else the config's):
    std::string url;
    std::string caFile;
    std::vector<std::string> pins;
};

[[nodiscard]] std::string credentialsPath(const std::string& dataDir);

struct CredentialsLoad {
    std::optional<Credentials> credentials;  // nullopt: none (never enrolled) or unusable
    std::string error;                       // why an existing file is unusable ("" if none exists)
};
[[nodiscard]] CredentialsLoad loadCredentials(const std::string& dataDir);

// The file's text (for tests and the kill test).
[[nodiscard]] std::string credentialsText(const Credentials& credentials);
// Replaces the file atomically (old or new survives a crash, never a torn one), mode 0600.
[[nodiscard]] bool saveCredentials(const std::string& dataDir, const Credentials& credentials, std::string& error);

// Lays the credentials over the config. A signed QR URL that no longer fits (a long id from
// the hub) turns QR signing off with a `warning` rather than stopping the terminal.
void applyCredentials(const Credentials& credentials, DeviceConfig& config, std::vector<std::string>& warnings);

}  // namespace otklik
