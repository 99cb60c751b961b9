// Service mode in the real kiosk, headless: the gesture opens it (and only the gesture: a
// short hold or a stray tap does not), an open response is stored as partial first, the PIN
// pad counts a wrong PIN, every service screen keeps the layout rules in ru, uk and en at the
// product's extreme sizes, the menu lists every status field, the touch test reports dead
// cells, a terminal without a PIN opens for enrolment only, settings go to the overrides
// file that --check-config reports, the USB export writes CSV, JSONL and checked sums, and the
// idle screen's mark appears once nothing was delivered for an hour.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "kiosk_process.h"
#include "layout_check.h"

using namespace otklik::e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPin = "482915";

// A device config in `dir` (data in dir/data) with the service PIN set the way a technician
// sets it: `otklik-kiosk set-pin`, the PIN on stdin.
std::string configWithPin(const std::string& dir, const std::string& extraToml = "", double inches = 21.5) {
    std::string config = writeConfig(dir, extraToml, inches);
    std::string out;
    int code = runCommand({"/bin/sh", "-c", std::string("printf '") + kPin + "\\n' | '" + OTKLIK_KIOSK_BINARY + "' set-pin --config '" + config + "'"},
                          out);
    EXPECT_EQ(code, 0) << out;
    return config;
}

const json* element(const json& tree, const std::string& id) {
    for (const auto& e : tree["elements"])
        if (e["id"] == id) return &e;
    return nullptr;
}

std::string label(const json& tree, const std::string& id) {
    const json* e = element(tree, id);
    return e ? (*e)["label"].get<std::string>() : "(no " + id + ")";
}

// Into the menu from the idle screen, then every screen of the menu with a tree of each
// (named <screen>-<lang>.json), and back.
std::string walkEveryScreen(const std::string& lang) {
    std::string s = "tap lang." + lang + "\nwait 100\ntree menu-" + lang + ".json\n";
    for (const char* screen : {"network", "touch", "display", "enrol", "usb", "settings"})
        s += std::string("tap menu.") + screen + "\nwait 50\ntree " + screen + "-" + lang + ".json\ntap service.back\nexpect service-menu\n";
    s += "tap menu.pin\ntree newpin-" + lang + ".json\ntap pin.cancel\nexpect service-menu\n";
    return s;
}

struct Size {
    const char* size;
    double inches;
    double minKeyMm;
};

void PrintTo(const Size& s, std::ostream* os) { *os << s.size << " at " << s.inches << "\""; }

class ServiceScreens : public ::testing::TestWithParam<Size> {};

}  // namespace

