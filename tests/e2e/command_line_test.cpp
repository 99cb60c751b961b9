// The kiosk's command line as technicians and scripts use it: --check-config, exit codes,
// and messages that say which file, where, and what to do.
#include <gtest/gtest.h>

#include <fstream>

#include "kiosk_process.h"

using namespace otklik::e2e;

namespace {

int kiosk(const std::vector<std::string>& args, std::string& output, const std::string& dir = ".") {
    std::vector<std::string> argv = {OTKLIK_KIOSK_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, output, dir);
}

}  // namespace

TEST(CommandLine, CheckConfigAcceptsTheShippedExampleAndDemoConfigs) {
    std::string out;
    EXPECT_EQ(kiosk({"--check-config", "--config", std::string(OTKLIK_SOURCE_DIR) + "/packaging/demo/kiosk.toml"}, out), 0) << out;
    EXPECT_NE(out.find("config OK: terminal demo-vladivostok-01"), std::string::npos) << out;
    EXPECT_EQ(kiosk({"--check-config"}, out), 0) << "built-in defaults must be usable: " << out;
}

TEST(CommandLine, CheckConfigRefusesABadFileNamingFileLineAndFix) {
    std::string dir = freshDir("bad_config");
    std::string path = dir + "/kiosk.toml";
    std::ofstream(path) << "terminal_id = \"t 1\"\nlanguages = [\"ru\", \"de\"]\n[timeouts]\nidle_s = 2\nthanks = 5\n";
    std::string out;
    EXPECT_EQ(kiosk({"--check-config", "--config", path}, out), 2);
    EXPECT_NE(out.find(path + ": line 1 (terminal_id)"), std::string::npos) << out;
    EXPECT_NE(out.find("line 4 (timeouts.idle_s): is 2 seconds, allowed 5 to 600"), std::string::npos) << out;
    EXPECT_NE(out.find("unknown setting \"timeouts.thanks\""), std::string::npos) << out;
    EXPECT_NE(out.find("did you mean \"thanks_s\"?"), std::string::npos) << out;
    // Starting for real refuses the same file the same way, before opening any window.
    std::string start;
    EXPECT_EQ(kiosk({"--config", path, "--headless", "--script", "/dev/null"}, start), 2);
    EXPECT_NE(start.find("line 4 (timeouts.idle_s)"), std::string::npos) << start;
}

TEST(CommandLine, LanguageMissingFromTheQuestionnaireIsRefused) {
    std::string dir = freshDir("missing_language");
    std::string path = dir + "/de.toml";
    std::ofstream(path) << "languages = [\"ru\", \"de\"]\nassets_dir = \"" << OTKLIK_SOURCE_DIR << "/assets\"\n";
    std::string out;
    EXPECT_EQ(kiosk({"--check-config", "--config", path}, out), 2);
    EXPECT_NE(out.find("\"de\" is not a language of the questionnaire"), std::string::npos) << out;
    EXPECT_NE(out.find("ui.json: de: language missing"), std::string::npos) << out;
}

TEST(CommandLine, MissingConfigFileIsAClearError) {
    std::string out;
    EXPECT_EQ(kiosk({"--check-config", "--config", "/nonexistent/kiosk.toml"}, out), 2);
    EXPECT_NE(out.find("/nonexistent/kiosk.toml: cannot open: No such file or directory"), std::string::npos) << out;
}

TEST(CommandLine, BadScriptIsExitTwoWithTheLineNumber) {
    auto run = runKiosk("bad_script", "tap rate.1\nwait soon\n");
    EXPECT_EQ(run.exitCode, 2);
    EXPECT_NE(run.log.find("script.txt:2: wait needs milliseconds"), std::string::npos) << run.log;
    EXPECT_TRUE(run.responses.empty());
}

TEST(CommandLine, TapOnSomethingNotOnScreenIsExitOneNamingWhatIs) {
    auto run = runKiosk("missing_id", "tap rate.3\n# a comment line\ntap nav.next\n");
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_NE(run.log.find("script line 3: no element \"nav.next\" on the idle screen; tappable now:"), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("rate.1"), std::string::npos) << run.log;
}

TEST(CommandLine, FailedExpectationIsExitOne) {
    auto run = runKiosk("expect_fails", "expect thanks\n");
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_NE(run.log.find("script line 1: expected the thanks screen, but the idle screen is showing"), std::string::npos) << run.log;
}

TEST(CommandLine, UsageErrorsAreExitTwo) {
    std::string out;
    EXPECT_EQ(kiosk({"--headless"}, out), 2);
    EXPECT_NE(out.find("--headless needs --script"), std::string::npos) << out;
    EXPECT_EQ(kiosk({"--headless", "--size", "99x99", "--script", "/dev/null"}, out), 2);
    EXPECT_NE(out.find("is not WIDTHxHEIGHT"), std::string::npos) << out;
    EXPECT_EQ(kiosk({"--no-such-flag"}, out), 2);
}
