// Enrolling the terminal (see enrolment.h).
#include "enrolment.h"

#include <cstdio>
#include <filesystem>

#include "kiosk/app/hub_connection.h"
#include "platform/log.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/response.h"

namespace otklik {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHubCaFile = "hub-ca.pem";

// Spending a code (and, for a replacement, ending the old device's token) is final, so the
// folder the credentials go to is proved writable first: a read-only or full data folder, or
// a shell user who may not write there, fails before the hub is asked.
bool credentialsCanBeWritten(const std::string& dataDir, std::string& error) {
    std::error_code ec;
    fs::create_directories(dataDir, ec);
    const std::string probe = credentialsPath(dataDir) + ".probe";
    const bool ok = writeFileDurably(probe, "probe\n", error, 0600);
    fs::remove(probe, ec);
    return ok;
}

}  // namespace

std::string EnrolmentResult::summary() const {
    if (!enrolled) {
        std::string out = attempt.message.empty() ? localError : attempt.message;
        if (!attempt.fix.empty()) out += ". Fix: " + attempt.fix;
        if (!localError.empty() && !attempt.message.empty()) out += ". " + localError;
        return out;
    }
    std::string out = "enrolled as terminal " + credentials.terminalId + " (" + credentials.centre + "), device " +
                      std::to_string(credentials.device);
    if (attempt.reply && attempt.reply->replacedDevice)
        out += ", replacing device " + std::to_string(*attempt.reply->replacedDevice) + " (its token no longer works)";
    return out;
}

EnrolmentResult enrolTerminal(const DeviceConfig& config, const std::string& typed, const EnrolmentFile* file, int64_t firstSeq,
                              const Clock& clock) {
    EnrolmentResult out;
    out.config = config;
    std::string writeError;
    if (!credentialsCanBeWritten(config.dataDir, writeError)) {
        out.localError = "nothing was sent: the credentials could not be kept in " + config.dataDir + " (" + writeError +
                         "); free the disk or let the kiosk's user write there (run `otklik-kiosk enrol` as that user), then try again";
        return out;
    }
    DeviceConfig::Hub hub = config.hub;
    std::string code = typed.empty() && file ? file->code : typed;
    // A CA from the stick is tried under a new name and takes the usual one only once the hub
    // accepted the code: a failed attempt must not break the trust of the enrolment in force.
    const std::string caPath = (fs::path(config.dataDir) / kHubCaFile).string();
    const std::string caTrial = caPath + ".new";
    if (file) {
        hub.url = file->url;
        hub.pins = file->pins;
        hub.caFile.clear();
        if (!file->caPem.empty()) {
            std::error_code ec;
            fs::create_directories(config.dataDir, ec);
            std::string error;
            if (!writeFileDurably(caTrial, file->caPem, error)) {
                out.localError = "the hub's certificate from the enrolment file could not be kept: " + error;
                return out;
            }
            hub.caFile = caTrial;
        }
    }
    if (hub.url.empty()) {
        out.attempt.message = "this terminal does not know its hub";
        out.attempt.fix = "put the hub's url (and ca_file or pins) under [hub] in the device config, or use an enrolment file on a USB stick";
        return out;
    }
    HttpClient client(tlsFrom(hub), interactiveTimeouts(), proxyFrom(hub));
    out.attempt = enrolWithCode(client, hub.url, code, firstSeq);
    if (out.attempt.failure != EnrolFailure::None) {
        std::error_code ec;
        fs::remove(caTrial, ec);
        log::warning("enrolment: refused: " + out.attempt.message);
        return out;
    }
    const EnrolReply& reply = *out.attempt.reply;
    Credentials c;
    c.terminalId = reply.terminalId;
    c.centre = reply.centre;
    c.token = reply.token;
    c.qrSecret = reply.qrSecret;
    c.device = reply.device;
    c.enrolledAt = formatUtc(clock.wallMs());
    if (!file) {
        // The hub and trust of an earlier enrolment by file carry over to one by typed code:
        // without them a terminal whose device config names no hub would lose its hub.
        CredentialsLoad previous = loadCredentials(config.dataDir);
        if (previous.credentials) {
            c.url = previous.credentials->url;
            c.caFile = previous.credentials->caFile;
            c.pins = previous.credentials->pins;
        }
    } else {
        c.url = file->url;
        c.pins = file->pins;
        if (!file->caPem.empty()) {
            std::error_code ec;
            fs::rename(caTrial, caPath, ec);
            if (ec) {
                out.localError = "the hub's certificate could not be put in place (" + ec.message() + ")";
                return out;
            }
            c.caFile = caPath;
        }
    }
    std::string error;
    if (!saveCredentials(config.dataDir, c, error)) {
        // The code is spent: say so plainly, nothing else can be done here.
        out.localError = "the hub enrolled this terminal, but its credentials could not be saved (" + error +
                         "); free the disk or fix the data folder, then enrol again with a new code";
        log::error("enrolment: " + out.localError);
        return out;
    }
    out.enrolled = true;
    out.credentials = c;
    std::vector<std::string> warnings;
    applyCredentials(c, out.config, warnings);
    for (const auto& w : warnings) log::warning("enrolment: " + w);
    log::info("enrolment: " + out.summary() + "; credentials written to " + credentialsPath(config.dataDir));
    out.test = testConnection(out.config, clock);
    return out;
}

}  // namespace otklik
