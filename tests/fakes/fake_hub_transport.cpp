// The in-memory hub: the batch rules of docs/hub.md ("Delivery rules") and the fault plan.
#include "tests/fakes/fake_hub_transport.h"

#include <cctype>
#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "sync/protocol/gzip.h"

namespace otklik::fakes {

using nlohmann::json;

namespace {

HttpResult reply(int status, const json& body, HttpHeaders headers = {}) {
    HttpResult result;
    result.status = status;
    result.headers = std::move(headers);
    result.headers.emplace_back("content-type", "application/json");
    result.body = body.dump();
    return result;
}

HttpResult errorReply(int status, const std::string& error, const std::string& fix, HttpHeaders headers = {}) {
    return reply(status, json{{"error", error}, {"fix", fix}}, std::move(headers));
}

HttpResult transportError(HttpErrorKind kind, const std::string& message) {
    HttpResult result;
    result.error = kind;
    result.errorMessage = message;
    return result;
}

bool ends(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string headerOf(const HttpRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers) {
        if (key.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; same && i < key.size(); ++i)
            same = std::tolower(static_cast<unsigned char>(key[i])) == std::tolower(static_cast<unsigned char>(name[i]));
        if (same) return value;
    }
    return {};
}

}  // namespace

const char* toString(HubFault fault) {
    switch (fault) {
        case HubFault::Timeout: return "Timeout";
        case HubFault::Tls: return "Tls";
        case HubFault::Connect: return "Connect";
        case HubFault::Status500: return "Status500";
        case HubFault::Status503: return "Status503";
        case HubFault::Status429: return "Status429";
        case HubFault::Status413: return "Status413";
        case HubFault::Status400: return "Status400";
        case HubFault::Status401: return "Status401";
        case HubFault::LostAck: return "LostAck";
    }
    return "?";
}

FakeHubTransport::FakeHubTransport(std::string token) : token_(std::move(token)), configBody_(configBody("", "")) {}

std::string FakeHubTransport::configBody(const std::string& questionnaireJson, const std::string& version, int heartbeatIntervalS) {
    json questionnaire = questionnaireJson.empty() ? json(nullptr) : json::parse(questionnaireJson);
    return json{{"terminal_id", "t-1"},
                {"centre", "МФЦ"},
                {"questionnaire", questionnaire},
                {"questionnaire_version", version},
                {"settings", {{"heartbeat_interval_s", heartbeatIntervalS}, {"batch_size", 200}, {"qr_token_window_s", 900}}}}
        .dump();
}

void FakeHubTransport::serveConfig(std::string body, bool withEtag) {
    std::lock_guard lock(mutex_);
    configBody_ = std::move(body);
    configEtag_ = withEtag;
}

HttpResult FakeHubTransport::configReply(const HttpRequest& request) {
    if (headerOf(request, "Authorization") != "Bearer " + token_)
        return errorReply(401, "unknown terminal token", "enrol the terminal again: `otklik-hub terminal add` prints a new token");
    char tag[32];
    std::snprintf(tag, sizeof tag, "\"%016zx\"", std::hash<std::string>{}(configBody_));
    std::string match = headerOf(request, "If-None-Match");
    if (configEtag_ && !match.empty() && match.find(tag) != std::string::npos) {
        HttpResult notModified;
        notModified.status = 304;
        notModified.headers = {{"etag", tag}};
        return notModified;
    }
    HttpResult result;
    result.status = 200;
    result.headers = {{"content-type", "application/json"}};
    if (configEtag_) result.headers.emplace_back("etag", tag);
    result.body = configBody_;
    return result;
}

void FakeHubTransport::failAt(int nth, HubFault fault, int times) {
    std::lock_guard lock(mutex_);
    int base = static_cast<int>(calls_.size());
    for (int i = 0; i < times; ++i) plan_[base + nth + i] = fault;
    fired_ = false;
}

void FakeHubTransport::heal() {
    std::lock_guard lock(mutex_);
    plan_.clear();
}

bool FakeHubTransport::fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
}

void FakeHubTransport::acceptToken(std::string token) {
    std::lock_guard lock(mutex_);
    token_ = std::move(token);
}

