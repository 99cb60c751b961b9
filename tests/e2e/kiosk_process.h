// Runs the real otklik-kiosk binary headless from a script in a fresh folder and collects
// what it left behind: exit code, log, screenshots, element trees, stored responses.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/protocol/qr_token.h"

namespace otklik::e2e {

struct KioskRun {
    int exitCode = -1;
    std::string log;                       // stderr
    std::string dir;                       // where the run's files are
    std::vector<nlohmann::json> responses; // --responses-out, one per stored response

    [[nodiscard]] std::string path(const std::string& name) const { return dir + "/" + name; }
    [[nodiscard]] nlohmann::json tree(const std::string& name) const;
};

// A new empty folder for one test's files, under /tmp/otklik-e2e-<pid>/ (kept after the run
// for inspection).
std::string freshDir(const std::string& name);

// Writes `script` into a new folder and runs the kiosk there with --headless --script and
// --responses-out, plus `args`. Paths in the script are relative to that folder.
KioskRun runKiosk(const std::string& name, const std::string& script, const std::vector<std::string>& args = {});

// Runs any command, returning its exit code and its output (stdout, and stderr unless
// `withStderr` is false).
int runCommand(const std::vector<std::string>& argv, std::string& output, const std::string& workDir = ".",
               bool withStderr = true);

// The text in the QR code of a PNG, decoded by zbarimg; "" if none was found.
std::string decodeQr(const std::string& png);

// The default device config for tests: demo assets, the given screen size in inches.
std::string writeConfig(const std::string& dir, const std::string& extraToml = "", double inches = 21.5);

inline constexpr const char* kTestQrUrl = "https://hub.otklik.test/q/test-terminal-07";

// A terminal with its QR secret: signed, rotating codes. The hub address refuses connections
// at once, so these runs are a terminal offline.
inline constexpr const char* kTestQrSecret = "hP3q2v0kF0Wk8Wc6lq3m1e0cX9TqGf5yQ2rBz7nYx4A";
inline constexpr const char* kTestQrHub = "https://127.0.0.1:9";
inline std::string signedQrToml(int rotateS = 60) {
    return std::string("[hub]\nurl = \"") + kTestQrHub + "\"\ntoken = \"otk_test\"\nqr_secret = \"" + kTestQrSecret +
           "\"\nqr_rotate_s = " + std::to_string(rotateS) + "\n";
}

// The token in a "HTTPS://HOST/Q/<token>" URL checked as the hub checks it, with the test
// secret for test-terminal-07, at the hub time `nowMs`.
QrTokenCheck verifyTestQrUrl(const std::string& url, int64_t nowMs);

}  // namespace otklik::e2e
