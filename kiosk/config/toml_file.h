// Reading the small TOML files the programs write for the terminal (credentials, setting
// overrides, the USB enrolment file): the file read whole and parsed, with an error that
// names the file and the place it breaks. Internal to otklik_config (it exposes toml++).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

namespace otklik {

// The parsed file, or nullopt with error "<path>: <why>" (unreadable, or not valid TOML).
[[nodiscard]] std::optional<toml::table> readTomlFile(const std::string& path, std::string& error);

// The strings of an array member (others skipped); empty when the key is absent.
[[nodiscard]] std::vector<std::string> tomlStringsAt(const toml::table& table, std::string_view key);

}  // namespace otklik
