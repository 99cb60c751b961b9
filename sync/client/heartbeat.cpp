// The heartbeat chore: its body, its schedule, and the clock sample from the hub's reply.
#include "heartbeat.h"

#include <sys/statvfs.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "platform/log.h"
#include "sync/client/http_client.h"

#ifndef OTKLIK_VERSION
#error "OTKLIK_VERSION must be defined (the CMake project version; see sync/client/CMakeLists.txt)"
#endif

namespace otklik {

using nlohmann::json;

namespace {

constexpr int64_t kMinIntervalMs = 30'000;       // a hub setting below this would be a mistake, not a wish
constexpr int64_t kMaxIntervalMs = 86'400'000;   // a day: the hub should still hear now and then
constexpr size_t kMaxConfigErrorBytes = 500;      // the hub keeps this much (docs/api/openapi.yaml)

// At most `limit` bytes of UTF-8 text, never cutting a character in two.
std::string utf8Prefix(const std::string& text, size_t limit) {
    if (text.size() <= limit) return text;
    size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace

const char* softwareVersion() { return OTKLIK_VERSION; }

std::optional<int64_t> freeDiskBytes(const std::string& path) {
    struct statvfs fs {};
    if (path.empty() || ::statvfs(path.c_str(), &fs) != 0) return std::nullopt;
    return static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
}

Heartbeat::Heartbeat(HeartbeatSettings settings, Outbox& outbox, HttpTransport& transport, const Clock& clock, ClockOffset* offset)
    : settings_(std::move(settings)),
      outbox_(outbox),
      transport_(transport),
      clock_(clock),
      offset_(offset),
      startedMonoMs_(clock.monoMs()),
      dueMonoMs_(startedMonoMs_ + std::max<int64_t>(settings_.firstDelayMs, 0)) {
    if (settings_.version.empty()) settings_.version = softwareVersion();
}

int64_t Heartbeat::intervalMs() const {
    int64_t ms = settings_.intervalMs;
    if (settings_.intervalSeconds) {
        int64_t seconds = settings_.intervalSeconds();
        if (seconds > 0) ms = seconds > kMaxIntervalMs / 1000 ? kMaxIntervalMs : seconds * 1000;
    }
    return std::clamp(ms, kMinIntervalMs, kMaxIntervalMs);
}

int64_t Heartbeat::msUntilDue() { return dueMonoMs_ - clock_.monoMs(); }

std::string Heartbeat::body() {
    const int64_t now = clock_.wallMs();
    // While storage fails the counts are unknown; the hub is told 0 unsent then, and the
    // uploader's and storage guard's own reports say why.
    OutboxSummary summary = outbox_.summary();
    json j = {{"version", settings_.version},
              {"uptime_s", std::max<int64_t>(0, (clock_.monoMs() - startedMonoMs_) / 1000)},
              {"unsent", summary.pending},
              {"terminal_time_ms", std::max<int64_t>(0, now)}};
    if (!settings_.terminalId.empty()) j["terminal_id"] = settings_.terminalId;
    if (summary.oldestPendingAtMs) j["oldest_unsent_age_s"] = std::max<int64_t>(0, (now - *summary.oldestPendingAtMs) / 1000);
    if (auto free = freeDiskBytes(settings_.dataDir)) j["free_disk_bytes"] = *free;
    if (settings_.configError) j["config_error"] = utf8Prefix(settings_.configError(), kMaxConfigErrorBytes);
    if (settings_.serviceCounts)
        if (auto counts = settings_.serviceCounts())
            j["service"] = {{"pin_attempts", counts->pinAttempts}, {"pin_failures", counts->pinFailures}, {"pin_lockouts", counts->pinLockouts},
                            {"entries", counts->entries}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void Heartbeat::run() {
    HttpRequest request;
    request.method = "POST";
    request.url = hubRouteUrl(settings_.hubUrl, "/api/v1/heartbeat");
    request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + settings_.token}};
    request.body = body();
    request.maxReplyBytes = 64 * 1024;

    const int64_t sentAt = clock_.wallMs();
    HttpResult result = transport_.send(request);
    const int64_t receivedAt = clock_.wallMs();
    const int64_t interval = intervalMs();

    json reply = result.replied() && result.status == 200 ? json::parse(result.body, nullptr, false) : json();
    if (reply.is_object() && reply.contains("hub_time_ms") && reply["hub_time_ms"].is_number_integer()) {
        if (offset_) offset_->add(estimateFromHubTime(reply["hub_time_ms"].get<int64_t>(), sentAt, receivedAt), receivedAt);
        failures_ = 0;
        ++sent_;
        lastSuccessMs_ = receivedAt;
        lastLogged_.clear();
        dueMonoMs_ = clock_.monoMs() + interval;
        return;
    }
    // A hub that answers but refuses the heartbeat will not mend by itself soon: asked again
    // only every interval, and said once (a refused token too: with nothing pending, no batch
    // would tell). Network trouble and 5xx are the uploader's to report.
    if (result.replied() && result.status >= 400 && result.status < 500 && result.status != 429) {
        std::string what = "heartbeat: the hub answered " + std::to_string(result.status) + " (" + result.body.substr(0, 300) +
                           "); the terminal goes on without it and tries again every " + std::to_string(interval / 1000) + " s";
        if (what != lastLogged_) log::warning(what);
        lastLogged_ = what;
        dueMonoMs_ = clock_.monoMs() + interval;
        return;
    }
    // Sooner than the interval, so a short outage does not leave the terminal looking silent on
    // the hub's page for five minutes; doubling, so a hub that is down is not pressed.
    int64_t retry = settings_.retryBaseMs;
    for (int i = 0; i < failures_ && retry < interval; ++i) retry *= 2;
    ++failures_;
    dueMonoMs_ = clock_.monoMs() + std::clamp<int64_t>(retry, 1000, interval);
}

}  // namespace otklik
