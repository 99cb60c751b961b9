// How the kiosk reaches its hub, made from the device config in one place: the TLS settings
// and proxy of every client (delivery, enrolment, the connection test), and the connection
// test itself (`diagnose`, the service menu's network screen, after enrolment).
#pragma once

#include <optional>
#include <string>

#include "kiosk/config/device_config.h"
#include "platform/clock.h"
#include "sync/client/connection_test.h"
#include "sync/client/http_client.h"

namespace otklik {

[[nodiscard]] TlsSettings tlsFrom(const DeviceConfig::Hub& hub);
// nullopt = from the environment (https_proxy).
[[nodiscard]] std::optional<std::string> proxyFrom(const DeviceConfig::Hub& hub);
// Quicker than delivery's: a technician is waiting in front of the screen.
[[nodiscard]] HttpTimeouts interactiveTimeouts();

// The six steps against the config's hub with a fresh connection (nothing reused, so the DNS,
// TCP and TLS steps are really made). Blocks for at most the interactive timeouts.
[[nodiscard]] ConnectionReport testConnection(const DeviceConfig& config, const Clock& clock);

}  // namespace otklik
