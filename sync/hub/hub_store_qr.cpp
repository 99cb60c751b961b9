// HubStore's part for the phone form: a phone response stored together with the QR nonce it
// consumes, so a token lands at most one response even when two submits race.
//
// Numbering: a terminal numbers its own responses 1, 2, 3 ... without gaps, and the hub's
// high-water mark, max_seq and gap report read only seq >= 1. A phone response is not one of
// those, so it takes the next free negative number of its terminal (-1, -2, ...) and device 0
// (no device numbered it): every query on seq >= 1 ignores it. Exports show its seq as null.
#include "sync/hub/hub_store.h"
#include "sync/protocol/crypto.h"

namespace otklik::hub {

PhoneStoreResult HubStore::storePhoneResponse(const PhoneResponse& r, int64_t nowMs) {
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    // Responses of one terminal take turns (row lock on PostgreSQL; SQLite has one writer), so
    // two phones never pick the same negative seq.
    std::string lock = std::string("SELECT id FROM terminals WHERE id = ?") + (db->dialect() == SqlDialect::Postgres ? " FOR UPDATE" : "");
    if (db->query(lock, {r.terminalId}).rows.empty()) throw SqlError("unknown terminal " + r.terminalId, false);

    auto used = db->query(
        "INSERT INTO qr_used_nonces (terminal_id, nonce, response_id, expires_at_ms) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING nonce",
        {r.terminalId, r.nonceHex, r.id, r.nonceExpiresAtMs});
    if (used.rows.empty()) return PhoneStoreResult::Replayed;  // the transaction rolls back: nothing stored

    int64_t lowest = db->query("SELECT MIN(seq) FROM responses WHERE terminal_id = ? AND seq < 0", {r.terminalId}).scalarInt(0);
    db->query(
        "INSERT INTO responses (id, terminal_id, device, seq, centre, service, channel, status, language, questionnaire_id, "
        "questionnaire_version, completed_at_ms, received_at_ms, content_hash, body) VALUES (?, ?, 0, ?, ?, ?, 'qr', 'complete', ?, ?, ?, ?, ?, ?, ?)",
        {r.id, r.terminalId, lowest - 1, r.centre, r.service, r.language, r.questionnaireId, r.questionnaireVersion, r.completedAtMs, nowMs,
         sha256Hex(r.body), r.body});
    // Rows past their expiry can no longer stop anything: their tokens fail the age check.
    db->query("DELETE FROM qr_used_nonces WHERE expires_at_ms < ?", {nowMs});
    tx.commit();
    return PhoneStoreResult::Stored;
}

bool HubStore::qrNonceUsed(const std::string& terminalId, const std::string& nonceHex) {
    auto db = pool_->borrow();
    return !db->query("SELECT 1 FROM qr_used_nonces WHERE terminal_id = ? AND nonce = ?", {terminalId, nonceHex}).rows.empty();
}

}  // namespace otklik::hub
