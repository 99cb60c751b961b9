// Enrolment end to end over real TLS: the hub prints a code, the real otklik-kiosk trades it
// for credentials (mode 0600) and delivers — also what it stored before it was enrolled — and
// the terminal shows on /results. Wrong and spent codes change nothing (exit 2); an enrolment
// file on a "USB stick" brings the hub's address and CA; a replacement device under the same
// id keeps the terminal's history and numbers afresh.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/integration/hub_process.h"
#include "tests/integration/kiosk_run.h"

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// `otklik-hub terminal enrol-code ID --centre NAME [extra]`'s code, or "" (the test fails).
std::string enrolCode(const std::string& db, const std::string& id, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"terminal", "enrol-code", id, "--centre", "МФЦ Уссурийск"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = hubCommand(db, args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    std::smatch m;
    static const std::regex line(R"(code: ([0-9A-Z]{4}-[0-9A-Z]{4}))");
    if (!std::regex_search(r.out, m, line)) {
        ADD_FAILURE() << "no code: line in:\n" << r.out;
        return "";
    }
    return m[1];
}

// A device config as shipped for enrolment: the hub's address and CA, no id, no token.
std::string unenrolledConfig(const std::string& dir, const std::string& hubUrl, const std::string& caFile) {
    std::string path = dir + "/kiosk.toml";
    std::ofstream(path) << "assets_dir = \"" OTKLIK_SOURCE_DIR "/assets\"\ndata_dir = \"" << dir << "/data\"\n\n[hub]\nurl = \"" << hubUrl
                        << "\"\nca_file = \"" << caFile << "\"\n" << kNoStartDelay;
    return path;
}

CommandResult kioskCommand(std::vector<std::string> args) {
    args.insert(args.begin(), OTKLIK_KIOSK_BINARY);
    return runProgram(args);
}

TEST(EnrolmentEndToEnd, ACodeBringsCredentialsAndEverythingStoredBeforeIsDelivered) {
    std::string dir = freshDir("enrol-code");
    std::string db = dir + "/hub.db";
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string config = unenrolledConfig(dir, hub.url(""), hub.pki().caCert);

    // Not enrolled yet: the config is valid, and visitors' answers are kept.
    CommandResult check = kioskCommand({"--check-config", "--config", config});
    EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("not enrolled yet"), std::string::npos) << check.out;
    CommandResult before = runKiosk(config, writeVisitorScript(dir, "three.script", 3));
    ASSERT_EQ(before.exitCode, 0) << before.err;
    EXPECT_NE(before.err.find("not enrolled"), std::string::npos) << before.err;
    ASSERT_EQ(kioskExport(config).size(), 3u);
    CommandResult notEnrolled = kioskCommand({"diagnose", "--config", config});
    EXPECT_EQ(notEnrolled.exitCode, 1);
    EXPECT_NE(notEnrolled.out.find("FAIL auth: this terminal is not enrolled yet"), std::string::npos) << notEnrolled.out;

    std::string code = enrolCode(db, "enr-01");
    ASSERT_FALSE(code.empty());
    // A wrong code changes nothing and says why.
    std::string wrong = code.substr(0, 8) + (code[8] == 'Z' ? "Y" : "Z");
    CommandResult refused = kioskCommand({"enrol", "--config", config, "--code", wrong});
    EXPECT_EQ(refused.exitCode, 2) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("unknown enrolment code"), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(dir + "/data/credentials.toml"));

    // Typed in lower case with a space, as people do.
    std::string typed = code;
    for (char& c : typed) c = static_cast<char>(std::tolower(c));
    CommandResult enrolled = kioskCommand({"enrol", "--config", config, "--code", typed.substr(0, 4) + " " + typed.substr(5)});
    ASSERT_EQ(enrolled.exitCode, 0) << enrolled.out << enrolled.err;
    EXPECT_NE(enrolled.out.find("enrolled as terminal enr-01 (МФЦ Уссурийск), device 1"), std::string::npos) << enrolled.out;
    for (const char* step : {"ok dns:", "ok tcp:", "ok tls:", "ok hub:", "ok auth: token accepted for terminal enr-01", "ok clock:"})
        EXPECT_NE(enrolled.out.find(step), std::string::npos) << step << "\n" << enrolled.out;
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/data/credentials.toml").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "only the kiosk's user may read the terminal's token";

    CommandResult again = kioskCommand({"enrol", "--config", config, "--code", code});
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("used already"), std::string::npos) << again.err;

    // Enrolled: the three from before and two more go to the hub as enr-01, 1 … 5, no gap.
    EXPECT_NE(kioskCommand({"--check-config", "--config", config}).out.find("hub: token accepted for terminal enr-01"), std::string::npos);
    CommandResult after = runKiosk(config, writeVisitorScript(dir, "two.script", 2));
    ASSERT_EQ(after.exitCode, 0) << after.err;
    auto rows = kioskExport(config);
    ASSERT_EQ(rows.size(), 5u);
    for (const json& r : rows) EXPECT_EQ(r["state"], "delivered") << r.dump();
    auto stored = hubExport(db);
    ASSERT_EQ(stored.size(), 5u);
    for (const json& r : stored) EXPECT_EQ(r["terminal_id"], "enr-01") << r.dump();
    json t = terminalRow(db, "enr-01");
    EXPECT_EQ(t["high_water_seq"], 5);
    EXPECT_EQ(t["max_seq"], 5);

    // The results page lists the terminal.
    HttpClient client = hub.client();
    HttpResult page = getWithToken(client, hub.url("/results"), hub.adminToken());
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("enr-01"), std::string::npos);
}

