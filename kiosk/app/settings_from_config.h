// The device config turned into the settings each part of the kiosk takes, in one place, so
// the program, the benchmarks and the tests wire the same way.
#pragma once

#include "kiosk/config/device_config.h"
#include "kiosk/flow/flow.h"
#include "kiosk/flow/qr_rotation.h"
#include "kiosk/ui/kiosk_ui.h"
#include "platform/clock.h"
#include "sync/client/outbox_store.h"

namespace otklik {

inline flow::Settings flowSettings(const DeviceConfig& c) {
    flow::Settings s;
    s.terminalId = c.terminalId;
    s.bootId = bootId();
    s.languages = c.languages;
    s.idleTimeoutMs = c.idleTimeoutMs;
    s.thanksMs = c.thanksMs;
    s.repeatIntervalMs = c.repeatIntervalMs;
    return s;
}

inline ui::UiSettings uiSettings(const DeviceConfig& c) {
    // With a QR secret the codes come from the QrRotation; nothing static to encode meanwhile.
    return {c.centreName, c.hub.qrSecret.empty() ? c.qrBaseUrl : std::string(), c.diagonalInches,
            !c.hub.url.empty() && c.hub.insecureDevelopmentOnly};
}

// Signed codes opening the hub when the terminal has its QR secret; the static qr_base_url
// link otherwise (docs/device-config.md).
inline flow::QrSettings qrSettings(const DeviceConfig& c) {
    return {c.qrBaseUrl, c.hub.url, c.hub.qrSecret, c.terminalId, c.hub.qrRotateS * 1000};
}

inline OutboxSettings outboxSettings(const DeviceConfig& c) {
    return {c.dataDir, "", c.keepDeliveredDays, c.storageBudgetMb << 20, c.storageWarnPercent};
}

}  // namespace otklik
