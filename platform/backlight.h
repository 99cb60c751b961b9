// The display's backlight through Linux's sysfs class (/sys/class/backlight/<name>/brightness
// and max_brightness), for the service menu's brightness setting. Where there is none, or the
// kiosk's user may not write it, the setting says "cannot be set here".
#pragma once

#include <optional>
#include <string>

namespace otklik {

// `configured` when given, else the first device under /sys/class/backlight; "" if none.
[[nodiscard]] std::string findBacklight(const std::string& configured);
// The brightness in percent of the maximum; nullopt when it cannot be read.
[[nodiscard]] std::optional<int> backlightPercent(const std::string& device);
// True when the kiosk may set it (the file is writable).
[[nodiscard]] bool backlightWritable(const std::string& device);
// Sets it (1–100 %); false with `error` set otherwise.
[[nodiscard]] bool setBacklightPercent(const std::string& device, int percent, std::string& error);

}  // namespace otklik