void FakeHubTransport::rejectId(const std::string& id, std::string reason) {
    std::lock_guard lock(mutex_);
    rejectIds_[id] = std::move(reason);
}

void FakeHubTransport::poisonId(const std::string& id, std::string error) {
    std::lock_guard lock(mutex_);
    poisonIds_[id] = std::move(error);
}

void FakeHubTransport::setMaxBodyBytes(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    maxBodyBytes_ = bytes;
}

void FakeHubTransport::setRetryAfterSeconds(int seconds) {
    std::lock_guard lock(mutex_);
    retryAfterSeconds_ = seconds;
}

void FakeHubTransport::forget(int64_t seq) {
    std::lock_guard lock(mutex_);
    auto found = seqs_.find(seq);
    if (found == seqs_.end()) return;
    stored_.erase(found->second);
    seqs_.erase(found);
}

std::vector<HubCall> FakeHubTransport::calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

std::map<std::string, std::string> FakeHubTransport::stored() const {
    std::lock_guard lock(mutex_);
    return stored_;
}

std::map<std::string, int> FakeHubTransport::storeCounts() const {
    std::lock_guard lock(mutex_);
    return storeCounts_;
}

int FakeHubTransport::duplicatesAnswered() const {
    std::lock_guard lock(mutex_);
    return duplicates_;
}

int64_t FakeHubTransport::highWater() const {
    std::lock_guard lock(mutex_);
    return highWaterLocked();
}

int64_t FakeHubTransport::highWaterLocked() const {
    int64_t high = 0;
    while (seqs_.count(high + 1)) ++high;
    return high;
}

HttpResult FakeHubTransport::send(const HttpRequest& request) {
    std::lock_guard lock(mutex_);
    HubCall call;
    call.body = request.body;
    call.method = request.method;
    call.ifNoneMatch = headerOf(request, "If-None-Match");
    const int number = static_cast<int>(calls_.size()) + 1;
    // The ids are read for the test's bookkeeping whatever happens to the call.
    std::string inflated;
    if (gunzip(request.body, 64u << 20, inflated) == GunzipError::None) {
        json parsed = json::parse(inflated, nullptr, false);
        if (parsed.is_object() && parsed.contains("responses") && parsed["responses"].is_array())
            for (const json& item : parsed["responses"]) call.ids.push_back(item.value("id", ""));
    }
    HttpResult result;
    auto planned = plan_.find(number);
    if (planned != plan_.end()) {
        fired_ = true;
        call.fault = planned->second;
        HttpHeaders retryAfter{{"retry-after", std::to_string(retryAfterSeconds_)}};
        switch (planned->second) {
            case HubFault::Timeout:
                result = transportError(HttpErrorKind::Timeout, "no answer from the hub within 60 s (injected)");
                break;
            case HubFault::Tls:
                result = transportError(HttpErrorKind::Tls, "the hub's certificate could not be verified (injected)");
                break;
            case HubFault::Connect:
                result = transportError(HttpErrorKind::Connect, "cannot connect to the hub: connection refused (injected)");
                break;
            case HubFault::Status500: result = errorReply(500, "internal error (injected)", ""); break;
            case HubFault::Status503:
                result = errorReply(503, "the hub's storage is unavailable just now", "retry later; nothing was stored by this request", retryAfter);
                break;
            case HubFault::Status429:
                result = errorReply(429, "too many requests from terminal t-1", "wait for Retry-After seconds", retryAfter);
                break;
            case HubFault::Status413: result = errorReply(413, "the body inflates to more than 32 MiB (injected)", "send smaller batches"); break;
            case HubFault::Status400: result = errorReply(400, "the body is not valid gzip (injected)", "compress the whole body with gzip"); break;
            case HubFault::Status401:
                result = errorReply(401, "unknown terminal token", "enrol the terminal again: `otklik-hub terminal add` prints a new token",
                                    {{"www-authenticate", "Bearer error=\"invalid_token\""}});
                break;
            case HubFault::LostAck:
                // Stored for real, then the connection drops before the reply arrives.
                (void)handle(request);
                result = transportError(HttpErrorKind::Receive, "the hub's reply was cut short (injected)");
                break;
        }
    } else {
        result = handle(request);
    }
    call.status = result.replied() ? result.status : 0;
    calls_.push_back(std::move(call));
    return result;
}

