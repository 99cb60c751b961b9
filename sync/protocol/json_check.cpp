// Typed, problem-reporting access to JSON written by people.
#include "json_check.h"

#include "suggest.h"

#include <algorithm>
#include <climits>
#include <cstdint>
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

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one (overlong
// forms and surrogates included, as JSON output refuses them too).
size_t utf8SequenceLength(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    uint32_t code = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[n] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return n;
}

// nlohmann quotes the bytes it choked on; from a binary or non-UTF-8 file those are not
// text, and a problem message must stay printable and storable as JSON, so show them as \xNN.
std::string printable(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (size_t i = 0; i < s.size();) {
        if (size_t n = utf8SequenceLength(s, i)) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            auto c = static_cast<unsigned char>(s[i++]);
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
    return out;
}

}  // namespace

std::optional<json> parse(const std::string& text, Problems& problems) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        problems.add("", "the file is empty",
                     "write the JSON content into it, or restore the file that came with the package");
        return std::nullopt;
    }
    // Windows editors offer "Unicode" (UTF-16) as an encoding; say so instead of quoting bytes.
    if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0) {
        problems.add("line 1, column 1", "the file is UTF-16 text, not UTF-8",
                     "save the file as UTF-8 text: the editor's \"Save as\" offers the encoding");
        return std::nullopt;
    }
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 2: detail";
        // the detail itself may hold ": " (in "last read: '...'"), so cut after the position.
        auto column = what.find(", column ");
        auto colon = what.find(": ", column == std::string::npos ? 0 : column);
        std::string raw = colon == std::string::npos ? what : what.substr(colon + 2);
        std::string detail = printable(raw);
        size_t at = e.byte == 0 ? 0 : e.byte - 1;
        // Bytes that are not UTF-8 mean a binary file or another encoding, not a typo.
        bool encoding = raw.find("UTF-8") != std::string::npos || detail != raw;
        // The slips people make most in JSON get their own advice; nlohmann's detail is
        // written for programmers. The parser stops one token late, so a missing comma shows
        // up at the start of the next line.
        char found = at < text.size() ? text[at] : '\0';
        auto before = at == 0 ? std::string::npos : text.find_last_not_of(" \t\r\n", at - 1);
        bool trailingComma = (found == '}' || found == ']') && before != std::string::npos && text[before] == ',';
        std::string fix = encoding        ? "save the file as UTF-8 text: the editor's \"Save as\" offers the encoding"
                          : found == '/'  ? "JSON files cannot hold comments: remove the text from // or /* on"
                          : found == '\'' ? "write names and texts in double quotes (\"), not single quotes"
                          : trailingComma ? "remove the comma before it: the last entry of a list or object has none"
                                          : "correct the JSON syntax there or just before it: check for a missing comma, quote or bracket";
        problems.add(lineColumn(text, at), "not valid JSON (" + detail + ")", fix);
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
    // get<long long> would wrap such a number round to a negative one and the message would
    // then quote a value the file does not hold.
    if (it->is_number_unsigned() && it->get<unsigned long long>() > static_cast<unsigned long long>(LLONG_MAX)) {
        problems.add(join(path, key), "is " + it->dump() + ", far too large", "write a small whole number");
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
