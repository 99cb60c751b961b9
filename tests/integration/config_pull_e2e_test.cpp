// End to end: a questionnaire assigned with `otklik-hub questionnaire set --terminal` reaches
// the real otklik-kiosk (headless) over HTTPS through the config pull; the next response is
// answered under it and carries its version to the hub; after a restart the kiosk starts with
// the saved config. A questionnaire the terminal cannot show is refused and the old one kept.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sync/protocol/file_io.h"
#include "tests/integration/hub_process.h"
#include "tests/integration/kiosk_run.h"

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {
namespace {

using json = nlohmann::json;

// No start-up delay, so the first config pull comes at once.

std::string defaultVersion() {
    std::string error;
    return json::parse(readWholeFile(OTKLIK_SOURCE_DIR "/assets/questionnaires/default.json", error).value_or("{}"))["version"];
}

// Drops every translation into `language` (a text map's key with a string value).
void dropLanguage(json& node, const std::string& language) {
    if (node.is_object()) {
        if (node.contains(language) && node[language].is_string()) node.erase(language);
        for (auto& [key, child] : node.items()) dropLanguage(child, language);
    } else if (node.is_array()) {
        for (auto& child : node) dropLanguage(child, language);
    }
}

// The default questionnaire as `version`, written to `dir`; in `languages` only if given.
std::string writeQuestionnaire(const std::string& dir, const std::string& version, const std::vector<std::string>& languages = {}) {
    std::string error;
    json q = json::parse(readWholeFile(OTKLIK_SOURCE_DIR "/assets/questionnaires/default.json", error).value_or("{}"));
    q["version"] = version;
    if (!languages.empty()) {
        for (const auto& code : q["languages"].get<std::vector<std::string>>())
            if (std::find(languages.begin(), languages.end(), code) == languages.end()) dropLanguage(q, code);
        q["languages"] = languages;
    }
    std::string path = dir + "/questionnaire-" + version + ".json";
    std::ofstream(path) << q.dump(2);
    return path;
}

std::string writeScript(const std::string& dir, const std::string& name, const std::string& steps) {
    std::string path = dir + "/" + name;
    std::ofstream(path) << steps;
    return path;
}

std::vector<json> responses(const std::string& path) {
    std::string error;
    return jsonLines(readWholeFile(path, error).value_or(""));
}

const char* kOneVisitor = "tap rate.4\nwait 700\ntap nav.finish\nwait 6000\nexpect idle\n";

TEST(ConfigPullEndToEnd, AQuestionnaireSetOnTheHubIsAnsweredOnTheKiosk) {
    std::string dir = freshDir("config-pull-e2e");
    std::string db = dir + "/hub.db";
    Enrolled terminal = enrol(db, "cfg-01", "МФЦ Находка");
    CommandResult set = hubCommand(db, {"questionnaire", "set", "--terminal", "cfg-01", writeQuestionnaire(dir, "2027-01-15.1")});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string config = writeKioskConfig(dir, "cfg-01", hub.url(""), terminal.token, hub.pki().caCert, kNoStartDelay);

    // Wait for the config, then a visitor: answered under the hub's questionnaire.
    std::string script = writeScript(dir, "first.script", std::string("wait-config 20000\nwait 10\nexpect idle\n") + kOneVisitor);
    CommandResult run = runKiosk(config, script, dir + "/first.jsonl");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_NE(run.err.find("version \"2027-01-15.1\" is in use from now on"), std::string::npos) << run.err;
    auto first = responses(dir + "/first.jsonl");
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0]["questionnaire_version"], "2027-01-15.1");
    EXPECT_TRUE(std::filesystem::exists(dir + "/data/hub-config.json"));
    // The hub has it with that version too (the kiosk pushes what is pending as it stops).
    auto atHub = hubExport(db);
    ASSERT_EQ(atHub.size(), 1u);
    EXPECT_EQ(atHub[0]["questionnaire_version"], "2027-01-15.1");

    // A restart begins with the saved config, before any pull.
    std::string second = writeScript(dir, "second.script", kOneVisitor);
    CommandResult again = runKiosk(config, second, dir + "/second.jsonl");
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.err.find("version \"2027-01-15.1\", the hub's, saved in"), std::string::npos) << again.err;
    auto later = responses(dir + "/second.jsonl");
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0]["questionnaire_version"], "2027-01-15.1");
}

TEST(ConfigPullEndToEnd, AQuestionnaireTheTerminalCannotShowIsRefusedAndTheOldOneKept) {
    std::string dir = freshDir("config-pull-e2e-refused");
    std::string db = dir + "/hub.db";
    Enrolled terminal = enrol(db, "cfg-02", "ЦНАП Львів");
    // Valid for the hub, but without the Ukrainian this terminal's buttons offer.
    std::string ruEn = writeQuestionnaire(dir, "ru-en-1", {"ru", "en"});
    CommandResult set = hubCommand(db, {"questionnaire", "set", "--terminal", "cfg-02", ruEn});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string config = writeKioskConfig(dir, "cfg-02", hub.url(""), terminal.token, hub.pki().caCert, kNoStartDelay);
    // No config arrives for the screen; the visitor answers the terminal's own questionnaire.
    std::string script = writeScript(dir, "refused.script", std::string("wait-config 3000\n"));
    CommandResult waited = runKiosk(config, script, dir + "/none.jsonl");
    EXPECT_EQ(waited.exitCode, 1) << "wait-config fails when nothing usable arrives";
    EXPECT_NE(waited.err.find("config pull: the hub's new config is refused"), std::string::npos) << waited.err;
    EXPECT_NE(waited.err.find("\"uk\" is not a language of the questionnaire"), std::string::npos) << waited.err;
    CommandResult run = runKiosk(config, writeScript(dir, "visitor.script", kOneVisitor), dir + "/own.jsonl");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    auto own = responses(dir + "/own.jsonl");
    ASSERT_EQ(own.size(), 1u);
    EXPECT_EQ(own[0]["questionnaire_version"], defaultVersion());
    EXPECT_FALSE(std::filesystem::exists(dir + "/data/hub-config.json"));
}

}  // namespace
}  // namespace otklik::test
