// HubStore's part for enrolment: one-time codes, spent atomically, and the devices that serve a
// terminal id one after another (see hub_store.h and docs/technician.md).
//
// A code is stored only as its hash (enrolCodeHash) with the terminal id and centre it
// enrols, and stays after use for the audit (who used it, when). Spending it is one
// transaction: the code row is locked (FOR UPDATE on PostgreSQL; SQLite has one writer and
// BEGIN IMMEDIATE), checked, marked used, and the terminal created or given a new device.
// When the id is known, the old device's token hash and final numbers move to
// terminal_devices: its token stops working (the API answers device_replaced), its responses
// stay, and the new device's numbering is judged on its own, from `firstSeq`.
#include <algorithm>
#include <stdexcept>

#include "sync/hub/hub_store.h"
#include "sync/hub/hub_store_rows.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/enrol_code.h"

namespace otklik::hub {

using namespace rows;

namespace {

constexpr int64_t kKeepSpentCodesMs = int64_t{90} * 24 * 3600 * 1000;  // the audit trail of codes

constexpr const char* kDeviceColumns =
    "terminal_id, device, enrolled_at_ms, replaced_at_ms, base_seq, high_water_seq, max_seq, last_seen_ms";

ReplacedDevice deviceFrom(const SqlRow& r) {
    ReplacedDevice d;
    d.terminalId = r[0].value_or("");
    d.device = optInt(r[1]).value_or(0);
    d.enrolledAtMs = optInt(r[2]).value_or(0);
    d.replacedAtMs = optInt(r[3]).value_or(0);
    d.baseSeq = optInt(r[4]).value_or(0);
    d.highWaterSeq = optInt(r[5]).value_or(0);
    d.maxSeq = optInt(r[6]).value_or(0);
    d.lastSeenMs = optInt(r[7]);
    return d;
}

}  // namespace

NewEnrolCode HubStore::createEnrolCode(const std::string& id, const std::string& centre, int64_t ttlMs, int64_t nowMs) {
    if (!validTerminalId(id))
        throw std::invalid_argument("terminal id \"" + id + "\" is not valid: use 1-64 letters, digits, '-', '_' or '.'");
    if (!validCentre(centre)) throw std::invalid_argument("centre name must be 1-200 characters without control characters");
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    auto revoked = db->query("SELECT revoked_at_ms FROM terminals WHERE id = ?", {id});
    if (!revoked.rows.empty() && revoked.rows[0][0])
        throw std::invalid_argument("terminal \"" + id + "\" is revoked: enrol the device under a new terminal id");
    // Only the newest code of a terminal works: a code printed earlier and left lying about
    // stops working when a new one is made.
    db->query("DELETE FROM enrol_codes WHERE terminal_id = ? AND used_at_ms IS NULL", {id});
    db->query("DELETE FROM enrol_codes WHERE used_at_ms IS NOT NULL AND used_at_ms < ?", {nowMs - kKeepSpentCodesMs});
    NewEnrolCode code{newEnrolCode(), nowMs + ttlMs};
    db->query("INSERT INTO enrol_codes (code_hash, terminal_id, centre, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)",
              {enrolCodeHash(*normalizeEnrolCode(code.code)), id, centre, nowMs, code.expiresAtMs});
    tx.commit();
    return code;
}

Enrolment HubStore::redeemEnrolCode(const std::string& normalizedCode, int64_t firstSeq, const std::string& from, int64_t nowMs) {
    Enrolment out;
    const std::string hash = enrolCodeHash(normalizedCode);
    auto db = pool_->borrow();
    SqlTransaction tx(*db);
    const std::string forUpdate = db->dialect() == SqlDialect::Postgres ? " FOR UPDATE" : "";
    auto found = db->query("SELECT code_hash, terminal_id, centre, used_at_ms, expires_at_ms FROM enrol_codes WHERE code_hash = ?" + forUpdate,
                           {hash});
    // The hash was looked up by the index; the row's own hash is compared once more in
    // constant time, so nothing about a code depends on how far a comparison ran.
    if (found.rows.empty() || !constantTimeEqual(found.rows[0][0].value_or(""), hash)) {
        out.result = EnrolResult::UnknownCode;
        return out;
    }
    const SqlRow& code = found.rows[0];
    const std::string terminalId = code[1].value_or("");
    const std::string centre = code[2].value_or("");
    if (code[3]) {
        out.result = EnrolResult::UsedCode;
        out.usedAtMs = optInt(code[3]);
        return out;
    }
    if (optInt(code[4]).value_or(0) <= nowMs) {
        out.result = EnrolResult::ExpiredCode;
        return out;
    }
    auto existing = db->query(std::string("SELECT ") + kTerminalColumns + " FROM terminals WHERE id = ?" + forUpdate, {terminalId});
    if (!existing.rows.empty() && existing.rows[0][3]) {
        out.result = EnrolResult::RevokedTerminal;
        return out;  // rolled back: the code stays unspent, and says so again
    }
    auto spent = db->query("UPDATE enrol_codes SET used_at_ms = ?, used_by = ? WHERE code_hash = ? AND used_at_ms IS NULL",
                           {nowMs, from.substr(0, 100), hash});
    if (spent.affected == 0) {
        out.result = EnrolResult::UsedCode;  // another caller spent it between our read and write
        return out;
    }

    out.secrets = NewTerminalSecrets{"otk_" + randomToken(32), randomToken(32)};
    const int64_t base = std::max<int64_t>(firstSeq, 1) - 1;
    if (existing.rows.empty()) {
        db->query(
            "INSERT INTO terminals (id, centre, token_hash, qr_secret, created_at_ms, enrolled_at_ms, last_seen_ms, device, device_base_seq, "
            "high_water_seq, max_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            {terminalId, centre, sha256Hex(out.secrets.token), out.secrets.qrSecret, nowMs, nowMs, nowMs, base, base, base});
    } else {
        Terminal old = terminalFrom(existing.rows[0]);
        db->query(
            "INSERT INTO terminal_devices (terminal_id, device, token_hash, enrolled_at_ms, replaced_at_ms, base_seq, high_water_seq, max_seq, "
            "last_seen_ms) SELECT id, device, token_hash, COALESCE(enrolled_at_ms, created_at_ms), ?, device_base_seq, high_water_seq, max_seq, "
            "last_seen_ms FROM terminals WHERE id = ?",
            {nowMs, terminalId});
        // What the last heartbeat said was the old device's; the new one reports its own.
        db->query(
            "UPDATE terminals SET centre = ?, token_hash = ?, qr_secret = ?, enrolled_at_ms = ?, last_seen_ms = ?, device = device + 1, "
            "device_base_seq = ?, high_water_seq = ?, max_seq = ?, clock_offset_ms = NULL, reported_unsent = NULL, "
            "reported_oldest_unsent_s = NULL, reported_free_disk_bytes = NULL, uptime_s = NULL, version = '', config_error = '' "
            "WHERE id = ?",
            {centre, sha256Hex(out.secrets.token), out.secrets.qrSecret, nowMs, nowMs, base, base, base, terminalId});
        out.replacedDevice = old.device;
    }
    auto now = db->query(std::string("SELECT ") + kTerminalColumns + " FROM terminals WHERE id = ?", {terminalId});
    out.terminal = terminalFrom(now.rows.at(0));
    tx.commit();
    out.result = EnrolResult::Enrolled;
    return out;
}

std::optional<ReplacedDevice> HubStore::replacedDeviceByTokenHash(const std::string& tokenHash) {
    auto db = pool_->borrow();
    auto rows = db->query(std::string("SELECT ") + kDeviceColumns + " FROM terminal_devices WHERE token_hash = ?", {tokenHash});
    if (rows.rows.empty()) return std::nullopt;
    return deviceFrom(rows.rows[0]);
}

std::vector<ReplacedDevice> HubStore::replacedDevices(const std::string& terminalId) {
    auto db = pool_->borrow();
    std::vector<ReplacedDevice> out;
    for (const auto& row :
         db->query(std::string("SELECT ") + kDeviceColumns + " FROM terminal_devices WHERE terminal_id = ? ORDER BY device", {terminalId}).rows)
        out.push_back(deviceFrom(row));
    return out;
}

}  // namespace otklik::hub
