// The hub's store on top of the SQL pool: terminals, questionnaires, idempotent batch ingest,
// heartbeats and export queries (see hub_store.h; the schema is in hub_schema.cpp).
#include "hub_store.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "sync/hub/hub_store_rows.h"
#include "sync/protocol/crypto.h"

namespace otklik::hub {

using namespace rows;

const char* toString(ItemResult result) {
    switch (result) {
        case ItemResult::Stored: return "stored";
        case ItemResult::Duplicate: return "duplicate";
        case ItemResult::Rejected: return "rejected";
    }
    return "rejected";
}

HubStore::HubStore(std::shared_ptr<SqlPool> pool) : pool_(std::move(pool)) {}

SqlDialect HubStore::dialect() const { return pool_->dialect(); }

void HubStore::ping() {
    auto db = pool_->borrow();
    db->query("SELECT 1");
}

NewTerminalSecrets HubStore::addTerminal(const std::string& id, const std::string& centre, int64_t nowMs) {
    if (!validTerminalId(id))
        throw std::invalid_argument("terminal id \"" + id + "\" is not valid: use 1-64 letters, digits, '-', '_' or '.'");
    if (!validCentre(centre)) throw std::invalid_argument("centre name must be 1-200 characters without control characters");
    NewTerminalSecrets secrets{"otk_" + randomToken(32), randomToken(32)};
    auto db = pool_->borrow();
    auto inserted = db->query(
        "INSERT INTO terminals (id, centre, token_hash, qr_secret, created_at_ms) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING id",
        {id, centre, sha256Hex(secrets.token), secrets.qrSecret, nowMs});
    if (inserted.rows.empty())
        throw std::invalid_argument("terminal \"" + id + "\" already exists: revoke it and add it under a new id to issue new secrets");
    return secrets;
}

std::vector<Terminal> HubStore::terminals() {
    auto db = pool_->borrow();
    std::vector<Terminal> out;
    for (const auto& row : db->query(std::string("SELECT ") + kTerminalColumns + " FROM terminals ORDER BY centre, id").rows)
        out.push_back(terminalFrom(row));
    return out;
}

std::optional<Terminal> HubStore::terminal(const std::string& id) {
    auto db = pool_->borrow();
    auto rows = db->query(std::string("SELECT ") + kTerminalColumns + " FROM terminals WHERE id = ?", {id});
    if (rows.rows.empty()) return std::nullopt;
    return terminalFrom(rows.rows[0]);
}

bool HubStore::revokeTerminal(const std::string& id, int64_t nowMs) {
    auto db = pool_->borrow();
    auto result = db->query("UPDATE terminals SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL", {nowMs, id});
    if (result.affected > 0) return true;
    return !db->query("SELECT id FROM terminals WHERE id = ?", {id}).rows.empty();  // already revoked
}

std::optional<Terminal> HubStore::terminalByTokenHash(const std::string& tokenHash) {
    auto db = pool_->borrow();
    auto rows = db->query(std::string("SELECT ") + kTerminalColumns + " FROM terminals WHERE token_hash = ?", {tokenHash});
    if (rows.rows.empty()) return std::nullopt;
    return terminalFrom(rows.rows[0]);
}

std::optional<std::string> HubStore::qrSecret(const std::string& terminalId) {
    auto db = pool_->borrow();
    return db->query("SELECT qr_secret FROM terminals WHERE id = ?", {terminalId}).scalar();
}

void HubStore::setQuestionnaire(const std::string& scope, const std::string& name, const std::string& json, const std::string& version,
                                int64_t nowMs) {
    if (scope != "terminal" && scope != "centre") throw std::invalid_argument("scope must be terminal or centre");
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    db->query("DELETE FROM questionnaires WHERE scope = ? AND name = ?", {scope, name});
    db->query("INSERT INTO questionnaires (scope, name, body, version, set_at_ms) VALUES (?, ?, ?, ?, ?)", {scope, name, json, version, nowMs});
    tx.commit();
}

AssignedConfig HubStore::configFor(const Terminal& terminal) {
    auto db = pool_->borrow();
    for (auto [scope, name] : {std::pair<const char*, const std::string&>{"terminal", terminal.id}, {"centre", terminal.centre}}) {
        auto rows = db->query("SELECT body, version FROM questionnaires WHERE scope = ? AND name = ?", {std::string(scope), name});
        if (!rows.rows.empty()) return {scope, rows.rows[0][0].value_or(""), rows.rows[0][1].value_or("")};
    }
    return {};
}

std::optional<std::string> HubStore::questionnaireForResults(const std::string& centre) {
    auto db = pool_->borrow();
    if (!centre.empty()) {
        auto own = db->query("SELECT body FROM questionnaires WHERE scope = 'centre' AND name = ?", {centre}).scalar();
        if (own) return own;
    }
    return db->query("SELECT body FROM questionnaires ORDER BY set_at_ms DESC LIMIT 1").scalar();
}

namespace {

// Rows per INSERT: 14 parameters each stays far below both engines' parameter limits.
constexpr size_t kInsertChunk = 200;

// A response the insert skipped: the same one again (duplicate) or a conflict, said in words.
void resolveExisting(SqlConnection& db, const std::string& terminalId, int64_t device, const IncomingResponse& r, ItemOutcome& item) {
    auto known = db.query("SELECT terminal_id, seq, content_hash FROM responses WHERE id = ?", {r.id});
    if (!known.rows.empty()) {
        const auto& k = known.rows[0];
        // The same response from the same terminal: a resend (also by a replacement device that
        // found it still pending in a restored outbox).
        if (k[0] == terminalId && optInt(k[1]) == r.seq && k[2] == r.contentHash) {
            item.result = ItemResult::Duplicate;
            return;
        }
        item.result = ItemResult::Rejected;
        item.conflict = true;
        item.reason = "conflict: a response with this id is already stored with different content; the stored one is kept";
        return;
    }
    auto holder = db.query("SELECT id FROM responses WHERE terminal_id = ? AND device = ? AND seq = ?", {terminalId, device, r.seq}).scalar();
    item.result = ItemResult::Rejected;
    item.conflict = true;
    item.reason = "conflict: seq " + std::to_string(r.seq) + " is already held by response " + holder.value_or("?");
}

}  // namespace

BatchOutcome HubStore::storeBatch(const std::string& terminalId, const std::string& centre, const std::vector<BatchItem>& items,
                                  int64_t nowMs) {
    BatchOutcome outcome;
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    // Batches of one terminal take turns (row lock on PostgreSQL; SQLite has one writer anyway),
    // so the high-water mark below is computed from a stable view.
    std::string lock = std::string("SELECT high_water_seq, max_seq, device FROM terminals WHERE id = ?") +
                       (db->dialect() == SqlDialect::Postgres ? " FOR UPDATE" : "");
    auto marks = db->query(lock, {terminalId});
    if (marks.rows.empty()) throw std::invalid_argument("unknown terminal " + terminalId);
    int64_t highWater = optInt(marks.rows[0][0]).value_or(0);
    int64_t maxSeq = optInt(marks.rows[0][1]).value_or(0);
    const int64_t device = optInt(marks.rows[0][2]).value_or(1);

    // Multi-row inserts (a round trip per chunk, not per response). Whatever a chunk did not
    // insert is looked at one by one: the same response again (a retry whose reply was lost),
    // or a clash with what is stored.
    outcome.items.resize(items.size());
    std::vector<size_t> chunk;
    std::set<std::string> seenInBatch;
    auto flush = [&] {
        if (chunk.empty()) return;
        std::string sql =
            "INSERT INTO responses (id, terminal_id, device, seq, centre, service, channel, status, language, questionnaire_id, "
            "questionnaire_version, completed_at_ms, received_at_ms, content_hash, body) VALUES ";
        std::vector<SqlValue> params;
        params.reserve(chunk.size() * 15);
        for (size_t k = 0; k < chunk.size(); ++k) {
            const IncomingResponse& r = *items[chunk[k]].response;
            sql += k ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
            params.insert(params.end(), {r.id, terminalId, device, r.seq, centre, r.service, r.channel, r.status, r.language,
                                         r.questionnaireId, r.questionnaireVersion, r.completedAtMs, nowMs, r.contentHash, r.body});
        }
        std::set<std::string> inserted;
        for (const auto& row : db->query(sql + " ON CONFLICT DO NOTHING RETURNING id", params).rows) inserted.insert(row[0].value_or(""));
        for (size_t index : chunk) {
            const IncomingResponse& r = *items[index].response;
            ItemOutcome item{r.id, r.seq, ItemResult::Stored, {}, false};
            // An id sent twice in one batch is inserted once: the first occurrence is "stored".
            if (inserted.erase(r.id) == 0) {
                resolveExisting(*db, terminalId, device, r, item);
            } else {
                maxSeq = std::max(maxSeq, r.seq);
            }
            outcome.items[index] = std::move(item);
        }
        chunk.clear();
    };
    for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].response) {
            outcome.items[i] = items[i].rejected;
            continue;
        }
        // A repeated id waits for a later chunk, so it meets the stored first one.
        if (!seenInBatch.insert(items[i].response->id).second) flush();
        chunk.push_back(i);
        if (chunk.size() == kInsertChunk) flush();
    }
    flush();

    // Advance the gap-free high-water mark over whatever is now contiguous.
    for (;;) {
        auto next = db->query("SELECT seq FROM responses WHERE terminal_id = ? AND device = ? AND seq > ? ORDER BY seq LIMIT 1000",
                              {terminalId, device, highWater});
        bool gap = false;
        for (const auto& row : next.rows) {
            int64_t seq = optInt(row[0]).value_or(0);
            if (seq != highWater + 1) {
                gap = true;
                break;
            }
            highWater = seq;
        }
        if (gap || next.rows.size() < 1000) break;
    }
    db->query("UPDATE terminals SET high_water_seq = ?, max_seq = ?, last_seen_ms = ? WHERE id = ?", {highWater, maxSeq, nowMs, terminalId});
    tx.commit();

    outcome.highWaterSeq = highWater;
    return outcome;
}

