// Typed reading of JSON objects written by people: every missing field, wrong type or
// unknown key becomes a Problem with the JSON path, instead of an exception or a crash.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "diagnostics.h"

namespace otklik::json_check {

using nlohmann::json;

// Parses text, reporting a syntax error as "line L, column C". Returns nullopt on error.
std::optional<json> parse(const std::string& text, Problems& problems);

// "questions[2]" + "id" -> "questions[2].id"; "" + "id" -> "id".
std::string join(std::string_view path, std::string_view key);
std::string index(std::string_view path, size_t i);

// Name of a JSON value's type in words a technician knows ("a number", "text", ...).
std::string typeName(const json& value);

// Reports every key of obj that is not in allowed, suggesting the closest allowed name.
void rejectUnknownKeys(const json& obj, std::string_view path,
                       std::initializer_list<std::string_view> allowed, Problems& problems);

// Field readers. A missing required field or a wrong type adds a problem and returns nullopt.
std::optional<std::string> text(const json& obj, std::string_view path, std::string_view key,
                                bool required, Problems& problems);
std::optional<long long> integer(const json& obj, std::string_view path, std::string_view key,
                                 bool required, Problems& problems);
std::optional<bool> boolean(const json& obj, std::string_view path, std::string_view key,
                            Problems& problems);

// Identifiers used in element ids and on the wire: 1-40 of [a-z0-9_-], starting with a letter.
bool isIdentifier(std::string_view s);
// Language codes: two or three lowercase letters (ISO 639-1 or 639-2).
bool isLanguageCode(std::string_view s);

}  // namespace otklik::json_check
