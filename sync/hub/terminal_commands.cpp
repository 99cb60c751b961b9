// The `otklik-hub terminal` commands for technicians: enrol-code (a one-time code, and
// optionally the enrolment file for a USB stick), set-pin (the service PIN, hashed), and
// recovery-code (a lost PIN's one-day code) and events (what service mode did) — see
// docs/technician.md.
#include <cstdio>
#include <iostream>
#include <regex>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/hub/command_support.h"
#include "sync/hub/hub_commands.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/response.h"
#include "sync/protocol/service_pin.h"
#include "sync/protocol/toml_text.h"
#include "sync/protocol/utc_time.h"

namespace otklik::hub {

namespace {

constexpr int64_t kMinute = 60'000;

// "30m", "90s", "2h", "1d" → milliseconds; nullopt if malformed or outside 1 minute .. 7 days.
std::optional<int64_t> parseTtl(const std::string& text) {
    std::smatch m;
    static const std::regex pattern(R"((\d{1,6})([smhd]))");
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    int64_t n = std::stoll(m[1]);
    int64_t unit = m[2] == "s" ? 1000 : m[2] == "m" ? kMinute : m[2] == "h" ? 60 * kMinute : 1440 * kMinute;
    int64_t ms = n * unit;
    if (ms < kMinute || ms > 7 * 1440 * kMinute) return std::nullopt;
    return ms;
}

bool validPin(const std::string& pin) { return pin.rfind("sha256//", 0) == 0 && pin.size() == 52; }

// The enrolment file: what a terminal needs to reach and trust the hub, and the code. Read by
// the kiosk from the stick (kiosk/config/enrolment_file.cpp).
std::string enrolmentFile(const EnrolCodeOptions& o, const NewEnrolCode& code, const std::string& caPem) {
    std::string out = "# Otklik enrolment file: terminal " + o.id + " at " + o.centre + ".\n" +
                      "# Valid once, until " + formatUtc(code.expiresAtMs) + ". Put it on a USB stick as otklik-enrol.toml;\n" +
                      "# the terminal's service menu reads it (docs/technician.md). Keep it like a key until it is used.\n";
    out += "format = 1\n";
    out += "url = " + tomlString(o.url) + "\n";
    out += "code = " + tomlString(code.code) + "\n";
    out += "terminal_id = " + tomlString(o.id) + "\n";
    out += "expires_at = " + tomlString(formatUtc(code.expiresAtMs)) + "\n";
    if (!o.pins.empty()) out += "pins = " + tomlStringList(o.pins) + "\n";
    // A PEM holds no ''' : a literal multi-line string keeps it byte for byte.
    if (!caPem.empty()) out += "ca_pem = '''\n" + caPem + (caPem.back() == '\n' ? "" : "\n") + "'''\n";
    return out;
}

}  // namespace

int terminalEnrolCode(const std::string& db, const EnrolCodeOptions& o) {
    auto ttl = parseTtl(o.ttl);
    if (!ttl) {
        std::fprintf(stderr, "otklik-hub: --ttl \"%s\" is not a duration from 1m to 7d: write e.g. 30m, 2h or 1d\n", o.ttl.c_str());
        return kBadInput;
    }
    std::string caPem;
    if (!o.file.empty()) {
        if (o.url.rfind("https://", 0) != 0 || o.url.find_first_of(" \t\"'<>") != std::string::npos) {
            std::fprintf(stderr, "otklik-hub: --file needs --url, the hub's https:// address as terminals reach it\n");
            return kBadInput;
        }
        if (o.caFile.empty() && o.pins.empty()) {
            std::fprintf(stderr,
                         "otklik-hub: --file needs --ca-file (the CA certificate that signed the hub's) or --pin "
                         "(sha256// public-key pins), so the terminal can trust the hub before it knows anything else\n");
            return kBadInput;
        }
        for (const auto& pin : o.pins)
            if (!validPin(pin)) {
                std::fprintf(stderr, "otklik-hub: --pin \"%s\" is not a sha256// pin (\"sha256//\" and 44 base64 characters)\n", pin.c_str());
                return kBadInput;
            }
        if (!o.caFile.empty()) {
            if (!readFile(o.caFile, caPem)) return kBadInput;
            if (caPem.find("-----BEGIN CERTIFICATE-----") == std::string::npos || caPem.find("'''") != std::string::npos) {
                std::fprintf(stderr, "otklik-hub: %s is not a PEM certificate file\n", o.caFile.c_str());
                return kBadInput;
            }
        }
    }
    auto store = openStore(db);
    if (!store) return kFailed;
    NewEnrolCode code;
    try {
        code = store->createEnrolCode(o.id, o.centre, *ttl, SystemClock().wallMs());
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return kBadInput;
    } catch (const SqlError& e) {
        std::fprintf(stderr, "otklik-hub: %s\n", e.what());
        return kFailed;
    }
    std::printf("terminal: %s\ncentre: %s\ncode: %s\nexpires: %s\n", o.id.c_str(), o.centre.c_str(), code.code.c_str(),
                formatUtc(code.expiresAtMs).c_str());
    if (!o.file.empty()) {
        std::string error;
        // The code is a key until it is spent: the file is for its owner only.
        if (!writeFileDurably(o.file, enrolmentFile(o, code, caPem), error, 0600)) {
            std::fprintf(stderr, "otklik-hub: the code works, but the enrolment file was not written: %s\n", error.c_str());
            return kFailed;
        }
        std::printf("file: %s\n", o.file.c_str());
    }
    std::fprintf(stderr, "otklik-hub: type the code on the terminal (service menu, Enrol) within %s; it works once\n", o.ttl.c_str());
    return kOk;
}

int terminalSetPin(const std::string& db, const std::string& id) {
    // From stdin, so the PIN shows up in no process list and no shell history.
    std::string pin;
    std::getline(std::cin, pin);
    while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
    if (std::string problem = pinProblem(pin); !problem.empty()) {
        std::fprintf(stderr, "otklik-hub: that PIN is refused: %s; choose 6 to 12 digits without a pattern\n", problem.c_str());
        return kBadInput;
    }
    auto store = openStore(db);
    if (!store) return kFailed;
    PinHash hash = hashPin(pin, SystemClock().wallMs(), "hub");
    if (!store->setServicePin(id, pinHashJson(hash).dump())) return noSuchTerminal(id);
    std::printf("terminal %s: a new service PIN is set; the terminal takes it at its next config pull (within 5 minutes)\n", id.c_str());
    return kOk;
}

int terminalRecoveryCode(const std::string& db, const std::string& id, const std::string& challenge, const std::string& date) {
    std::string digits;
    for (char c : challenge)
        if (c >= '0' && c <= '9') digits += c;
        else if (c != ' ' && c != '-') digits = "x";
    if (digits.size() != 8) {
        std::fprintf(stderr, "otklik-hub: the challenge is the 8 digits the terminal's PIN pad shows, e.g. 4827 1930\n");
        return kBadInput;
    }
    std::string day = date.empty() ? utcDay(SystemClock().wallMs()) : date;
    if (!parseUtcDate(day) || day.size() != 10) {
        std::fprintf(stderr, "otklik-hub: --date \"%s\" is not a date: use YYYY-MM-DD (UTC)\n", date.c_str());
        return kBadInput;
    }
    auto store = openStore(db);
    if (!store) return kFailed;
    auto secret = store->qrSecret(id);
    if (!secret) return noSuchTerminal(id);
    std::string code = recoveryCode(*secret, id, digits, day);
    std::printf("code: %s %s\nvalid: on terminal %s, on %s (UTC), once, for challenge %s %s\n", code.substr(0, 5).c_str(), code.substr(5).c_str(),
                id.c_str(), day.c_str(), digits.substr(0, 4).c_str(), digits.substr(4).c_str());
    std::fprintf(stderr, "otklik-hub: type the 10 digits on the PIN pad instead of the PIN, then set a new PIN\n");
    return kOk;
}

int terminalEvents(const std::string& db, const std::string& id, bool asJson) {
    auto store = openStore(db);
    if (!store) return kFailed;
    if (!store->terminal(id)) return noSuchTerminal(id);
    for (const TerminalEvent& e : store->events(id, 200)) {
        if (asJson)
            std::printf("%s\n", nlohmann::json{{"id", e.id}, {"device", e.device}, {"at", formatUtc(e.atMs)}, {"received_at", formatUtc(e.receivedAtMs)},
                                                {"kind", e.kind}, {"detail", e.detail}}
                                    .dump()
                                    .c_str());
        else
            std::printf("%s  device %lld  %-18s %s\n", formatUtc(e.atMs).c_str(), static_cast<long long>(e.device), e.kind.c_str(), e.detail.c_str());
    }
    return kOk;
}

}  // namespace otklik::hub
