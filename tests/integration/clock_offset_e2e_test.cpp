// End to end with a terminal whose clock is ten minutes behind the hub's (the real otklik-hub
// with its clock shifted by otklik-hub-shifted-clock, the real otklik-kiosk headless): the
// heartbeat reaches the hub, the terminal learns and keeps the offset, responses made after
// that carry it and are flagged clock_suspect, and both exports show corrected times.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/client/clock_offset.h"
#include "sync/protocol/response.h"
#include "tests/integration/hub_process.h"
#include "tests/integration/kiosk_run.h"

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {
namespace {

using json = nlohmann::json;

constexpr int64_t kHubAheadMs = 600'000;
constexpr double kToleranceMs = 3000;  // the Date header's second, loopback round trips, process start

std::vector<json> readLines(const std::string& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return jsonLines(text);
}

std::string tail(const std::string& text) { return text.substr(text.size() > 3000 ? text.size() - 3000 : 0); }

// Starts the hub with its clock shifted.
class ShiftedHub {
public:
    ShiftedHub(const std::string& db, const std::string& dir) {
        hub_ = std::make_unique<HubProcess>(db, dir, std::vector<std::string>{"--rate-limit", "0"}, HubCert::Good, kHubAheadMs);
    }
    HubProcess& operator*() { return *hub_; }
    HubProcess* operator->() { return hub_.get(); }

private:
    std::unique_ptr<HubProcess> hub_;
};

TEST(ClockOffsetEndToEnd, ATerminalBehindTheHubIsMeasuredFlaggedAndCorrected) {
    std::string dir = freshDir("e2e-clock");
    std::string db = dir + "/hub.db";
    Enrolled terminal = enrol(db, "clock-01", "МФЦ Хабаровск");
    ShiftedHub hub(db, dir);
    // The hub's own Date header follows its shifted clock.
    HttpClient client = hub->client();
    HttpRequest health;
    health.url = hub->url("/healthz");
    HttpResult probe = client.send(health);
    ASSERT_TRUE(probe.replied()) << probe.errorMessage;
    ASSERT_TRUE(probe.header("date"));
    auto hubDate = parseHttpDate(*probe.header("date"));
    ASSERT_TRUE(hubDate) << *probe.header("date");
    EXPECT_NEAR(static_cast<double>(*hubDate - SystemClock().wallMs()), kHubAheadMs, kToleranceMs) << *probe.header("date");

    std::string config = writeKioskConfig(dir, "clock-01", hub->url(""), terminal.token, hub->pki().caCert);

    // First run: nothing is known when its visitor answers; its delivery and the heartbeat at
    // stop measure the offset, and the outbox keeps it.
    CommandResult first = runKiosk(config, writeVisitorScript(dir, "one.script", 1), dir + "/first.jsonl");
    ASSERT_EQ(first.exitCode, 0) << tail(first.err);
    auto firstResponses = readLines(dir + "/first.jsonl");
    ASSERT_EQ(firstResponses.size(), 1u);
    EXPECT_FALSE(firstResponses[0].contains("clock_offset_ms")) << firstResponses[0].dump();

    CommandResult status = runProgram({OTKLIK_KIOSK_BINARY, "status", "--config", config, "--json"});
    ASSERT_EQ(status.exitCode, 0) << status.err;
    json s = json::parse(status.out);
    ASSERT_TRUE(s["clock"]["offset_ms"].is_number_integer()) << status.out;
    EXPECT_NEAR(s["clock"]["offset_ms"].get<double>(), kHubAheadMs, kToleranceMs);
    EXPECT_LT(s["clock"]["uncertainty_ms"].get<int64_t>(), 500) << "the heartbeat's precise sample was kept: " << status.out;
    EXPECT_EQ(s["clock"]["flagging_responses"], true);
    CommandResult statusText = runProgram({OTKLIK_KIOSK_BINARY, "status", "--config", config});
    EXPECT_NE(statusText.out.find("responses ARE flagged clock_suspect"), std::string::npos) << statusText.out;

    // The heartbeat reached the hub: its offset, version and backlog are in the hub's store.
    CommandResult list = hubCommand(db, {"terminal", "list", "--json"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    auto terminals = jsonLines(list.out);
    ASSERT_EQ(terminals.size(), 1u);
    ASSERT_TRUE(terminals[0]["clock_offset_ms"].is_number_integer()) << list.out;
    EXPECT_NEAR(terminals[0]["clock_offset_ms"].get<double>(), kHubAheadMs, kToleranceMs);
    EXPECT_FALSE(terminals[0]["version"].get<std::string>().empty()) << list.out;
    EXPECT_EQ(terminals[0]["reported_unsent"], 0) << list.out;

    // Second run: the restarted terminal knows the offset before any exchange.
    CommandResult second = runKiosk(config, writeVisitorScript(dir, "two.script", 2), dir + "/second.jsonl");
    ASSERT_EQ(second.exitCode, 0) << tail(second.err);
    auto stamped = readLines(dir + "/second.jsonl");
    ASSERT_EQ(stamped.size(), 2u);
    std::set<std::string> flaggedIds;
    for (const json& r : stamped) {
        ASSERT_TRUE(r.contains("clock_offset_ms")) << r.dump();
        EXPECT_NEAR(r["clock_offset_ms"].get<double>(), kHubAheadMs, kToleranceMs);
        EXPECT_NE(std::find(r["flags"].begin(), r["flags"].end(), "clock_suspect"), r["flags"].end()) << r.dump();
        flaggedIds.insert(r["id"].get<std::string>());
    }

    // The kiosk's export and the hub's agree, with corrected times; all three delivered once.
    CommandResult kioskExport = runProgram({OTKLIK_KIOSK_BINARY, "export", "--config", config});
    ASSERT_EQ(kioskExport.exitCode, 0) << kioskExport.err;
    auto kioskRows = jsonLines(kioskExport.out);
    ASSERT_EQ(kioskRows.size(), 3u);
    for (const json& r : kioskRows) {
        EXPECT_EQ(r["state"], "delivered") << r.dump();
        int64_t offset = r.value("clock_offset_ms", int64_t{0});
        EXPECT_EQ(r["completed_at_corrected"], formatUtc(r["completed_at_ms"].get<int64_t>() + offset)) << r.dump();
    }
    auto hubRows = hubExport(db);
    ASSERT_EQ(hubRows.size(), 3u);
    for (const json& r : hubRows) {
        bool fromSecondRun = flaggedIds.count(r["id"].get<std::string>()) > 0;
        if (!fromSecondRun) {
            EXPECT_TRUE(r["clock_offset_ms"].is_null()) << r.dump();
            EXPECT_EQ(r["completed_at_corrected"], r["completed_at"]) << "unknown offset: the terminal's time stands";
            continue;
        }
        ASSERT_TRUE(r["clock_offset_ms"].is_number_integer()) << r.dump();
        EXPECT_NEAR(r["clock_offset_ms"].get<double>(), kHubAheadMs, kToleranceMs);
        EXPECT_NE(std::find(r["flags"].begin(), r["flags"].end(), "clock_suspect"), r["flags"].end()) << r.dump();
        EXPECT_NE(r["completed_at_corrected"], r["completed_at"]);
    }
    CommandResult csv = hubCommand(db, {"export", "--format", "csv"});
    ASSERT_EQ(csv.exitCode, 0) << csv.err;
    EXPECT_NE(csv.out.find(",comment,clock_offset_ms,completed_at_corrected"), std::string::npos) << csv.out.substr(0, 400);
}

}  // namespace
}  // namespace otklik::test
