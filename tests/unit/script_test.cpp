// The headless script language: good scripts give their steps with line numbers, a bad
// line gives "file:line: message" and no steps at all.
#include <gtest/gtest.h>

#include <filesystem>

#include "kiosk/app/script.h"

using namespace otklik;
namespace fs = std::filesystem;

namespace {

using Kind = ScriptStep::Kind;

struct BadLine {
    const char* what;
    const char* text;
    const char* error;  // the whole error
};

const BadLine kBadLines[] = {
    {"unknown_verb", "tap rate.2\nclick nav.next\n",
     "s.txt:2: unknown step \"click\"; use tap ID, wait MS, shot FILE.png, tree FILE.json, expect SCREEN, wait-config MS, service-gesture or type CHARS"},
    {"verb_in_capitals", "TAP rate.2", "s.txt:1: unknown step \"TAP\"; use tap ID, wait MS, shot FILE.png, tree FILE.json, expect SCREEN, wait-config MS, service-gesture or type CHARS"},
    {"tap_without_id", "tap", "s.txt:1: \"tap\" needs an argument"},
    {"tap_only_comment", "tap # nothing", "s.txt:1: \"tap\" needs an argument"},
    {"two_arguments", "\n\ntap rate.2 rate.3", "s.txt:3: \"tap\" takes one argument, got \"rate.2 rate.3\""},
    {"wait_without_ms", "wait\t", "s.txt:1: \"wait\" needs an argument"},
    {"wait_negative", "wait -1", "s.txt:1: wait needs milliseconds from 0 to 86400000, got \"-1\""},
    {"wait_too_long", "wait 86400001", "s.txt:1: wait needs milliseconds from 0 to 86400000, got \"86400001\""},
    {"wait_overflow", "wait 99999999999999999999999", "s.txt:1: wait needs milliseconds from 0 to 86400000, got \"99999999999999999999999\""},
    {"wait_with_unit", "wait 500ms", "s.txt:1: wait needs milliseconds from 0 to 86400000, got \"500ms\""},
    {"wait_fraction", "wait 1.5", "s.txt:1: wait needs milliseconds from 0 to 86400000, got \"1.5\""},
    {"wait_word", "wait long", "s.txt:1: wait needs milliseconds from 0 to 86400000, got \"long\""},
    {"shot_not_png", "shot idle.jpg", "s.txt:1: shot writes PNG: give a file name ending in .png"},
    {"shot_only_extension", "shot .png", "s.txt:1: shot writes PNG: give a file name ending in .png"},
    {"shot_capital_extension", "shot idle.PNG", "s.txt:1: shot writes PNG: give a file name ending in .png"},
    {"tree_not_json", "tree idle.txt", "s.txt:1: tree writes JSON: give a file name ending in .json"},
    {"tree_only_extension", "tree .json", "s.txt:1: tree writes JSON: give a file name ending in .json"},
    {"expect_unknown_screen", "expect welcome", "s.txt:1: unknown screen \"welcome\"; screens are idle, question, comment, thanks, unavailable and service-pin, service-menu, service-network, service-touch, service-display, service-enrol, service-usb, service-settings"},
    {"wait_config_without_ms", "wait-config", "s.txt:1: \"wait-config\" needs an argument"},
    {"service_gesture_with_argument", "service-gesture now", "s.txt:1: service-gesture takes no argument"},
    {"type_without_characters", "type", "s.txt:1: \"type\" needs an argument"},
    {"wait_config_word", "wait-config soon", "s.txt:1: wait-config needs milliseconds from 0 to 86400000, got \"soon\""},
    {"first_bad_line_wins", "tap a\nwait x\nshot y.jpg", "s.txt:2: wait needs milliseconds from 0 to 86400000, got \"x\""},
    {"crlf_line_numbers", "tap a\r\n\r\nfly b\r\n", "s.txt:3: unknown step \"fly\"; use tap ID, wait MS, shot FILE.png, tree FILE.json, expect SCREEN, wait-config MS, service-gesture or type CHARS"},
};

std::ostream& operator<<(std::ostream& out, const BadLine& c) { return out << c.what; }

class ScriptBadLine : public ::testing::TestWithParam<BadLine> {};

}  // namespace

TEST_P(ScriptBadLine, GivesFileLineAndMessageAndNoSteps) {
    const BadLine& c = GetParam();
    ScriptParse parse;
    ASSERT_NO_THROW(parse = parseScript(c.text, "s.txt"));
    EXPECT_EQ(parse.error, c.error);
    EXPECT_TRUE(parse.steps.empty());
}

INSTANTIATE_TEST_SUITE_P(Lines, ScriptBadLine, ::testing::ValuesIn(kBadLines),
                         [](const ::testing::TestParamInfo<BadLine>& info) { return std::string(info.param.what); });

TEST(Script, WaitConfigTakesMilliseconds) {
    auto parse = parseScript("wait-config 20000\nexpect idle\n", "s.txt");
    ASSERT_EQ(parse.error, "");
    ASSERT_EQ(parse.steps.size(), 2u);
    EXPECT_EQ(parse.steps[0].kind, Kind::WaitConfig);
    EXPECT_EQ(parse.steps[0].ms, 20000);
}