void HubStore::recordHeartbeat(const std::string& terminalId, const Heartbeat& h, int64_t nowMs) {
    auto db = pool_->borrow();
    auto opt = [](const std::optional<int64_t>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); };
    db->query(
        "UPDATE terminals SET last_seen_ms = ?, clock_offset_ms = ?, reported_unsent = ?, reported_oldest_unsent_s = ?, "
        "reported_free_disk_bytes = ?, uptime_s = ?, version = ?, config_error = ?, pin_attempts = ?, pin_failures = ?, "
        "pin_lockouts = ?, service_entries = ? WHERE id = ?",
        {nowMs, nowMs - h.terminalTimeMs, h.unsent, h.oldestUnsentS, h.freeDiskBytes, h.uptimeS, h.version, h.configError,
         opt(h.service.pinAttempts), opt(h.service.pinFailures), opt(h.service.pinLockouts), opt(h.service.entries), terminalId});
}

bool HubStore::setServicePin(const std::string& terminalId, const std::string& pinJson) {
    auto db = pool_->borrow();
    return db->query("UPDATE terminals SET service_pin = ? WHERE id = ?", {pinJson, terminalId}).affected > 0;
}

void HubStore::setAdminTokenHash(const std::string& hash) {
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    db->query("DELETE FROM hub_meta WHERE key = 'admin_token_sha256'");
    db->query("INSERT INTO hub_meta (key, value) VALUES ('admin_token_sha256', ?)", {hash});
    tx.commit();
}

