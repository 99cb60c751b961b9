// The enrolment route (see enrol_api.h).
#include "enrol_api.h"

#include "platform/log.h"
#include "sync/hub/api.h"
#include "sync/hub/json_body.h"
#include "sync/protocol/enrol_code.h"
#include "sync/protocol/response.h"

namespace otklik::hub {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxEnrolBodyBytes = 4096;

HttpReply refused(int status, const std::string& error, const std::string& fix, const std::string& code) {
    return errorReply(status, error, fix, code);
}

}  // namespace

EnrolRoutes::EnrolRoutes(HubStore& store, const Clock& clock, EnrolSettings settings, std::function<json(const Terminal&)> configFor)
    : store_(store),
      clock_(clock),
      configFor_(std::move(configFor)),
      perAddress_(1.0 / settings.perAddressEveryS, settings.perAddressBurst),
      overall_(1.0 / settings.overallEveryS, settings.overallBurst) {}

HttpReply EnrolRoutes::handle(const HttpRequest& request) {
    if (request.method != "POST") return errorReply(405, request.method + " is not allowed here", "use POST");
    const std::string& from = request.remoteAddress;
    const int64_t now = clock_.wallMs();
    // Every attempt counts, right or wrong: a real enrolment is one request in months. One
    // address is held back first, so a single guesser does not use up everyone's allowance.
    int retryAfter = 1;
    if (!perAddress_.allow(from, now, retryAfter) || !overall_.allow("*", now, retryAfter)) {
        log::warning("hub: enrolment attempt from " + from + " refused: too many attempts (retry after " + std::to_string(retryAfter) + " s)");
        HttpReply reply = refused(429, "too many enrolment attempts", "wait " + std::to_string(retryAfter) + " s, then type the code again",
                                  "rate_limited");
        reply.headers.emplace_back("Retry-After", std::to_string(retryAfter));
        return reply;
    }
    if (request.body.size() > kMaxEnrolBodyBytes) return refused(413, "the enrolment request is too large", "send {\"code\": \"XXXX-XXXX\"}", "");
    std::string error;
    auto body = parseJson(request.body, error);
    if (!body || !body->is_object() || !body->contains("code") || !(*body)["code"].is_string()) {
        log::warning("hub: enrolment attempt from " + from + " refused: malformed request");
        return refused(400, body ? "the request has no \"code\" string" : error, "send {\"code\": \"XXXX-XXXX\"}", "");
    }
    int64_t firstSeq = 1;
    if (auto it = body->find("first_seq"); it != body->end()) {
        if (!it->is_number_integer() || it->get<int64_t>() < 1)
            return refused(400, "\"first_seq\" must be a whole number, 1 or more", "send the seq the terminal's next response gets, or leave it out", "");
        firstSeq = it->get<int64_t>();
    }
    const std::string typed = (*body)["code"].get<std::string>();
    auto code = normalizeEnrolCode(typed);
    if (!code) {
        log::warning("hub: enrolment attempt from " + from + " refused: not a code");
        return refused(404, "that is not an enrolment code", "an enrolment code has 8 letters and digits, shown as XXXX-XXXX", "code_unknown");
    }
    Enrolment e = store_.redeemEnrolCode(*code, firstSeq, from, now);
    switch (e.result) {
        case EnrolResult::UnknownCode:
            log::warning("hub: enrolment attempt from " + from + " refused: unknown code");
            return refused(404, "unknown enrolment code", "check the code (letters and digits as printed); ask for a new one if it is lost",
                           "code_unknown");
        case EnrolResult::UsedCode:
            log::warning("hub: enrolment attempt from " + from + " refused: the code was used already");
            return refused(409, "this enrolment code was used already" + (e.usedAtMs ? " (" + formatUtc(*e.usedAtMs) + ")" : std::string()),
                           "each code enrols one terminal once: ask for a new code (`otklik-hub terminal enrol-code`)", "code_used");
        case EnrolResult::ExpiredCode:
            log::warning("hub: enrolment attempt from " + from + " refused: the code has expired");
            return refused(410, "this enrolment code has expired", "ask for a new code (`otklik-hub terminal enrol-code`)", "code_expired");
        case EnrolResult::RevokedTerminal:
            log::warning("hub: enrolment attempt from " + from + " refused: the code's terminal is revoked");
            return refused(403, "the terminal this code enrols has been revoked", "enrol the device under a new terminal id", "terminal_revoked");
        case EnrolResult::Enrolled: break;
    }
    const Terminal& t = e.terminal;
    log::info("hub: terminal " + t.id + " (" + t.centre + ") enrolled from " + from + " as device " + std::to_string(t.device) +
              (e.replacedDevice ? ", replacing device " + std::to_string(*e.replacedDevice) + " (its token no longer works)" : std::string()) +
              "; its numbering starts at seq " + std::to_string(t.deviceBaseSeq + 1));
    json reply{{"terminal_id", t.id},
               {"centre", t.centre},
               {"token", e.secrets.token},
               {"qr_secret", e.secrets.qrSecret},
               {"device", t.device},
               {"first_seq", t.deviceBaseSeq + 1},
               {"config", configFor_(t)}};
    if (e.replacedDevice) reply["replaced_device"] = *e.replacedDevice;
    HttpReply out;
    out.body = reply.dump(-1, ' ', false, json::error_handler_t::replace);
    out.headers.emplace_back("Cache-Control", "no-store");
    return out;
}

}  // namespace otklik::hub