HttpResult FakeHubTransport::handle(const HttpRequest& request) {
    if (request.method == "GET" && ends(request.url, "/api/v1/config")) return configReply(request);
    if (request.method != "POST" || !ends(request.url, "/api/v1/responses:batch"))
        return errorReply(404, "no such route: " + request.method + " " + request.url, "see docs/api/openapi.yaml");
    if (headerOf(request, "Authorization") != "Bearer " + token_)
        return errorReply(401, "unknown terminal token", "enrol the terminal again: `otklik-hub terminal add` prints a new token",
                          {{"www-authenticate", "Bearer error=\"invalid_token\""}});
    if (headerOf(request, "Content-Type") != "application/json")
        return errorReply(415, "Content-Type must be application/json", "send JSON with Content-Type: application/json");
    std::string body = request.body;
    std::string encoding = headerOf(request, "Content-Encoding");
    if (encoding == "gzip") {
        std::string inflated;
        GunzipError error = gunzip(request.body, maxBodyBytes_, inflated);
        if (error == GunzipError::TooLarge)
            return errorReply(413, "the body inflates to more than " + std::to_string(maxBodyBytes_) + " bytes", "send smaller batches");
        if (error == GunzipError::Malformed) return errorReply(400, "the body is not valid gzip", "compress the whole body with gzip");
        body = std::move(inflated);
    } else if (!encoding.empty() && encoding != "identity") {
        return errorReply(415, "Content-Encoding \"" + encoding + "\" is not supported", "send gzip or no encoding");
    } else if (body.size() > maxBodyBytes_) {
        return errorReply(413, "the body is larger than " + std::to_string(maxBodyBytes_) + " bytes", "send smaller batches");
    }
    json parsed = json::parse(body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("responses") || !parsed["responses"].is_array())
        return errorReply(400, "the body must be an object with a \"responses\" list", "send {\"responses\": [...]}");
    const json& list = parsed["responses"];
    if (list.empty() || list.size() > 1000)
        return errorReply(400, "a batch holds 1 to 1000 responses, not " + std::to_string(list.size()), "split the batch");
    for (const json& item : list) {
        auto poison = poisonIds_.find(item.value("id", ""));
        if (poison != poisonIds_.end()) return errorReply(400, poison->second, "send responses the hub can read");
    }

    json results = json::array();
    int stored = 0, duplicates = 0, rejected = 0;
    for (const json& item : list) {
        std::string id = item.value("id", "");
        int64_t seq = item.value("seq", int64_t{0});
        json r{{"id", id}, {"seq", seq}};
        std::string content = item.dump();  // keys sorted: the same content gives the same text
        auto reject = rejectIds_.find(id);
        auto known = stored_.find(id);
        auto seqHolder = seqs_.find(seq);
        if (reject != rejectIds_.end()) {
            r["result"] = "rejected";
            r["reason"] = reject->second;
        } else if (known != stored_.end()) {
            if (known->second == content) {
                r["result"] = "duplicate";
            } else {
                r["result"] = "rejected";
                r["reason"] = "a response with this id and different content is stored";
                r["conflict"] = true;
            }
        } else if (seq < 1 || (seqHolder != seqs_.end() && seqHolder->second != id)) {
            r["result"] = "rejected";
            r["reason"] = "seq " + std::to_string(seq) + " is already used by another response";
            r["conflict"] = true;
        } else {
            stored_[id] = content;
            seqs_[seq] = id;
            ++storeCounts_[id];
            r["result"] = "stored";
        }
        std::string what = r["result"].get<std::string>();
        (what == "stored" ? stored : what == "duplicate" ? duplicates : rejected)++;
        results.push_back(std::move(r));
    }
    duplicates_ += duplicates;
    return reply(200, json{{"results", std::move(results)},
                           {"high_water_seq", highWaterLocked()},
                           {"stored", stored},
                           {"duplicates", duplicates},
                           {"rejected", rejected}});
}

}  // namespace otklik::fakes
