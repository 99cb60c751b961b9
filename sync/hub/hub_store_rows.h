// Shared by the store's files (hub_store*.cpp): reading rows into structs, and the checks of
// names a terminal is known by. Not for use outside the store.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "sync/hub/hub_store.h"
#include "sync/protocol/terminal_id.h"

namespace otklik::hub::rows {

inline std::optional<int64_t> optInt(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    return std::stoll(*v);
}

inline constexpr const char* kTerminalColumns =
    "id, centre, created_at_ms, revoked_at_ms, last_seen_ms, clock_offset_ms, high_water_seq, max_seq, reported_unsent, "
    "reported_oldest_unsent_s, reported_free_disk_bytes, version, config_error, device, device_base_seq, enrolled_at_ms, service_pin, "
    "pin_attempts, pin_failures, pin_lockouts, service_entries";

inline Terminal terminalFrom(const SqlRow& r) {
    Terminal t;
    t.id = r[0].value_or("");
    t.centre = r[1].value_or("");
    t.createdAtMs = optInt(r[2]).value_or(0);
    t.revokedAtMs = optInt(r[3]);
    t.lastSeenMs = optInt(r[4]);
    t.clockOffsetMs = optInt(r[5]);
    t.highWaterSeq = optInt(r[6]).value_or(0);
    t.maxSeq = optInt(r[7]).value_or(0);
    t.reportedUnsent = optInt(r[8]);
    t.reportedOldestUnsentS = optInt(r[9]);
    t.reportedFreeDiskBytes = optInt(r[10]);
    t.version = r[11].value_or("");
    t.configError = r[12].value_or("");
    t.device = optInt(r[13]).value_or(1);
    t.deviceBaseSeq = optInt(r[14]).value_or(0);
    t.enrolledAtMs = optInt(r[15]);
    t.servicePin = r[16].value_or("");
    t.reportedService = {optInt(r[17]), optInt(r[18]), optInt(r[19]), optInt(r[20])};
    return t;
}

inline bool validCentre(const std::string& centre) {
    if (centre.empty() || centre.size() > 200) return false;
    return std::none_of(centre.begin(), centre.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace otklik::hub::rows
