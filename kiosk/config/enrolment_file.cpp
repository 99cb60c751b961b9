// Reading the enrolment file (see enrolment_file.h).
#include "enrolment_file.h"

#include "kiosk/config/toml_file.h"
#include "sync/protocol/enrol_code.h"

namespace otklik {

std::optional<EnrolmentFile> readEnrolmentFile(const std::string& path, std::string& error) {
    auto parsed = readTomlFile(path, error);
    if (!parsed) return std::nullopt;
    const toml::table& t = *parsed;
    EnrolmentFile f;
    f.path = path;
    f.url = t["url"].value_or(std::string());
    f.code = t["code"].value_or(std::string());
    f.terminalId = t["terminal_id"].value_or(std::string());
    f.expiresAt = t["expires_at"].value_or(std::string());
    f.caPem = t["ca_pem"].value_or(std::string());
    f.pins = tomlStringsAt(t, "pins");
    if (t["format"].value_or(int64_t{0}) != 1) error = "it is not format 1 (made by a newer otklik-hub?)";
    else if (f.url.rfind("https://", 0) != 0 || f.url.find_first_of(" \t\"'<>") != std::string::npos) error = "its url is not an https:// address";
    else if (!normalizeEnrolCode(f.code)) error = "its code is not an enrolment code";
    else if (f.caPem.empty() && f.pins.empty()) error = "it names no CA certificate and no pins, so the hub could not be trusted";
    else if (!f.caPem.empty() && f.caPem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) error = "its ca_pem is not a PEM certificate";
    if (!error.empty()) {
        error = path + ": " + error + " — make a new one with `otklik-hub terminal enrol-code … --file`";
        return std::nullopt;
    }
    return f;
}

}  // namespace otklik
