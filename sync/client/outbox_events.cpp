// The outbox's service-mode events (see outbox_store.h): appended when they happen, read
// oldest first for the hub, removed once the hub has them.
#include "sync/client/outbox_store.h"

namespace otklik {

using sqlite::Error;

Error OutboxStore::addServiceEvent(const ServiceEvent& e) {
    Error error;
    auto s = db_->prepare("INSERT OR IGNORE INTO service_events (id, at_ms, kind, detail) VALUES (?1, ?2, ?3, ?4)", error);
    if (!s) return error;
    s->bind(1, e.id).bind(2, e.atMs).bind(3, e.kind).bind(4, e.detail);
    return s->run();
}

std::vector<ServiceEvent> OutboxStore::serviceEvents(int limit, Error& error) {
    std::vector<ServiceEvent> out;
    auto s = db_->prepare("SELECT id, at_ms, kind, detail FROM service_events ORDER BY at_ms, id LIMIT ?1", error);
    if (!s) return out;
    s->bind(1, static_cast<int64_t>(limit));
    while (s->step()) out.push_back({s->columnText(0), s->columnInt(1), s->columnText(2), s->columnText(3)});
    if (s->error()) error = s->error();
    return out;
}

Error OutboxStore::removeServiceEvents(const std::vector<std::string>& ids) {
    Error error;
    if ((error = db_->exec("BEGIN IMMEDIATE"))) return error;
    auto s = db_->prepare("DELETE FROM service_events WHERE id = ?1", error);
    for (const auto& id : ids) {
        if (!s) break;
        s->bind(1, id);
        if ((error = s->run())) break;
    }
    if (error || !s) {
        (void)db_->exec("ROLLBACK");
        return error;
    }
    return db_->exec("COMMIT");
}

}  // namespace otklik
