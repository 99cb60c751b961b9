// Parsing a JSON request body the hub can trust to be bounded: nesting is checked before any
// parser sees the text, and a syntax error becomes a sentence for the 400 reply, not an exception.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace otklik::hub {

constexpr int kMaxJsonDepth = 32;  // responses are 3 levels deep; more is an attack

// True when arrays and objects nest deeper than `limit` (strings skipped).
bool nestsDeeperThan(const std::string& text, int limit);

// nullopt with `error` set ("malformed JSON: ...", "JSON nested deeper than 32 levels").
std::optional<nlohmann::json> parseJson(const std::string& text, std::string& error);

}  // namespace otklik::hub
