// Writing TOML by hand for the small files the programs make for people to read (the
// enrolment file, the terminal's credentials and setting overrides): values escaped so any
// text reads back exactly as written. Reading is toml++'s (kiosk/config).
#pragma once

#include <string>
#include <vector>

namespace otklik {

// A TOML basic string: "…" with quotes, backslashes and control characters escaped.
[[nodiscard]] std::string tomlString(const std::string& text);
// ["a", "b"]
[[nodiscard]] std::string tomlStringList(const std::vector<std::string>& items);

}  // namespace otklik
