// Whole-file reading for configuration and asset files, and durable whole-file replacement.
#pragma once

#include <optional>
#include <string>

namespace otklik {

// Contents of the file, or nullopt with `error` set to a sentence naming the cause.
std::optional<std::string> readWholeFile(const std::string& path, std::string& error);

// Replaces the file with `bytes` so that a crash or power cut at any moment leaves either the
// old file or the new one, never a torn one: writes `path`.tmp, fsyncs it, renames it over
// `path`, fsyncs the folder. The file gets exactly `mode` (0600 for secrets: only its owner
// reads it). False with `error` set (a sentence naming the cause) on failure; the old file is
// then untouched.
[[nodiscard]] bool writeFileDurably(const std::string& path, const std::string& bytes, std::string& error, unsigned mode = 0644);

}  // namespace otklik
