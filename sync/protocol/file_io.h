// Whole-file reading for configuration and asset files.
#pragma once

#include <optional>
#include <string>

namespace otklik {

// Contents of the file, or nullopt with `error` set to a sentence naming the cause.
std::optional<std::string> readWholeFile(const std::string& path, std::string& error);

}  // namespace otklik