TEST(EnrolmentEndToEnd, AnEnrolmentFileOnAStickNamesTheHubAndItsCa) {
    std::string dir = freshDir("enrol-file");
    std::string db = dir + "/hub.db";
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string stick = dir + "/usb";
    fs::create_directories(stick);
    std::string code = enrolCode(db, "enr-02", {"--file", stick + "/otklik-enrol.toml", "--url", hub.url(""), "--ca-file", hub.pki().caCert});
    ASSERT_FALSE(code.empty());
    struct stat st {};
    ASSERT_EQ(::stat((stick + "/otklik-enrol.toml").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // The device config knows no hub at all: the file brings it.
    std::string config = dir + "/kiosk.toml";
    std::ofstream(config) << "assets_dir = \"" OTKLIK_SOURCE_DIR "/assets\"\ndata_dir = \"" << dir << "/data\"\n";
    CommandResult enrolled = kioskCommand({"enrol", "--config", config, "--file", stick + "/otklik-enrol.toml"});
    ASSERT_EQ(enrolled.exitCode, 0) << enrolled.out << enrolled.err;
    EXPECT_NE(enrolled.out.find("ok tls: certificate signed by the configured CA"), std::string::npos) << enrolled.out;
    EXPECT_TRUE(fs::exists(dir + "/data/hub-ca.pem"));
    EXPECT_FALSE(fs::exists(dir + "/data/hub-ca.pem.new"));
    CommandResult run = runKiosk(config, writeVisitorScript(dir, "v.script", 2));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(hubExport(db).size(), 2u);
}

TEST(EnrolmentEndToEnd, AReplacementDeviceKeepsTheHistoryAndNumbersAfresh) {
    std::string dir = freshDir("enrol-replace");
    std::string db = dir + "/hub.db";
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string oldDir = freshDir("enrol-replace-old"), newDir = freshDir("enrol-replace-new");
    std::string oldConfig = unenrolledConfig(oldDir, hub.url(""), hub.pki().caCert);
    std::string newConfig = unenrolledConfig(newDir, hub.url(""), hub.pki().caCert);

    ASSERT_EQ(kioskCommand({"enrol", "--config", oldConfig, "--code", enrolCode(db, "enr-03")}).exitCode, 0);
    ASSERT_EQ(runKiosk(oldConfig, writeVisitorScript(oldDir, "v.script", 3)).exitCode, 0);
    ASSERT_EQ(hubExport(db).size(), 3u);

    // The old device breaks; a new one is enrolled under the same id.
    CommandResult replaced = kioskCommand({"enrol", "--config", newConfig, "--code", enrolCode(db, "enr-03")});
    ASSERT_EQ(replaced.exitCode, 0) << replaced.out << replaced.err;
    EXPECT_NE(replaced.out.find("device 2, replacing device 1"), std::string::npos) << replaced.out;
    ASSERT_EQ(runKiosk(newConfig, writeVisitorScript(newDir, "v.script", 2)).exitCode, 0);

    auto stored = hubExport(db);
    ASSERT_EQ(stored.size(), 5u) << "the old device's responses are kept";
    std::map<int64_t, std::vector<int64_t>> byDevice;
    for (const json& r : stored) byDevice[r["device"].get<int64_t>()].push_back(r["seq"].get<int64_t>());
    EXPECT_EQ(byDevice[1], (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(byDevice[2], (std::vector<int64_t>{1, 2})) << "numbering starts again: neither a duplicate nor a gap";
    json t = terminalRow(db, "enr-03");
    EXPECT_EQ(t["device"], 2);
    EXPECT_EQ(t["high_water_seq"], 2);
    EXPECT_EQ(t["max_seq"], 2);
    ASSERT_EQ(t["replaced_devices"].size(), 1u);
    EXPECT_EQ(t["replaced_devices"][0]["high_water_seq"], 3);

    // The old device, should it come back to life: its token is refused, its responses stay.
    CommandResult old = runKiosk(oldConfig, writeVisitorScript(oldDir, "one.script", 1));
    ASSERT_EQ(old.exitCode, 0);
    EXPECT_EQ(hubExport(db).size(), 5u);
    CommandResult diagnose = kioskCommand({"diagnose", "--config", oldConfig});
    EXPECT_EQ(diagnose.exitCode, 1);
    EXPECT_NE(diagnose.out.find("FAIL auth: this device (device 1 of terminal enr-03) was replaced"), std::string::npos) << diagnose.out;
    int pending = 0;
    for (const json& r : kioskExport(oldConfig)) pending += r["state"] == "pending";
    EXPECT_EQ(pending, 1);
}

// The technician's way: the code typed on the service screen's pad, a PIN chosen after it,
// visitors answering — all from the touchscreen, against the real hub. What service mode did
// reaches the hub as events, and the heartbeat counts the PIN entries.
TEST(EnrolmentEndToEnd, OnTheTouchscreenWithACodeThenAPin) {
    std::string dir = freshDir("enrol-touch");
    std::string db = dir + "/hub.db";
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string config = unenrolledConfig(dir, hub.url(""), hub.pki().caCert);
    std::string code = enrolCode(db, "enr-04");
    ASSERT_FALSE(code.empty());
    std::string compact = code.substr(0, 4) + code.substr(5);
    std::string script = "service-gesture\nexpect service-enrol\ntype " + compact.substr(0, 7) + (compact[7] == 'Z' ? "Y" : "Z") +
                         "\ntap code.ok\ntree " + dir + "/wrong.json\n";  // a wrong last character first
    script += "tap code.backspace\ntype " + compact.substr(7) + "\ntap code.ok\ntree " + dir + "/enrolled.json\nshot " + dir + "/enrolled.png\n";
    script += "tap enrol.pin\nexpect service-pin\ntype 604182\ntap pin.ok\ntype 604182\ntap pin.ok\nexpect service-menu\ntap menu.leave\n";
    script += "tap rate.5\nwait 700\ntap nav.finish\nwait 6000\n";
    std::ofstream(dir + "/touch.script") << script;
    CommandResult run = runKiosk(config, dir + "/touch.script");
    ASSERT_EQ(run.exitCode, 0) << run.err;

    std::ifstream wrongTree(dir + "/wrong.json"), enrolledTree(dir + "/enrolled.json");
    json wrong = json::parse(wrongTree), enrolled = json::parse(enrolledTree);
    auto notice = [](const json& tree) {
        for (const json& e : tree["elements"])
            if (e["id"] == "service.notice") return e["label"].get<std::string>();
        return std::string("(no notice)");
    };
    EXPECT_NE(notice(wrong).find("Неизвестный код"), std::string::npos) << notice(wrong);
    EXPECT_NE(notice(enrolled).find("Зарегистрирован: enr-04"), std::string::npos) << notice(enrolled);
    EXPECT_NE(run.err.find("enrolment: refused: unknown enrolment code"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("enrolment: enrolled as terminal enr-04"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("service: a new PIN was set (local)"), std::string::npos) << run.err;
    EXPECT_TRUE(fs::exists(dir + "/data/credentials.toml"));

    // The visitor after enrolment reached the hub under the new id.
    auto stored = hubExport(db);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0]["terminal_id"], "enr-04");
    // What the technician did is on the hub, and the heartbeat's count of service entries.
    CommandResult events = hubCommand(db, {"terminal", "events", "enr-04"});
    ASSERT_EQ(events.exitCode, 0) << events.err;
    for (const char* kind : {"service-entered", "enrolled", "pin-changed", "service-left"})
        EXPECT_NE(events.out.find(kind), std::string::npos) << kind << "\n" << events.out;
    json row = terminalRow(db, "enr-04");
    EXPECT_GE(row["service"]["entries"].get<int64_t>(), 1) << row.dump();
}

}  // namespace
}  // namespace otklik::test
