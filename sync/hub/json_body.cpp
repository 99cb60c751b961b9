// Bounded JSON parsing of request bodies (see json_body.h).
#include "json_body.h"

namespace otklik::hub {

// Checked before parsing, so a million '[' never reach the parser's or the destructor's recursion.
bool nestsDeeperThan(const std::string& text, int limit) {
    int depth = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

std::optional<nlohmann::json> parseJson(const std::string& text, std::string& error) {
    if (nestsDeeperThan(text, kMaxJsonDepth)) {
        error = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return std::nullopt;
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        error = std::string("malformed JSON: ") + e.what();
    }
    return std::nullopt;
}

}  // namespace otklik::hub
