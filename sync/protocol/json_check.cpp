// Typed, problem-reporting access to JSON written by people.
#include "json_check.h"

#include "suggest.h"

#include <algorithm>
#include <vector>

namespace otklik::json_check {

namespace {

// Line and column (1-based) of a byte offset, for syntax errors.
std::string lineColumn(const std::string& text, size_t offset) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;  // count characters, not UTF-8 continuation bytes
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::optional<json> parse(const std::string& text, Problems& problems) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, ...: detail"
        auto colon = what.rfind(": ");
        std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
        size_t at = e.byte == 0 ? 0 : e.byte - 1;
        problems.add(lineColumn(text, at), "not valid JSON (" + detail + ")",
                     "correct the JSON syntax there: check for a missing comma, quote or bracket");
        return std::nullopt;
    }
}

std::string join(std::string_view path, std::string_view key) {
    if (path.empty()) return std::string(key);
    std::string out(path);
    out += '.';
    out += key;
    return out;
}

std::string index(std::string_view path, size_t i) {
    return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string typeName(const json& value) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "true/false";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "a whole number";
        case json::value_t::number_float: return "a number";
        case json::value_t::string: return "text";
        case json::value_t::array: return "a list";
        case json::value_t::object: return "an object";
        default: return "an unusable value";
    }
}

void rejectUnknownKeys(const json& obj, std::string_view path,
                       std::initializer_list<std::string_view> allowed, Problems& problems) {
    if (!obj.is_object()) return;
    std::vector<std::string_view> names(allowed.begin(), allowed.end());
    for (const auto& item : obj.items()) {
        const std::string& key = item.key();
        if (std::find(names.begin(), names.end(), key) != names.end()) continue;
        std::string best = closestName(key, names);
        std::string fix = best.empty() ? "remove it; allowed here: " : "did you mean \"" + best + "\"? Allowed here: ";
        problems.add(join(path, key), "unknown field \"" + key + "\"", fix + joinNames(names));
    }
}

std::optional<std::string> text(const json& obj, std::string_view path, std::string_view key,
                                bool required, Problems& problems) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        if (required)
            problems.add(join(path, key), "missing", "add \"" + std::string(key) + "\" with a text value");
        return std::nullopt;
    }
    if (!it->is_string()) {
        problems.add(join(path, key), "is " + typeName(*it) + ", expected text",
                     "put the value in double quotes");
        return std::nullopt;
    }
    return it->get<std::string>();
}

std::optional<long long> integer(const json& obj, std::string_view path, std::string_view key,
                                 bool required, Problems& problems) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        if (required)
            problems.add(join(path, key), "missing", "add \"" + std::string(key) + "\" with a whole number");
        return std::nullopt;
    }
    if (!it->is_number_integer()) {
        problems.add(join(path, key), "is " + typeName(*it) + ", expected a whole number",
                     "write a whole number without quotes");
        return std::nullopt;
    }
    return it->get<long long>();
}

std::optional<bool> boolean(const json& obj, std::string_view path, std::string_view key,
                            Problems& problems) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_boolean()) {
        problems.add(join(path, key), "is " + typeName(*it) + ", expected true or false",
                     "write true or false without quotes");
        return std::nullopt;
    }
    return it->get<bool>();
}

bool isIdentifier(std::string_view s) {
    if (s.empty() || s.size() > 40) return false;
    if (s[0] < 'a' || s[0] > 'z') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool isLanguageCode(std::string_view s) {
    return (s.size() == 2 || s.size() == 3) &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace otklik::json_check
