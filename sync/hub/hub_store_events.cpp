// HubStore's part for service-mode events: what a terminal's technician did (entered service
// mode, changed a setting, exported to USB), as the terminal reports it. Stored once by the
// terminal's event id, so a resent report is harmless.
#include "sync/hub/hub_store.h"
#include "sync/hub/hub_store_rows.h"

namespace otklik::hub {

using namespace rows;

int64_t HubStore::storeEvents(const std::string& terminalId, const std::vector<TerminalEvent>& events) {
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    int64_t stored = 0;
    for (const TerminalEvent& e : events)
        stored += db->query(
                        "INSERT INTO terminal_events (id, terminal_id, device, at_ms, received_at_ms, kind, detail) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT DO NOTHING",
                        {e.id, terminalId, e.device, e.atMs, e.receivedAtMs, e.kind, e.detail})
                      .affected;
    tx.commit();
    return stored;
}

std::vector<TerminalEvent> HubStore::events(const std::string& terminalId, int limit) {
    auto db = pool_->borrow();
    std::vector<TerminalEvent> out;
    auto rows = db->query(
        "SELECT id, device, at_ms, received_at_ms, kind, detail FROM terminal_events WHERE terminal_id = ? ORDER BY at_ms DESC, id LIMIT " +
            std::to_string(limit),
        {terminalId});
    for (const auto& r : rows.rows)
        out.push_back({r[0].value_or(""), optInt(r[1]).value_or(1), optInt(r[2]).value_or(0), optInt(r[3]).value_or(0), r[4].value_or(""),
                       r[5].value_or("")});
    return out;
}

}  // namespace otklik::hub
