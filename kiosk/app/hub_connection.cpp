// The kiosk's clients to its hub (see hub_connection.h).
#include "hub_connection.h"

namespace otklik {

TlsSettings tlsFrom(const DeviceConfig::Hub& hub) {
    TlsSettings tls;
    tls.caFile = hub.caFile;
    tls.pins = hub.pins;
    tls.insecureDevelopmentOnly = hub.insecureDevelopmentOnly;
    return tls;
}

std::optional<std::string> proxyFrom(const DeviceConfig::Hub& hub) {
    if (hub.proxy.empty()) return std::nullopt;
    return hub.proxy;
}

HttpTimeouts interactiveTimeouts() {
    HttpTimeouts t;
    t.connectMs = 5000;
    t.totalMs = 15000;
    t.lowSpeedSeconds = 10;
    return t;
}

ConnectionReport testConnection(const DeviceConfig& config, const Clock& clock) {
    HttpClient client(tlsFrom(config.hub), interactiveTimeouts(), proxyFrom(config.hub));
    ConnectionTestSettings s;
    s.hubUrl = config.hub.url;
    s.token = config.hub.token;
    s.terminalId = config.terminalId;
    s.customCa = !config.hub.caFile.empty();
    s.pinned = !config.hub.pins.empty();
    s.insecure = config.hub.insecureDevelopmentOnly;
    s.clockSuspectAfterMs = config.hub.clockSuspectAfterS * 1000;
    return runConnectionTest(client, s, clock);
}

}  // namespace otklik
