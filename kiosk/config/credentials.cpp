// Reading and writing <data_dir>/credentials.toml (see credentials.h).
#include "credentials.h"

#include <filesystem>

#include "kiosk/config/qr_check.h"
#include "kiosk/config/toml_file.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/terminal_id.h"
#include "sync/protocol/toml_text.h"

namespace otklik {

std::string credentialsPath(const std::string& dataDir) { return (std::filesystem::path(dataDir) / kCredentialsFile).string(); }

CredentialsLoad loadCredentials(const std::string& dataDir) {
    CredentialsLoad out;
    const std::string path = credentialsPath(dataDir);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    auto parsed = readTomlFile(path, out.error);
    if (!parsed) return out;
    const toml::table& t = *parsed;
    Credentials c;
    c.terminalId = t["terminal_id"].value_or(std::string());
    c.centre = t["centre"].value_or(std::string());
    c.token = t["token"].value_or(std::string());
    c.qrSecret = t["qr_secret"].value_or(std::string());
    c.device = t["device"].value_or(int64_t{0});
    c.enrolledAt = t["enrolled_at"].value_or(std::string());
    c.url = t["url"].value_or(std::string());
    c.caFile = t["ca_file"].value_or(std::string());
    c.pins = tomlStringsAt(t, "pins");
    if (c.terminalId.empty() || c.token.empty()) {
        out.error = path + ": terminal_id or token is missing";
        return out;
    }
    if (!validTerminalId(c.terminalId)) {
        out.error = path + ": \"" + c.terminalId + "\" is not a terminal id";
        return out;
    }
    out.credentials = std::move(c);
    return out;
}

std::string credentialsText(const Credentials& c) {
    std::string out =
        "# This terminal's identity, written by otklik-kiosk at enrolment (docs/technician.md).\n"
        "# Keep it secret: whoever has it can deliver responses as this terminal. Enrol again to replace it.\n";
    out += "terminal_id = " + tomlString(c.terminalId) + "\n";
    out += "centre = " + tomlString(c.centre) + "\n";
    out += "token = " + tomlString(c.token) + "\n";
    out += "qr_secret = " + tomlString(c.qrSecret) + "\n";
    out += "device = " + std::to_string(c.device) + "\n";
    out += "enrolled_at = " + tomlString(c.enrolledAt) + "\n";
    if (!c.url.empty()) out += "url = " + tomlString(c.url) + "\n";
    if (!c.caFile.empty()) out += "ca_file = " + tomlString(c.caFile) + "\n";
    if (!c.pins.empty()) out += "pins = " + tomlStringList(c.pins) + "\n";
    return out;
}

bool saveCredentials(const std::string& dataDir, const Credentials& c, std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    return writeFileDurably(credentialsPath(dataDir), credentialsText(c), error, 0600);
}

void applyCredentials(const Credentials& c, DeviceConfig& config, std::vector<std::string>& warnings) {
    config.terminalId = c.terminalId;
    config.hub.token = c.token;
    config.hub.qrSecret = c.qrSecret;
    if (!c.url.empty()) {
        // A hub named by an enrolment file comes with its own trust, whole: the device
        // config's ca_file or pins belong to the hub the config names.
        config.hub.url = c.url;
        config.hub.caFile = c.caFile;
        config.hub.pins = c.pins;
    }
    if (!config.centreNameGiven && !c.centre.empty()) config.centreName = {{"*", c.centre}};
    if (!config.hub.qrSecret.empty()) {
        Problems budget(credentialsPath(config.dataDir));
        checkQrBudget(config, "qr_secret", budget);
        if (!budget.empty()) {
            warnings.push_back(budget.describe() + " — the QR code shows the static qr_base_url link until this is fixed");
            config.hub.qrSecret.clear();
        }
    }
}

}  // namespace otklik