TEST_P(ServiceScreens, EveryScreenInEveryLanguageKeepsTheLayoutRules) {
    Size s = GetParam();
    std::string name = std::string("service_") + s.size + "_" + std::to_string(static_cast<int>(s.inches));
    std::string dir = freshDir(name + "_cfg");
    // A hub that refuses at once: the connection test fails at tcp, quickly.
    std::string config = configWithPin(dir, "[hub]\nurl = \"https://127.0.0.1:9\"\ntoken = \"otk_test\"\n", s.inches);
    std::string script = "service-gesture\nexpect service-pin\ntree pin-ru.json\ntype 111111\ntap pin.ok\ntree pin-wrong.json\n"
                         "type " + std::string(kPin) + "\ntap pin.ok\nexpect service-menu\n" +
                         walkEveryScreen("ru") + walkEveryScreen("uk") + walkEveryScreen("en") +
                         "tap menu.touch\ntap touch.0.0\ntap touch.done\ntree touch-done.json\nshot touch-done.png\ntap service.back\n"
                         "tap menu.leave\nexpect idle\n";
    auto run = runKiosk(name, script, {"--size", s.size, "--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;

    for (const char* lang : {"ru", "uk", "en"})
        for (const char* screen : {"menu", "network", "touch", "display", "enrol", "usb", "settings", "newpin"}) {
            std::string file = std::string(screen) + "-" + lang + ".json";
            json tree = run.tree(file);
            EXPECT_EQ(tree["language"], lang) << file;
            checkTree(tree, std::string(s.size) + " " + file, s.inches, s.minKeyMm);
        }
    checkTree(run.tree("pin-ru.json"), "pin-ru.json", s.inches, s.minKeyMm);
    EXPECT_EQ(run.tree("pin-ru.json")["screen"], "service-pin");
    for (const char* key : {"pin.0", "pin.9", "pin.ok", "pin.clear", "pin.cancel"}) EXPECT_TRUE(element(run.tree("pin-ru.json"), key)) << key;
    EXPECT_NE(label(run.tree("pin-wrong.json"), "service.notice").find("Неверный PIN"), std::string::npos);
    EXPECT_NE(label(run.tree("pin-wrong.json"), "service.notice").find("4"), std::string::npos) << "four tries left";

    // The status at a glance, every field named in the tree, in the technician's language.
    json menu = run.tree("menu-uk.json");
    for (const char* field : {"terminal", "centre", "version", "ip", "hub", "last_delivery", "last_error", "connection", "pending", "clock",
                              "disk", "certificate", "uptime", "restarts", "lockouts"})
        EXPECT_TRUE(element(menu, std::string("status.") + field)) << field;
    EXPECT_NE(label(menu, "status.terminal").find("Термінал: test-terminal-07"), std::string::npos) << label(menu, "status.terminal");
    EXPECT_NE(label(menu, "status.lockouts").find("0"), std::string::npos);
    EXPECT_EQ(run.tree("network-en.json")["screen"], "service-network");
    EXPECT_EQ(label(run.tree("network-en.json"), "network.tcp").rfind("FAIL tcp:", 0), 0u) << label(run.tree("network-en.json"), "network.tcp");
    for (const char* key : {"code.0", "code.Z", "code.ok", "code.backspace", "code.usb"}) EXPECT_TRUE(element(run.tree("enrol-ru.json"), key)) << key;
    EXPECT_EQ(run.tree("newpin-ru.json")["screen"], "service-pin");

    // The touch test: the one cell touched lit, the others reported.
    json touch = run.tree("touch-done.json");
    EXPECT_EQ(label(touch, "touch.0.0"), "reached");
    EXPECT_EQ(label(touch, "touch.1.1"), "not reached");
    EXPECT_NE(label(touch, "service.notice").find("cells never responded"), std::string::npos) << label(touch, "service.notice");
    EXPECT_NE(run.log.find("touch test: 1 of"), std::string::npos) << run.log;
}

INSTANTIATE_TEST_SUITE_P(Sizes, ServiceScreens,
                         ::testing::Values(Size{"1920x1080", 21.5, 15}, Size{"1080x1920", 21.5, 15}, Size{"800x480", 7.0, 10},
                                           Size{"480x800", 7.0, 10}),
                         [](const auto& info) {
                             std::string n = std::string(info.param.size) + "_" + std::to_string(static_cast<int>(info.param.inches)) + "in";
                             for (auto& c : n)
                                 if (c == 'x') c = '_';
                             return n;
                         });

TEST(ServiceMode, OnlyTheWholeGestureOpensItAndAnOpenResponseIsKeptFirst) {
    std::string dir = freshDir("service_gesture_cfg");
    std::string config = configWithPin(dir);
    // A visitor mid-questionnaire: the gesture stores the answers so far before the pad shows.
    auto run = runKiosk("service_gesture", "tap rate.2\nwait 700\nexpect question\nservice-gesture\nexpect service-pin\n", {"--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    ASSERT_EQ(run.responses.size(), 1u);
    EXPECT_EQ(run.responses[0]["status"], "partial");
    EXPECT_EQ(run.responses[0]["answers"]["overall"], 2);

    // A tap in the top-right corner alone is the visitor's (it toggles the large mode), and
    // nothing opens; a held corner without the second tap opens nothing either.
    auto stray = runKiosk("service_stray", "tap a11y.large\ntree large.json\nwait 5000\nexpect idle\n", {"--config", config});
    ASSERT_EQ(stray.exitCode, 0) << stray.log;
    EXPECT_EQ(stray.tree("large.json")["large_text"], true);
}

TEST(ServiceMode, WithoutAPinOnlyEnrolmentOpens) {
    std::string dir = freshDir("service_no_pin_cfg");
    std::string config = writeConfig(dir, "[hub]\nurl = \"https://127.0.0.1:9\"\n");
    auto run = runKiosk("service_no_pin", "service-gesture\nexpect service-enrol\ntree enrol.json\ntap service.back\nexpect idle\n",
                        {"--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    json tree = run.tree("enrol.json");
    EXPECT_FALSE(element(tree, "menu.leave")) << "no menu without a PIN";
    EXPECT_TRUE(element(tree, "code.ok"));
    EXPECT_NE(run.log.find("service mode entered (no PIN set yet: enrolment only)"), std::string::npos) << run.log;
}

TEST(ServiceMode, SettingsGoToTheOverridesFileThatTheNextStartAndCheckConfigUse) {
    std::string dir = freshDir("service_settings_cfg");
    std::string config = configWithPin(dir);
    std::string script = "service-gesture\ntype " + std::string(kPin) + "\ntap pin.ok\nexpect service-menu\ntap menu.settings\n"
                         "tap settings.language.uk\ntap settings.idle.plus\ntap settings.save\ntree saved.json\ntap service.back\ntap menu.leave\n"
                         "tree idle.json\n";
    auto run = runKiosk("service_settings", script, {"--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    EXPECT_NE(label(run.tree("saved.json"), "service.notice").find("first language ru → uk, idle timeout 30 s → 45 s"), std::string::npos)
        << label(run.tree("saved.json"), "service.notice");
    EXPECT_EQ(run.tree("idle.json")["language"], "uk") << "applied at once for the next visitor";
    std::string out;
    EXPECT_EQ(runCommand({OTKLIK_KIOSK_BINARY, "--check-config", "--config", config}, out), 0) << out;
    EXPECT_NE(out.find("overrides from " + dir + "/data/overrides.toml (set in service mode): first language uk; idle timeout 45 s;"),
              std::string::npos)
        << out;
    auto next = runKiosk("service_settings_next", "tree idle.json\n", {"--config", config});
    EXPECT_EQ(next.tree("idle.json")["language"], "uk") << "and kept for the next start";
}

TEST(ServiceMode, UsbExportWritesEveryResponseWithSumsAndDeletesNothing) {
    std::string dir = freshDir("service_usb_cfg");
    std::string stick = dir + "/usb";
    fs::create_directories(stick);
    std::string config = configWithPin(dir, "[service]\nusb_dir = \"" + stick + "\"\n");
    std::string visitors;
    for (int i = 1; i <= 3; ++i) visitors += "tap rate." + std::to_string(i) + "\nwait 700\ntap nav.finish\nwait 6000\n";
    std::string script = visitors + "service-gesture\ntype " + std::string(kPin) + "\ntap pin.ok\ntap menu.usb\ntree usb.json\ntap usb.export\n" +
                         "tree done.json\nshot done.png\ntap service.back\ntap menu.leave\n";
    auto run = runKiosk("service_usb", script, {"--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    EXPECT_NE(label(run.tree("usb.json"), "usb.mount"), "") << "the stick is found";
    EXPECT_NE(label(run.tree("done.json"), "service.notice").find("Записано ответов: 3"), std::string::npos)
        << label(run.tree("done.json"), "service.notice");

    std::vector<fs::path> folders;
    for (const auto& e : fs::directory_iterator(stick)) folders.push_back(e.path());
    ASSERT_EQ(folders.size(), 1u);
    EXPECT_EQ(folders[0].filename().string().rfind("otklik-test-terminal-07-", 0), 0u) << folders[0];
    std::string out;
    EXPECT_EQ(runCommand({"/usr/bin/sha256sum", "-c", "SHA256SUMS"}, out, folders[0].string()), 0) << out;
    EXPECT_NE(out.find("responses.csv: OK"), std::string::npos) << out;
    EXPECT_NE(out.find("responses.jsonl: OK"), std::string::npos) << out;
    std::ifstream jsonl(folders[0] / "responses.jsonl"), csv(folders[0] / "responses.csv");
    int lines = 0, rows = 0;
    for (std::string line; std::getline(jsonl, line);) lines += !line.empty();
    for (std::string line; std::getline(csv, line);) rows += !line.empty();
    EXPECT_EQ(lines, 3);
    EXPECT_EQ(rows, 4) << "a header and three rows";
    // Nothing deleted: the outbox still holds all three.
    EXPECT_EQ(runCommand({OTKLIK_KIOSK_BINARY, "export", "--config", config}, out, ".", false), 0);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
}

TEST(ServiceMode, TheIdleScreenMarksResponsesUndeliveredForAnHour) {
    std::string dir = freshDir("service_mark_cfg");
    std::string config = writeConfig(dir, "[hub]\nurl = \"https://127.0.0.1:9\"\ntoken = \"otk_test\"\n");
    auto run = runKiosk("service_mark",
                        "tree before.json\ntap rate.4\nwait 700\ntap nav.finish\nwait 6000\ntree fresh.json\nwait 3700000\ntree stale.json\n",
                        {"--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    EXPECT_FALSE(element(run.tree("before.json"), "mark.undelivered")) << "nothing pending";
    EXPECT_FALSE(element(run.tree("fresh.json"), "mark.undelivered")) << "pending for seconds only";
    json stale = run.tree("stale.json");  // kept: the pointer below points into it
    const json* mark = element(stale, "mark.undelivered");
    ASSERT_TRUE(mark) << "pending for over an hour, never delivered";
    EXPECT_LT((*mark)["w"].get<double>(), 40.0) << "a discreet mark";
}
