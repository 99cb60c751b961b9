// The enrolment file a technician brings on a USB stick (`otklik-hub terminal enrol-code
// --file`, named otklik-enrol.toml on the stick): the hub's address, how to trust it (its CA
// certificate or public-key pins) and the one-time code. Read, checked, never executed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace otklik {

inline constexpr const char* kEnrolmentFileName = "otklik-enrol.toml";

struct EnrolmentFile {
    std::string path;
    std::string url;                // https://…
    std::string code;               // as printed, XXXX-XXXX
    std::string terminalId;         // informational: whom the code enrols
    std::string expiresAt;          // informational
    std::string caPem;              // "" with pins only
    std::vector<std::string> pins;
};

// nullopt with `error` set (what is wrong with the file, in words) when it is unusable.
[[nodiscard]] std::optional<EnrolmentFile> readEnrolmentFile(const std::string& path, std::string& error);

}  // namespace otklik
