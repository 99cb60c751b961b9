// The headless script language (docs/headless.md): one step per line, "#" starts a comment.
//   tap ID | wait MS | shot FILE.png | tree FILE.json | expect SCREEN | wait-config MS
//   service-gesture | type CHARS
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace otklik {

struct ScriptStep {
    enum class Kind { Tap, Wait, Shot, Tree, Expect, WaitConfig, ServiceGesture, Type };
    Kind kind = Kind::Tap;
    std::string argument;  // id, file, screen name, or the characters to type
    int64_t ms = 0;        // wait, wait-config
    int line = 0;          // 1-based, for messages
};

struct ScriptParse {
    std::vector<ScriptStep> steps;
    std::string error;  // "script.txt:4: ..." when the script is bad
};

ScriptParse parseScript(const std::string& text, const std::string& file);
ScriptParse loadScript(const std::string& path);

}  // namespace otklik
