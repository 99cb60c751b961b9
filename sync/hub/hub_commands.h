// The otklik-hub subcommands, one function each, so main.cpp only parses the command line.
// Each returns the process exit code: 0 done, 1 failed (environment), 2 bad input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/clock.h"

namespace otklik::hub {

struct ServeOptions {
    std::string db;
    std::string listen;  // "" = 0.0.0.0 with TLS, 127.0.0.1 without
    int port = -1;       // -1 = 8443 with TLS, 8080 without
    std::string certFile;
    std::string keyFile;
    unsigned threads = 4;
    int poolSize = 8;
    double rateLimit = 50;
    unsigned idleTimeoutS = 15;
    unsigned maxConnectionsPerAddress = 64;
    unsigned requestTimeoutS = 60;
    unsigned qrWindowS = 900;  // how long a QR token opens the phone form
    std::string assetsDir;     // holds i18n/ui.json, i18n/phone.json, questionnaires/default.json
};

// `shiftedClock`: null for the system clock; otherwise (tests only) the clock the hub runs on,
// whose time then also goes into every reply's Date header.
int serve(const ServeOptions& options, const Clock* shiftedClock = nullptr);
int terminalAdd(const std::string& db, const std::string& id, const std::string& centre);
int terminalList(const std::string& db, bool asJson);

// `terminal enrol-code`: a one-time code (printed as `code: XXXX-XXXX`) that enrols `id` at
// `centre` within `ttl` ("30m", "2h", "1d"). With `file`, also an enrolment file for a USB stick
// holding the hub's `url`, its CA certificate (`caFile`) or public-key `pins`, and the code.
struct EnrolCodeOptions {
    std::string id;
    std::string centre;
    std::string ttl = "30m";
    std::string file;
    std::string url;
    std::string caFile;
    std::vector<std::string> pins;
};
int terminalEnrolCode(const std::string& db, const EnrolCodeOptions& options);
// `terminal set-pin ID`: the service PIN, read from stdin, stored hashed and delivered with the config.
int terminalSetPin(const std::string& db, const std::string& id);
// `terminal recovery-code ID CHALLENGE`: the code for a lost PIN, valid on `date` (UTC, "" = today).
int terminalRecoveryCode(const std::string& db, const std::string& id, const std::string& challenge, const std::string& date);
// `terminal events ID`: what the terminal's service mode reported, newest first.
int terminalEvents(const std::string& db, const std::string& id, bool asJson);
int terminalRevoke(const std::string& db, const std::string& id);
int questionnaireSet(const std::string& db, const std::string& terminal, const std::string& centre, const std::string& file);
int adminToken(const std::string& db);
int exportResponses(const std::string& db, const std::string& format, const std::string& since, const std::string& centre,
                    const std::string& terminal);

}  // namespace otklik::hub
