// The device config turned into the settings each part of the kiosk takes, in one place, so
// the program, the benchmarks and the tests wire the same way.
#pragma once

#include "kiosk/config/device_config.h"
#include "kiosk/flow/flow.h"
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
    return {c.centreName, c.qrBaseUrl, c.diagonalInches, !c.hub.url.empty() && c.hub.insecureDevelopmentOnly};
}

inline OutboxSettings outboxSettings(const DeviceConfig& c) {
    return {c.dataDir, "", c.keepDeliveredDays, c.storageBudgetMb << 20, c.storageWarnPercent};
}

}  // namespace otklik