std::optional<std::string> HubStore::adminTokenHash() {
    auto db = pool_->borrow();
    return db->query("SELECT value FROM hub_meta WHERE key = 'admin_token_sha256'").scalar();
}

void HubStore::exportRows(const ExportFilter& filter, const std::function<void(const StoredRow&)>& row) {
    // Keyset pages, so a large export neither holds every row in memory nor rescans.
    std::string where = " WHERE 1 = 1";
    std::vector<SqlValue> base;
    if (filter.sinceMs) {
        where += " AND completed_at_ms >= ?";
        base.emplace_back(*filter.sinceMs);
    }
    if (!filter.centre.empty()) {
        where += " AND centre = ?";
        base.emplace_back(filter.centre);
    }
    if (!filter.terminal.empty()) {
        where += " AND terminal_id = ?";
        base.emplace_back(filter.terminal);
    }
    constexpr int kPage = 2000;
    std::optional<std::tuple<int64_t, std::string, int64_t, int64_t>> after;
    for (;;) {
        std::vector<SqlValue> params = base;
        std::string sql =
            "SELECT id, terminal_id, centre, seq, service, channel, status, completed_at_ms, received_at_ms, body, device FROM responses" +
            where;
        if (after) {
            sql += " AND (completed_at_ms > ? OR (completed_at_ms = ? AND (terminal_id > ? OR (terminal_id = ? AND (device > ? OR "
                   "(device = ? AND seq > ?))))))";
            auto& [at, term, device, seq] = *after;
            params.insert(params.end(), {at, at, term, term, device, device, seq});
        }
        sql += " ORDER BY completed_at_ms, terminal_id, device, seq LIMIT " + std::to_string(kPage);
        auto page = pool_->borrow()->query(sql, params);
        for (const auto& r : page.rows) {
            StoredRow s;
            s.id = r[0].value_or("");
            s.terminalId = r[1].value_or("");
            s.centre = r[2].value_or("");
            s.seq = optInt(r[3]).value_or(0);
            s.service = r[4].value_or("");
            s.channel = r[5].value_or("");
            s.status = r[6].value_or("");
            s.completedAtMs = optInt(r[7]).value_or(0);
            s.receivedAtMs = optInt(r[8]).value_or(0);
            s.body = r[9].value_or("");
            s.device = optInt(r[10]).value_or(1);
            after = {s.completedAtMs, s.terminalId, s.device, s.seq};
            row(s);
        }
        if (page.rows.size() < kPage) break;
    }
}

int64_t HubStore::responseCount() { return pool_->borrow()->query("SELECT COUNT(*) FROM responses").scalarInt(0); }

std::vector<int64_t> HubStore::missingSeqs(const std::string& terminalId, int limit) {
    std::vector<int64_t> missing;
    auto t = terminal(terminalId);
    if (!t) return missing;
    int64_t expected = t->highWaterSeq + 1;
    auto db = pool_->borrow();
    while (expected <= t->maxSeq && static_cast<int>(missing.size()) < limit) {
        auto rows = db->query("SELECT seq FROM responses WHERE terminal_id = ? AND device = ? AND seq >= ? ORDER BY seq LIMIT 1000",
                              {terminalId, t->device, expected});
        if (rows.rows.empty()) break;
        for (const auto& r : rows.rows) {
            int64_t seq = optInt(r[0]).value_or(0);
            for (; expected < seq && static_cast<int>(missing.size()) < limit; ++expected) missing.push_back(expected);
            expected = seq + 1;
        }
    }
    return missing;
}

}  // namespace otklik::hub