TEST(Script, EveryStepKindWithCommentsAndBlankLines) {
    auto parse = parseScript(R"(# a walk through the visitor screens
tap lang.uk
  tap rate.2   # the face second from the left

wait 700
	wait 0
wait 86400000
shot out/idle-1.png
tree out/idle-1.json
expect question
expect idle
expect comment
expect thanks
expect unavailable
)",
                             "walk.txt");
    ASSERT_EQ(parse.error, "");
    ASSERT_EQ(parse.steps.size(), 12u);
    EXPECT_EQ(parse.steps[0].kind, Kind::Tap);
    EXPECT_EQ(parse.steps[0].argument, "lang.uk");
    EXPECT_EQ(parse.steps[0].line, 2);
    EXPECT_EQ(parse.steps[1].argument, "rate.2");
    EXPECT_EQ(parse.steps[1].line, 3);
    EXPECT_EQ(parse.steps[2].kind, Kind::Wait);
    EXPECT_EQ(parse.steps[2].ms, 700);
    EXPECT_EQ(parse.steps[2].line, 5);
    EXPECT_EQ(parse.steps[3].ms, 0);
    EXPECT_EQ(parse.steps[4].ms, 86400000);
    EXPECT_EQ(parse.steps[5].kind, Kind::Shot);
    EXPECT_EQ(parse.steps[5].argument, "out/idle-1.png");
    EXPECT_EQ(parse.steps[6].kind, Kind::Tree);
    EXPECT_EQ(parse.steps[6].argument, "out/idle-1.json");
    EXPECT_EQ(parse.steps[7].kind, Kind::Expect);
    EXPECT_EQ(parse.steps[7].argument, "question");
    EXPECT_EQ(parse.steps[11].argument, "unavailable");
    EXPECT_EQ(parse.steps[11].line, 14);
}

TEST(Script, HashInsideAWordIsNotAComment) {
    auto parse = parseScript("tap key.#\nshot a#1.png #comment\n#tap skipped", "s.txt");
    ASSERT_EQ(parse.error, "");
    ASSERT_EQ(parse.steps.size(), 2u);
    EXPECT_EQ(parse.steps[0].argument, "key.#");
    EXPECT_EQ(parse.steps[1].argument, "a#1.png");
}

TEST(Script, WindowsLineEndingsAndNoFinalNewline) {
    auto parse = parseScript("tap a\r\nwait 5\r\nexpect idle", "s.txt");
    ASSERT_EQ(parse.error, "");
    ASSERT_EQ(parse.steps.size(), 3u);
    EXPECT_EQ(parse.steps[0].argument, "a");
    EXPECT_EQ(parse.steps[2].argument, "idle");
}

TEST(Script, EmptyScriptHasNoSteps) {
    for (const char* text : {"", "\n\n", "# nothing\n   \n"}) {
        auto parse = parseScript(text, "s.txt");
        EXPECT_EQ(parse.error, "");
        EXPECT_TRUE(parse.steps.empty());
    }
}

TEST(Script, DemoTourParses) {
    auto parse = loadScript((fs::path(OTKLIK_SOURCE_DIR) / "packaging" / "demo" / "tour.script").string());
    ASSERT_EQ(parse.error, "");
    ASSERT_FALSE(parse.steps.empty());
    EXPECT_EQ(parse.steps.front().kind, Kind::Tap);
    EXPECT_EQ(parse.steps.front().line, 3);
}

TEST(Script, MissingFileNamesThePath) {
    auto parse = loadScript("/nonexistent/walk.txt");
    EXPECT_EQ(parse.error, "/nonexistent/walk.txt: cannot open: No such file or directory");
    EXPECT_TRUE(parse.steps.empty());
    parse = loadScript(OTKLIK_TEST_DATA);
    EXPECT_EQ(parse.error, std::string(OTKLIK_TEST_DATA) + ": is a directory, expected a file");
}

TEST(Script, BinaryGarbageIsAnErrorNotACrash) {
    std::string garbage;
    uint32_t x = 99;
    for (int i = 0; i < 4096; ++i) {
        x = x * 1103515245 + 12345;
        garbage += static_cast<char>(x >> 16);
    }
    for (const std::string& text : {garbage, std::string("\0\0\0", 3), std::string(1 << 20, 'x')}) {
        ScriptParse parse;
        ASSERT_NO_THROW(parse = parseScript(text, "s.txt"));
        EXPECT_EQ(parse.error.rfind("s.txt:", 0), 0u) << text.size() << " " << parse.steps.size() << " " << parse.error.substr(0, 200);
        EXPECT_TRUE(parse.steps.empty());
    }
}

TEST(Script, LongScriptsKeepTheirLineNumbers) {
    std::string text;
    for (int i = 0; i < 10000; ++i) text += "tap a\n";
    text += "bad\n";
    auto parse = parseScript(text, "s.txt");
    EXPECT_EQ(parse.error.substr(0, 13), "s.txt:10001: ");
}
