// `otklik-hub terminal enrol-code`: a one-time code for a technician, and optionally the
// enrolment file for a USB stick (docs/technician.md, "Enrolment").
#include <cstdio>
#include <regex>
#include <stdexcept>

#include "platform/clock.h"
#include "sync/hub/command_support.h"
#include "sync/hub/hub_commands.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/response.h"
#include "sync/protocol/toml_text.h"

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

}  // namespace otklik::hub
