// Parsing of headless scripts.
#include "script.h"

#include <sstream>

#include "sync/protocol/file_io.h"

namespace otklik {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

const char* kScreens[] = {"idle",         "question",        "comment",         "thanks",        "unavailable",
                          "service-pin",  "service-menu",    "service-network", "service-touch", "service-display",
                          "service-enrol", "service-usb",    "service-settings"};

}  // namespace

ScriptParse parseScript(const std::string& text, const std::string& file) {
    ScriptParse out;
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    auto fail = [&](const std::string& message) {
        out.error = file + ":" + std::to_string(lineNo) + ": " + message;
        out.steps.clear();
        return out;
    };
    while (std::getline(in, raw)) {
        ++lineNo;
        // '#' starts a comment only at the start of a word, so ids and file names may hold one;
        // look past such a '#' for a later one that does start a comment ("shot a#1.png # note").
        for (auto hash = raw.find('#'); hash != std::string::npos; hash = raw.find('#', hash + 1)) {
            if (hash == 0 || raw[hash - 1] == ' ' || raw[hash - 1] == '\t') {
                raw.erase(hash);
                break;
            }
        }
        std::string line = trim(raw);
        if (line.empty()) continue;
        auto space = line.find_first_of(" \t");
        std::string verb = line.substr(0, space);
        std::string arg = space == std::string::npos ? "" : trim(line.substr(space));
        ScriptStep step;
        step.line = lineNo;
        step.argument = arg;
        if (verb == "tap") step.kind = ScriptStep::Kind::Tap;
        else if (verb == "wait") step.kind = ScriptStep::Kind::Wait;
        else if (verb == "shot") step.kind = ScriptStep::Kind::Shot;
        else if (verb == "tree") step.kind = ScriptStep::Kind::Tree;
        else if (verb == "expect") step.kind = ScriptStep::Kind::Expect;
        else if (verb == "wait-config") step.kind = ScriptStep::Kind::WaitConfig;
        else if (verb == "service-gesture") step.kind = ScriptStep::Kind::ServiceGesture;
        else if (verb == "type") step.kind = ScriptStep::Kind::Type;
        else
            return fail("unknown step \"" + verb +
                        "\"; use tap ID, wait MS, shot FILE.png, tree FILE.json, expect SCREEN, wait-config MS, service-gesture or type CHARS");
        if (step.kind == ScriptStep::Kind::ServiceGesture) {
            if (!arg.empty()) return fail("service-gesture takes no argument");
            out.steps.push_back(step);
            continue;
        }
        if (arg.empty()) return fail("\"" + verb + "\" needs an argument");
        if (arg.find_first_of(" \t") != std::string::npos) return fail("\"" + verb + "\" takes one argument, got \"" + arg + "\"");
        switch (step.kind) {
            case ScriptStep::Kind::Wait:
            case ScriptStep::Kind::WaitConfig: {
                size_t used = 0;
                long long ms = -1;
                try {
                    ms = std::stoll(arg, &used);
                } catch (...) {
                    used = 0;
                }
                if (used != arg.size() || ms < 0 || ms > 86'400'000)
                    return fail(verb + " needs milliseconds from 0 to 86400000, got \"" + arg + "\"");
                step.ms = ms;
                break;
            }
            case ScriptStep::Kind::Shot:
                if (arg.size() < 5 || arg.substr(arg.size() - 4) != ".png") return fail("shot writes PNG: give a file name ending in .png");
                break;
            case ScriptStep::Kind::Tree:
                if (arg.size() < 6 || arg.substr(arg.size() - 5) != ".json") return fail("tree writes JSON: give a file name ending in .json");
                break;
            case ScriptStep::Kind::Expect: {
                bool known = false;
                for (const char* s : kScreens) known = known || arg == s;
                if (!known)
                    return fail("unknown screen \"" + arg +
                                "\"; screens are idle, question, comment, thanks, unavailable and service-pin, service-menu, "
                                "service-network, service-touch, service-display, service-enrol, service-usb, service-settings");
                break;
            }
            case ScriptStep::Kind::Type:
                if (arg.size() > 64) return fail("type takes at most 64 characters");
                break;
            case ScriptStep::Kind::Tap:
            case ScriptStep::Kind::ServiceGesture: break;
        }
        out.steps.push_back(step);
    }
    return out;
}

ScriptParse loadScript(const std::string& path) {
    std::string error;
    auto text = readWholeFile(path, error);
    if (!text) return ScriptParse{{}, path + ": " + error};
    return parseScript(*text, path);
}

}  // namespace otklik
