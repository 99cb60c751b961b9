// Reading, writing and applying overrides.toml (see overrides.h).
#include "overrides.h"

#include <algorithm>
#include <filesystem>

#include "kiosk/config/toml_file.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/toml_text.h"

namespace otklik {

namespace {

std::string pathIn(const std::string& dataDir) { return (std::filesystem::path(dataDir) / kOverridesFile).string(); }

std::optional<Orientation> orientationFrom(const std::string& name) {
    if (name == "auto") return Orientation::Auto;
    if (name == "landscape") return Orientation::Landscape;
    if (name == "portrait") return Orientation::Portrait;
    return std::nullopt;
}

}  // namespace

OverridesLoad loadOverrides(const std::string& dataDir) {
    OverridesLoad out;
    const std::string path = pathIn(dataDir);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    auto parsed = readTomlFile(path, out.error);
    if (!parsed) {
        out.error += "; the settings changed in service mode are not used";
        return out;
    }
    const toml::table& t = *parsed;
    Overrides& o = out.overrides;
    if (auto v = t["first_language"].value<std::string>()) o.firstLanguage = *v;
    if (auto v = t["orientation"].value<std::string>()) o.orientation = orientationFrom(*v);
    if (auto v = t["idle_s"].value<int64_t>(); v && *v >= 5 && *v <= 600) o.idleS = static_cast<int>(*v);
    if (auto v = t["brightness_percent"].value<int64_t>(); v && *v >= 1 && *v <= 100) o.brightnessPercent = static_cast<int>(*v);
    return out;
}

bool saveOverrides(const std::string& dataDir, const Overrides& o, std::string& error) {
    std::string text = "# Settings changed in the terminal's service mode (docs/technician.md). They override the\n"
                       "# device config; delete this file to go back to it.\n";
    if (o.firstLanguage) text += "first_language = " + tomlString(*o.firstLanguage) + "\n";
    if (o.orientation) text += std::string("orientation = \"") + toString(*o.orientation) + "\"\n";
    if (o.idleS) text += "idle_s = " + std::to_string(*o.idleS) + "\n";
    if (o.brightnessPercent) text += "brightness_percent = " + std::to_string(*o.brightnessPercent) + "\n";
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    return writeFileDurably(pathIn(dataDir), text, error);
}

std::vector<std::string> applyOverrides(const Overrides& o, DeviceConfig& c, std::vector<std::string>& warnings) {
    std::vector<std::string> applied;
    if (o.firstLanguage) {
        auto it = std::find(c.languages.begin(), c.languages.end(), *o.firstLanguage);
        if (it == c.languages.end()) {
            warnings.push_back("overrides: first_language \"" + *o.firstLanguage + "\" is not one of the device config's languages; ignored");
        } else {
            std::rotate(c.languages.begin(), it, it + 1);
            applied.push_back("first language " + *o.firstLanguage);
        }
    }
    if (o.orientation) {
        c.orientation = *o.orientation;
        applied.push_back(std::string("orientation ") + toString(*o.orientation));
    }
    if (o.idleS) {
        c.idleTimeoutMs = int64_t{*o.idleS} * 1000;
        applied.push_back("idle timeout " + std::to_string(*o.idleS) + " s");
    }
    if (o.brightnessPercent) applied.push_back("brightness " + std::to_string(*o.brightnessPercent) + "%");
    return applied;
}

}  // namespace otklik
