// End to end: the real otklik-kiosk, headless and scripted, stores 1,000 visitors' responses
// and delivers them over HTTPS to the real otklik-hub; the kiosk's export and the hub's export
// agree on every id and seq, each stored exactly once. And a hub the kiosk must not trust is
// refused, with nothing marked delivered.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/integration/hub_process.h"
#include "tests/integration/kiosk_run.h"

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {
namespace {

using json = nlohmann::json;

TEST(DeliveryEndToEnd, AThousandResponsesReachTheHubExactlyOnce) {
    std::string dir = freshDir("e2e-thousand");
    std::string db = dir + "/hub.db";
    Enrolled terminal = enrol(db, "e2e-01", "МФЦ Владивосток");
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    std::string config = writeKioskConfig(dir, "e2e-01", hub.url(""), terminal.token, hub.pki().caCert);

    CommandResult run = runKiosk(config, writeVisitorScript(dir, "visitors.script", 1000));
    ASSERT_EQ(run.exitCode, 0) << run.err.substr(run.err.size() > 3000 ? run.err.size() - 3000 : 0);

    auto kiosk = kioskExport(config);
    ASSERT_EQ(kiosk.size(), 1000u);
    std::map<std::string, int64_t> kioskSeq;
    for (const auto& r : kiosk) {
        EXPECT_EQ(r["state"], "delivered") << r.dump();
        kioskSeq[r["id"]] = r["seq"];
    }
    auto hubRows = hubExport(db);
    ASSERT_EQ(hubRows.size(), 1000u);
    std::set<int64_t> seqs;
    for (const auto& r : hubRows) {
        ASSERT_TRUE(kioskSeq.count(r["id"])) << r["id"];
        EXPECT_EQ(kioskSeq[r["id"]], r["seq"].get<int64_t>());
        EXPECT_EQ(r["terminal_id"], "e2e-01");
        seqs.insert(r["seq"].get<int64_t>());
    }
    EXPECT_EQ(seqs.size(), 1000u);
    EXPECT_EQ(*seqs.begin(), 1);
    EXPECT_EQ(*seqs.rbegin(), 1000);
    EXPECT_NE(hubCommand(db, {"terminal", "list"}).out.find("1000"), std::string::npos);  // high-water seq
}

// The kiosk refuses each kind of hub it must not trust, and delivers nothing to it.
struct Untrusted {
    const char* name;
    std::string (*ca)(const TestPki&);
    std::string (*extraHub)(const TestPki&);
    HubCert cert;
    const char* logSays;  // what the kiosk's log must say about it
};

class DeliveryRefuses : public ::testing::TestWithParam<Untrusted> {};

TEST_P(DeliveryRefuses, AnUntrustedHubAndDeliversNothing) {
    const Untrusted& c = GetParam();
    std::string dir = freshDir(std::string("e2e-untrusted-") + c.name);
    std::string db = dir + "/hub.db";
    Enrolled terminal = enrol(db, "e2e-02", "ЦНАП Київ");
    HubProcess hub(db, dir, {"--rate-limit", "0"}, c.cert);
    std::string url = hub.url("");
    std::string config = writeKioskConfig(dir, "e2e-02", url, terminal.token, c.ca(hub.pki()), c.extraHub(hub.pki()));
    CommandResult run = runKiosk(config, writeVisitorScript(dir, "visitors.script", 3));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    for (const auto& r : kioskExport(config)) EXPECT_EQ(r["state"], "pending");
    EXPECT_TRUE(hubExport(db).empty());
    // The reason is in plain words in the kiosk's log and in `status`.
    EXPECT_NE(run.err.find(c.logSays), std::string::npos) << run.err.substr(0, 2000);
    CommandResult status = runProgram({OTKLIK_KIOSK_BINARY, "status", "--config", config});
    EXPECT_NE(status.out.find(c.logSays), std::string::npos) << status.out;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, DeliveryRefuses,
    ::testing::Values(
        Untrusted{"WrongCa", [](const TestPki& p) { return p.otherCaCert; }, [](const TestPki&) { return std::string(); }, HubCert::Good,
                  "not trusted"},
        Untrusted{"WrongPin", [](const TestPki& p) { return p.caCert; }, [](const TestPki& p) { return "pins = [\"" + p.otherPin + "\"]\n"; },
                  HubCert::Good, "pin"},
        Untrusted{"WrongHostName", [](const TestPki& p) { return p.caCert; }, [](const TestPki&) { return std::string(); }, HubCert::WrongHost,
                  "different name"},
        Untrusted{"ExpiredCertificate", [](const TestPki& p) { return p.caCert; }, [](const TestPki&) { return std::string(); },
                  HubCert::Expired, "validity"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace otklik::test
