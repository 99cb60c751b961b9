// POST /api/v1/enrol from the terminal (see enrol_client.h).
#include "enrol_client.h"

#include <nlohmann/json.hpp>

#include "sync/client/http_client.h"
#include "sync/protocol/terminal_id.h"

namespace otklik {

using json = nlohmann::json;

namespace {

std::string text(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

EnrolAttempt enrolWithCode(HttpTransport& transport, const std::string& hubUrl, const std::string& code, int64_t firstSeq) {
    EnrolAttempt out;
    HttpRequest request;
    request.method = "POST";
    request.url = hubRouteUrl(hubUrl, "/api/v1/enrol");
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.body = json{{"code", code}, {"first_seq", firstSeq < 1 ? 1 : firstSeq}}.dump();
    request.maxReplyBytes = 4u << 20;
    HttpResult r = transport.send(request);
    if (!r.replied()) {
        out.reason = "network";
        out.message = "the hub could not be reached: " + r.errorMessage;
        // The hub may have spent the code and lost only its answer; a second try then says so.
        out.fix = "test the connection (service menu → Test connection), mend what it names and try the code again "
                  "(if the hub then says it was used, ask for a new code)";
        return out;
    }
    json body = json::parse(r.body, nullptr, false);
    if (r.status == 200) {
        EnrolReply reply;
        if (body.is_object()) {
            reply.terminalId = text(body, "terminal_id");
            reply.centre = text(body, "centre");
            reply.token = text(body, "token");
            reply.qrSecret = text(body, "qr_secret");
            if (body.contains("device") && body["device"].is_number_integer()) reply.device = body["device"].get<int64_t>();
            if (body.contains("replaced_device") && body["replaced_device"].is_number_integer())
                reply.replacedDevice = body["replaced_device"].get<int64_t>();
            if (body.contains("first_seq") && body["first_seq"].is_number_integer()) reply.firstSeq = body["first_seq"].get<int64_t>();
            if (body.contains("config") && body["config"].is_object()) reply.configJson = body["config"].dump();
        }
        if (!validTerminalId(reply.terminalId) || reply.token.empty()) {
            out.reason = "bad_reply";
            out.message = "the hub's answer to the enrolment is not an enrolment reply";
            out.fix = "check that the hub url points at otklik-hub";
            return out;
        }
        out.failure = EnrolFailure::None;
        out.reply = std::move(reply);
        return out;
    }
    out.reason = body.is_object() ? text(body, "code") : "";
    out.message = body.is_object() && !text(body, "error").empty() ? text(body, "error") : "the hub answered HTTP " + std::to_string(r.status);
    out.fix = body.is_object() ? text(body, "fix") : "";
    if (r.status == 404 || r.status == 409 || r.status == 410) {
        out.failure = EnrolFailure::WrongCode;
    } else if (r.status == 429) {
        out.failure = EnrolFailure::RateLimited;
        if (auto after = r.header("retry-after")) out.retryAfterS = std::atoi(after->c_str());
    } else if (r.status == 403 || r.status == 400) {
        out.failure = EnrolFailure::Refused;
    } else {
        out.failure = EnrolFailure::Unreachable;
        if (out.fix.empty()) out.fix = "test the connection (service menu → Test connection); the code stays valid";
    }
    return out;
}

}  // namespace otklik
