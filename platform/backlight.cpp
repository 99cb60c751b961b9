// The sysfs backlight (see backlight.h).
#include "backlight.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace otklik {

namespace fs = std::filesystem;

namespace {

std::optional<long> readNumber(const std::string& path) {
    std::ifstream in(path);
    long value = -1;
    if (in >> value && value >= 0) return value;
    return std::nullopt;
}

}  // namespace

std::string findBacklight(const std::string& configured) {
    if (!configured.empty()) return configured;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/sys/class/backlight", ec)) return entry.path().string();
    return "";
}

std::optional<int> backlightPercent(const std::string& device) {
    if (device.empty()) return std::nullopt;
    auto now = readNumber(device + "/brightness"), max = readNumber(device + "/max_brightness");
    if (!now || !max || *max <= 0) return std::nullopt;
    return static_cast<int>(std::clamp<long>((*now * 100 + *max / 2) / *max, 0, 100));
}

bool backlightWritable(const std::string& device) {
    return !device.empty() && ::access((device + "/brightness").c_str(), W_OK) == 0 && backlightPercent(device).has_value();
}

bool setBacklightPercent(const std::string& device, int percent, std::string& error) {
    auto max = readNumber(device + "/max_brightness");
    if (!max || *max <= 0) {
        error = "no backlight at " + device;
        return false;
    }
    // Never fully dark: a black screen looks broken, and the glass still answers to touch.
    long value = std::max<long>(1, *max * std::clamp(percent, 1, 100) / 100);
    std::ofstream out(device + "/brightness");
    out << value;
    out.flush();
    if (!out) {
        error = "cannot write " + device + "/brightness: " + std::strerror(errno) +
                " (give the kiosk's user write access, e.g. with a udev rule for the backlight)";
        return false;
    }
    return true;
}

}  // namespace otklik
