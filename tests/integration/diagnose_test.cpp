// `otklik-kiosk diagnose` against real faults: each names the step that failed, says what is
// wrong and gives a fix, and exits 1 — a DNS failure (in a network namespace with no route, so
// nothing leaves the machine), a refused port, a wrong CA, a pin mismatch, a revoked token,
// another terminal's token, a terminal clock 10 minutes off, a hub that is down, and a hub
// whose database is down. The positive control passes all six steps with exit 0, and
// --check-config checks the token only when the hub answers.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/integration/hub_process.h"
#include "tests/integration/kiosk_run.h"
#include "tests/support/postgres_server.h"

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {
namespace {

using json = nlohmann::json;

struct Hub {
    std::string dir, db;
    Enrolled terminal;
    std::unique_ptr<HubProcess> process;

    explicit Hub(const std::string& name, std::string store = "", int64_t clockShiftMs = 0)
        : dir(freshDir(name)), db(store.empty() ? dir + "/hub.db" : store) {
        terminal = enrol(db, "diag-01", "МФЦ Спасск");
        process = std::make_unique<HubProcess>(db, dir, std::vector<std::string>{"--rate-limit", "0"}, HubCert::Good, clockShiftMs);
    }
    // A kiosk config for diag-01 with `hubToml` as its whole [hub] table.
    std::string config(const std::string& hubToml, const std::string& terminalId = "diag-01") const {
        std::string path = dir + "/kiosk-" + std::to_string(++configs) + ".toml";
        std::ofstream(path) << "terminal_id = \"" << terminalId << "\"\nassets_dir = \"" OTKLIK_SOURCE_DIR "/assets\"\ndata_dir = \"" << dir
                            << "/data\"\n[hub]\n"
                            << hubToml;
        return path;
    }
    std::string goodHub(const std::string& token) const {
        return "url = \"" + process->url("") + "\"\ntoken = \"" + token + "\"\nca_file = \"" + process->pki().caCert + "\"\n";
    }
    mutable int configs = 0;
};

CommandResult diagnose(const std::string& config, std::vector<std::string> wrap = {}) {
    std::vector<std::string> argv = std::move(wrap);
    argv.insert(argv.end(), {OTKLIK_KIOSK_BINARY, "diagnose", "--config", config});
    return runProgram(argv);
}

// The run failed at `step` with words containing `says`, and a fix.
void expectFailure(const CommandResult& r, const std::string& step, const std::string& says) {
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    std::string prefix = "FAIL " + step + ": ";
    size_t at = r.out.find(prefix);
    ASSERT_NE(at, std::string::npos) << "no " << prefix << " line in:\n" << r.out << r.err;
    std::string line = r.out.substr(at, r.out.find('\n', at) - at);
    EXPECT_NE(line.find(says), std::string::npos) << line;
    EXPECT_NE(line.find(". Fix: "), std::string::npos) << line;
    EXPECT_EQ(r.out.find("FAIL ", at + 1), std::string::npos) << "one failure is named, not a cascade:\n" << r.out;
}

TEST(Diagnose, AHealthyHubPassesEveryStep) {
    Hub hub("diag-ok");
    CommandResult r = diagnose(hub.config(hub.goodHub(hub.terminal.token)));
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    for (const char* step : {"dns", "tcp", "tls", "hub", "auth", "clock"})
        EXPECT_NE(r.out.find(std::string("ok ") + step + ": "), std::string::npos) << step << "\n" << r.out;
    CommandResult j = runProgram({OTKLIK_KIOSK_BINARY, "diagnose", "--config", hub.config(hub.goodHub(hub.terminal.token)), "--json"});
    json report = json::parse(j.out);
    EXPECT_EQ(report["passed"], true);
    EXPECT_EQ(report["steps"].size(), 6u);
    EXPECT_EQ(report["terminal_id"], "diag-01");
    EXPECT_TRUE(report["certificate_expires"].is_string());
}

TEST(Diagnose, ADnsFailureIsTheDnsStep) {
    // No network at all inside a fresh network namespace: the lookup fails at once and no
    // query leaves the machine.
    CommandResult probe = runProgram({"/usr/bin/unshare", "-n", "/bin/true"});
    if (probe.exitCode != 0) GTEST_SKIP() << "network namespaces are not available here: " << probe.err;
    Hub hub("diag-dns");
    std::string config = hub.config("url = \"https://no-such-hub.invalid:8443\"\ntoken = \"" + hub.terminal.token + "\"\n");
    expectFailure(diagnose(config, {"/usr/bin/unshare", "-n"}), "dns", "no-such-hub.invalid cannot be resolved");
}

TEST(Diagnose, ARefusedPortIsTheTcpStep) {
    Hub hub("diag-port");
    CommandResult r = diagnose(hub.config("url = \"https://127.0.0.1:9\"\ntoken = \"" + hub.terminal.token + "\"\n"));
    expectFailure(r, "tcp", "nothing accepts connections at 127.0.0.1:9");
    EXPECT_NE(r.out.find("skip auth: not tried"), std::string::npos) << r.out;
}

TEST(Diagnose, AHubThatIsDownIsTheTcpStep) {
    Hub hub("diag-down");
    std::string config = hub.config(hub.goodHub(hub.terminal.token));
    hub.process.reset();  // stopped
    expectFailure(diagnose(config), "tcp", "nothing accepts connections");
}

TEST(Diagnose, AWrongCaAndAPinMismatchAreTheTlsStep) {
    Hub hub("diag-tls");
    const TestPki& pki = hub.process->pki();
    std::string url = "url = \"" + hub.process->url("") + "\"\ntoken = \"" + hub.terminal.token + "\"\n";
    expectFailure(diagnose(hub.config(url + "ca_file = \"" + pki.otherCaCert + "\"\n")), "tls", "not trusted");
    expectFailure(diagnose(hub.config(url + "ca_file = \"" + pki.caCert + "\"\npins = [\"" + pki.otherPin + "\"]\n")), "tls",
                  "matches none of the configured pins");
    // Positive control: the right pin passes.
    EXPECT_EQ(diagnose(hub.config(url + "ca_file = \"" + pki.caCert + "\"\npins = [\"" + pki.serverPin + "\"]\n")).exitCode, 0);
}

TEST(Diagnose, ARevokedTokenOrAnotherTerminalsIsTheAuthStep) {
    Hub hub("diag-auth");
    Enrolled other = enrol(hub.db, "diag-02", "МФЦ Спасск");
    expectFailure(diagnose(hub.config(hub.goodHub(other.token))), "auth", "belongs to terminal \"diag-02\", but this terminal is \"diag-01\"");
    expectFailure(diagnose(hub.config(hub.goodHub("otk_never_issued"))), "auth", "does not know this terminal's token");
    ASSERT_EQ(hubCommand(hub.db, {"terminal", "revoke", "diag-01"}).exitCode, 0);
    expectFailure(diagnose(hub.config(hub.goodHub(hub.terminal.token))), "auth", "revoked");
}

TEST(Diagnose, AClockTenMinutesOffIsTheClockStep) {
    Hub hub("diag-clock", "", 600'000);
    CommandResult r = diagnose(hub.config(hub.goodHub(hub.terminal.token)));
    expectFailure(r, "clock", "this terminal's clock is 10 min 0 s behind the hub's");
    EXPECT_NE(r.out.find("ok auth:"), std::string::npos) << "the clock does not stop the other steps:\n" << r.out;
}

TEST(Diagnose, AHubWhoseDatabaseIsDownIsTheHubStep) {
    std::string why;
    if (!PostgresServer::available(&why)) FAIL() << why;
    PostgresServer server;  // its own: this test stops it
    Hub hub("diag-store", server.createDatabase());
    std::string config = hub.config(hub.goodHub(hub.terminal.token));
    ASSERT_EQ(diagnose(config).exitCode, 0);
    server.stop();
    expectFailure(diagnose(config), "hub", "its database does not answer");
}

TEST(Diagnose, CheckConfigAsksTheHubOnlyWhenItCanBeReached) {
    Hub hub("diag-check");
    auto check = [](const std::string& config, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {OTKLIK_KIOSK_BINARY, "--check-config", "--config", config};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return runProgram(argv);
    };
    CommandResult ok = check(hub.config(hub.goodHub(hub.terminal.token)));
    EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("hub: token accepted for terminal diag-01"), std::string::npos) << ok.out;
    CommandResult bad = check(hub.config(hub.goodHub("otk_never_issued")));
    EXPECT_EQ(bad.exitCode, 2) << bad.out;
    EXPECT_NE(bad.out.find("hub: the token is refused"), std::string::npos) << bad.out;
    CommandResult away = check(hub.config("url = \"https://127.0.0.1:9\"\ntoken = \"x\"\n"));
    EXPECT_EQ(away.exitCode, 0) << "an unreachable hub is not a config problem: " << away.out;
    EXPECT_NE(away.out.find("hub: the token was not checked: the hub cannot be reached"), std::string::npos) << away.out;
    CommandResult offline = check(hub.config(hub.goodHub("otk_never_issued")), {"--offline"});
    EXPECT_EQ(offline.exitCode, 0);
    EXPECT_NE(offline.out.find("--offline"), std::string::npos);
}

}  // namespace
}  // namespace otklik::test
