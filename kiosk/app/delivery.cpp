// The kiosk's delivery wiring (see delivery.h).
#include "delivery.h"

#include "platform/log.h"

namespace otklik {

namespace {

TlsSettings tlsFrom(const DeviceConfig::Hub& hub) {
    TlsSettings tls;
    tls.caFile = hub.caFile;
    tls.pins = hub.pins;
    tls.insecureDevelopmentOnly = hub.insecureDevelopmentOnly;
    return tls;
}

UploaderSettings uploaderFrom(const DeviceConfig::Hub& hub) {
    UploaderSettings s;
    s.hubUrl = hub.url;
    s.token = hub.token;
    s.batchSize = hub.batchSize;
    return s;
}

std::optional<std::string> proxyFrom(const DeviceConfig::Hub& hub) {
    if (hub.proxy.empty()) return std::nullopt;  // from the environment
    return hub.proxy;
}

}  // namespace

Delivery::Delivery(const DeviceConfig& config, Outbox& outbox, const Clock& clock)
    : client_(tlsFrom(config.hub), HttpTimeouts{}, proxyFrom(config.hub)), uploader_(uploaderFrom(config.hub), outbox, client_, clock) {
    if (config.hub.insecureDevelopmentOnly)
        log::warning("delivery: TLS checks are OFF (insecure_development_only) — never on a real terminal");
}

Delivery::~Delivery() { uploader_.stop(); }

void Delivery::finish(std::chrono::milliseconds budget) {
    uploader_.stop();
    auto deadline = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < deadline) {
        AttemptResult r = uploader_.attempt();
        if (r.outcome != AttemptOutcome::Progress && r.outcome != AttemptOutcome::Split) break;
    }
}

}  // namespace otklik
