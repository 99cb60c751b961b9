// The outbox's record of the hub clock offset (schema version 3: columns of sync_status),
// kept apart from outbox_store.cpp, which is long enough already.
#include "sync/client/outbox_store.h"

namespace otklik {

std::optional<ClockEstimate> OutboxStore::clockEstimate(sqlite::Error& error) {
    if (schemaVersion_ < 3) return std::nullopt;
    auto s = db_->prepare("SELECT clock_offset_ms, clock_uncertainty_ms, clock_measured_at_ms FROM sync_status WHERE id = 1", error);
    if (!s) return std::nullopt;
    if (!s->step()) {
        if (s->error()) error = s->error();
        return std::nullopt;
    }
    if (s->columnIsNull(0) || s->columnIsNull(1) || s->columnIsNull(2)) return std::nullopt;
    return ClockEstimate{s->columnInt(0), s->columnInt(1), s->columnInt(2)};
}

sqlite::Error OutboxStore::saveClockEstimate(const ClockEstimate& estimate) {
    sqlite::Error error;
    // The row exists from the version 2 migration on; UPDATE leaves the uploader's columns alone.
    auto s = db_->prepare("UPDATE sync_status SET clock_offset_ms = ?1, clock_uncertainty_ms = ?2, clock_measured_at_ms = ?3 WHERE id = 1",
                          error);
    if (!s) return error;
    s->bind(1, estimate.offsetMs).bind(2, estimate.uncertaintyMs).bind(3, estimate.measuredAtMs);
    return s->run();
}

}  // namespace otklik
