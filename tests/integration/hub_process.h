// Runs the real otklik-hub binary for integration tests: administration commands, and a
// server on a free loopback port over HTTPS with a certificate made at test time.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/client/http_client.h"
#include "tests/support/test_certs.h"

namespace otklik::test {

// A fresh folder under /tmp/otklik-it-<pid>/ for one test (kept for inspection).
std::string freshDir(const std::string& name);

struct CommandResult {
    int exitCode = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// A fresh folder named after the running GoogleTest case.
std::string freshDirForThisTest();

// Where a parameterised test's hub keeps its data: `kind` "sqlite" → a file in `dir`,
// "postgresql" → a new database on the shared test server (fails the test if PostgreSQL is
// not installed, saying how to install it).
std::string testStore(const std::string& kind, const std::string& dir);

// Lines of JSON (an export) as objects.
std::vector<nlohmann::json> jsonLines(const std::string& text);
// `otklik-hub export --format jsonl` of the store.
std::vector<nlohmann::json> hubExport(const std::string& db);
// The terminal's line of `otklik-hub terminal list --json` (fails the test if there is none).
nlohmann::json terminalRow(const std::string& db, const std::string& id);

// Runs a program (argv[0] is its path) and collects its output and exit code.
CommandResult runProgram(std::vector<std::string> argv);

// Runs `otklik-hub ARGS... --db DB`.
CommandResult hubCommand(const std::string& db, std::vector<std::string> args);

// Enrols a terminal and returns its token (the `token:` line); fails the test otherwise.
struct Enrolled {
    std::string token;
    std::string qrSecret;
};
Enrolled enrol(const std::string& db, const std::string& id, const std::string& centre);

// Which certificate the hub presents (all signed by the test CA).
enum class HubCert { Good, Expired, WrongHost };

class HubProcess {
public:
    // clockShiftMs != 0: the hub's clock runs that far ahead (negative: behind) of the
    // machine's (otklik-hub-shifted-clock, tests/support/hub_shifted_clock_main.cpp).
    HubProcess(std::string db, std::string dir, std::vector<std::string> extraArgs = {}, HubCert cert = HubCert::Good,
               int64_t clockShiftMs = 0);
    ~HubProcess();
    HubProcess(const HubProcess&) = delete;
    HubProcess& operator=(const HubProcess&) = delete;

    [[nodiscard]] std::string url(const std::string& path) const;
    [[nodiscard]] const TestPki& pki() const { return pki_; }
    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] const std::string& adminToken() const { return adminToken_; }
    [[nodiscard]] bool alive();
    [[nodiscard]] std::string log() const;  // the hub's stderr so far
    // SIGKILL and start again on the same port.
    void killAndRestart();

    // A client trusting the test CA.
    [[nodiscard]] HttpClient client(int totalMs = 20000) const;

private:
    void start(int port);
    void stop(int signal);

    std::string db_, dir_;
    std::vector<std::string> extraArgs_;
    TestPki pki_;
    HubCert cert_;
    int64_t clockShiftMs_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::string adminToken_;
};

// POST a JSON body with a bearer token (gzip-compressed when asked).
HttpResult postJson(HttpClient& client, const std::string& url, const std::string& token, const std::string& body, bool gzip = false);
HttpResult getWithToken(HttpClient& client, const std::string& url, const std::string& token, HttpHeaders extra = {});

}  // namespace otklik::test
