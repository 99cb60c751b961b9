// The settings a technician changed from the service menu, kept apart from the hand-edited
// device config: <data_dir>/overrides.toml, replaced atomically, laid over the device config at
// every start and reported by --check-config (docs/technician.md, "Settings").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kiosk/config/device_config.h"

namespace otklik {

inline constexpr const char* kOverridesFile = "overrides.toml";

struct Overrides {
    std::optional<std::string> firstLanguage;  // one of the config's languages, moved to the front
    std::optional<Orientation> orientation;
    std::optional<int> idleS;                  // 5–600
    std::optional<int> brightnessPercent;      // 1–100, where the backlight can be set

    [[nodiscard]] bool empty() const { return !firstLanguage && !orientation && !idleS && !brightnessPercent; }
};

struct OverridesLoad {
    Overrides overrides;
    std::string error;  // the file exists but is unusable: it is then ignored
};
[[nodiscard]] OverridesLoad loadOverrides(const std::string& dataDir);
[[nodiscard]] bool saveOverrides(const std::string& dataDir, const Overrides& overrides, std::string& error);

// Lays them over the config; a value the config cannot take (a language it does not offer)
// is left out with a `warning`. Returns what was applied, for --check-config and the log.
std::vector<std::string> applyOverrides(const Overrides& overrides, DeviceConfig& config, std::vector<std::string>& warnings);

}  // namespace otklik
