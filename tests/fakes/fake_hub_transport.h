// An otklik-hub in memory behind the HttpTransport seam: POST /api/v1/responses:batch with the
// hub's rules (gunzip, bearer token, each response stored once by id, per-item stored /
// duplicate / rejected, high_water_seq), GET /api/v1/config with ETag / If-None-Match, plus a fault plan that fails chosen calls the ways a
// real network and hub fail — including storing a batch and then losing the reply.
// Thread-safe, so a test can watch while an Uploader's thread calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/client/http_client.h"

namespace otklik::fakes {

enum class HubFault {
    Timeout,   // no reply in time (HttpErrorKind::Timeout); nothing stored
    Tls,       // handshake failed; nothing stored
    Connect,   // refused; nothing stored
    Status500,
    Status503, // with Retry-After (retryAfterSeconds), as the hub answers when its store fails
    Status429, // with Retry-After
    Status413,
    Status400,
    Status401,
    LostAck,   // the batch IS stored, then the reply is cut (HttpErrorKind::Receive)
};
inline constexpr HubFault kAllHubFaults[] = {HubFault::Timeout,   HubFault::Tls,       HubFault::Connect,   HubFault::Status500,
                                             HubFault::Status503, HubFault::Status429, HubFault::Status413, HubFault::Status400,
                                             HubFault::Status401, HubFault::LostAck};
const char* toString(HubFault fault);

// One request as the fake hub saw it.
struct HubCall {
    std::vector<std::string> ids;   // the responses' ids in request order (empty if unreadable)
    std::string body;               // as received (gzip)
    std::optional<HubFault> fault;  // injected on this call
    int status = 0;                 // answered; 0 when no reply was given
    std::string method;             // "POST", "GET"
    std::string ifNoneMatch;        // the If-None-Match header sent, if any
};

class FakeHubTransport final : public HttpTransport {
public:
    explicit FakeHubTransport(std::string token);

    [[nodiscard]] HttpResult send(const HttpRequest& request) override;

    // The fault plan: calls nth .. nth + times - 1 (1-based, counting every call) fail with `fault`.
    void failAt(int nth, HubFault fault, int times = 1);
    void heal();
    [[nodiscard]] bool fired() const;  // whether a planned fault happened

    // The hub's own judgement of content.
    void acceptToken(std::string token);
    void rejectId(const std::string& id, std::string reason);  // that item is `rejected` (the others stored)
    void poisonId(const std::string& id, std::string error);   // a batch holding it is refused whole: 400
    void setMaxBodyBytes(std::size_t bytes);                   // a larger inflated body: 413
    void setRetryAfterSeconds(int seconds);                    // sent with 503 and 429 (default 5)
    void forget(int64_t seq);                                  // lose a stored response (a hub restored from a backup)
    // GET /api/v1/config answers with this body (default: no questionnaire, the hub's default
    // settings) and an ETag made from it (none when withEtag is false); If-None-Match → 304.
    void serveConfig(std::string body, bool withEtag = true);
    // A config body as the real hub builds it; questionnaireJson "" = none assigned.
    static std::string configBody(const std::string& questionnaireJson, const std::string& version, int heartbeatIntervalS = 300);

    [[nodiscard]] std::vector<HubCall> calls() const;
    // id -> the response as stored (the JSON object received).
    [[nodiscard]] std::map<std::string, std::string> stored() const;
    // How many times each id was newly stored (exactly once is the contract); duplicates answered.
    [[nodiscard]] std::map<std::string, int> storeCounts() const;
    [[nodiscard]] int duplicatesAnswered() const;
    [[nodiscard]] int64_t highWater() const;

private:
    HttpResult handle(const HttpRequest& request);  // the hub proper, mutex_ held
    HttpResult configReply(const HttpRequest& request);  // mutex_ held
    int64_t highWaterLocked() const;

    mutable std::mutex mutex_;
    std::string token_;
    std::map<int, HubFault> plan_;  // call number -> fault
    bool fired_ = false;
    std::map<std::string, std::string> rejectIds_, poisonIds_;
    std::size_t maxBodyBytes_ = 32u << 20;
    int retryAfterSeconds_ = 5;
    std::vector<HubCall> calls_;
    std::map<std::string, std::string> stored_;  // id -> canonical JSON
    std::map<int64_t, std::string> seqs_;        // seq -> id
    std::map<std::string, int> storeCounts_;
    int duplicates_ = 0;
    std::string configBody_;
    bool configEtag_ = true;
};

}  // namespace otklik::fakes
