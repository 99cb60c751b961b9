// The hub's schema and its forward migrations (HubStore::migrate).
#include "sync/hub/hub_store.h"

namespace otklik::hub {

namespace {

// One schema version: SQL both stores run (types and statements both accept), then the part
// only one of them needs (SQLite cannot drop a table constraint; PostgreSQL can, without
// copying the table).
struct Migration {
    const char* both;
    const char* sqliteOnly = "";
    const char* postgresOnly = "";
};

// Schema versions in order; the hub upgrades a store forward and refuses a newer one.
const Migration kMigrations[] = {
    {R"(
CREATE TABLE terminals (
    id TEXT PRIMARY KEY,
    centre TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    qr_secret TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT,
    last_seen_ms BIGINT,
    clock_offset_ms BIGINT,
    high_water_seq BIGINT NOT NULL DEFAULT 0,
    max_seq BIGINT NOT NULL DEFAULT 0,
    reported_unsent BIGINT,
    reported_oldest_unsent_s BIGINT,
    reported_free_disk_bytes BIGINT,
    uptime_s BIGINT,
    version TEXT NOT NULL DEFAULT '',
    config_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE questionnaires (
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    version TEXT NOT NULL,
    set_at_ms BIGINT NOT NULL,
    PRIMARY KEY (scope, name)
);
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL REFERENCES terminals (id),
    seq BIGINT NOT NULL,
    centre TEXT NOT NULL,
    service TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    completed_at_ms BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (terminal_id, seq)
);
CREATE INDEX responses_completed ON responses (completed_at_ms, terminal_id, seq);
CREATE INDEX responses_centre ON responses (centre, completed_at_ms);
)"},
    // 2: the phone form. Used QR nonces (docs/qr-token.md), consumed in the transaction that
    // stores the phone's response and pruned a day after issue.
    {R"(
CREATE TABLE qr_used_nonces (
    terminal_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    response_id TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, nonce)
);
CREATE INDEX qr_used_nonces_expiry ON qr_used_nonces (expires_at_ms);
)"},
    // 3: enrolment (docs/technician.md). Codes are kept as hashes, spent once, and outlive
    // their use for the audit. A terminal is served by one device at a time: enrolling a
    // replacement moves the old device (its token hash and final numbers) to terminal_devices
    // and numbering starts again for the new one, so responses carry the device they came
    // from and (terminal, device, seq) is the key a gap is judged on. Phone responses are
    // device 0.
    {R"(
CREATE TABLE enrol_codes (
    code_hash TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL,
    centre TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT,
    used_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enrol_codes_terminal ON enrol_codes (terminal_id);
CREATE TABLE terminal_devices (
    terminal_id TEXT NOT NULL REFERENCES terminals (id),
    device BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    enrolled_at_ms BIGINT NOT NULL,
    replaced_at_ms BIGINT NOT NULL,
    base_seq BIGINT NOT NULL,
    high_water_seq BIGINT NOT NULL,
    max_seq BIGINT NOT NULL,
    last_seen_ms BIGINT,
    PRIMARY KEY (terminal_id, device)
);
ALTER TABLE terminals ADD COLUMN device BIGINT NOT NULL DEFAULT 1;
ALTER TABLE terminals ADD COLUMN device_base_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE terminals ADD COLUMN enrolled_at_ms BIGINT;
)",
     // SQLite keeps a table's UNIQUE constraint for good: the table is copied once.
     R"(
CREATE TABLE responses_v3 (
    id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL REFERENCES terminals (id),
    device BIGINT NOT NULL DEFAULT 1,
    seq BIGINT NOT NULL,
    centre TEXT NOT NULL,
    service TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    completed_at_ms BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (terminal_id, device, seq)
);
INSERT INTO responses_v3 (id, terminal_id, device, seq, centre, service, channel, status, language, questionnaire_id,
                          questionnaire_version, completed_at_ms, received_at_ms, content_hash, body)
    SELECT id, terminal_id, CASE WHEN seq < 0 THEN 0 ELSE 1 END, seq, centre, service, channel, status, language, questionnaire_id,
           questionnaire_version, completed_at_ms, received_at_ms, content_hash, body FROM responses;
DROP TABLE responses;
ALTER TABLE responses_v3 RENAME TO responses;
CREATE INDEX responses_completed ON responses (completed_at_ms, terminal_id, device, seq);
CREATE INDEX responses_centre ON responses (centre, completed_at_ms);
)",
     // PostgreSQL adds the column in place (no rewrite) and builds the new key's index.
     R"(
ALTER TABLE responses ADD COLUMN device BIGINT NOT NULL DEFAULT 1;
UPDATE responses SET device = 0 WHERE seq < 0;
ALTER TABLE responses DROP CONSTRAINT responses_terminal_id_seq_key;
ALTER TABLE responses ADD CONSTRAINT responses_terminal_device_seq_key UNIQUE (terminal_id, device, seq);
DROP INDEX responses_completed;
CREATE INDEX responses_completed ON responses (completed_at_ms, terminal_id, device, seq);
)"},
    // 4: the technician's PIN, when the hub sets it (`terminal set-pin`): only its PBKDF2 hash
    // as JSON, delivered with the config; and what the terminal's service mode reports.
    {R"(
ALTER TABLE terminals ADD COLUMN service_pin TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN pin_attempts BIGINT;
ALTER TABLE terminals ADD COLUMN pin_failures BIGINT;
ALTER TABLE terminals ADD COLUMN pin_lockouts BIGINT;
ALTER TABLE terminals ADD COLUMN service_entries BIGINT;
CREATE TABLE terminal_events (
    id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL REFERENCES terminals (id),
    device BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX terminal_events_terminal ON terminal_events (terminal_id, at_ms);
)"},
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

}  // namespace

void HubStore::migrate() {
    auto db = pool_->borrow();
    db->script("CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    SqlTransaction tx(*db);
    int version = static_cast<int>(db->query("SELECT value FROM hub_meta WHERE key = 'schema_version'").scalarInt(0));
    if (version > kSchemaVersion)
        throw SqlError("the hub database has schema version " + std::to_string(version) + ", newer than this otklik-hub (" +
                           std::to_string(kSchemaVersion) + ") understands — run the newer otklik-hub, or restore a backup",
                       false);
    for (int v = version; v < kSchemaVersion; ++v) {
        const Migration& m = kMigrations[v];
        db->script(m.both);
        const char* own = db->dialect() == SqlDialect::Postgres ? m.postgresOnly : m.sqliteOnly;
        if (*own) db->script(own);
    }
    if (version == 0) db->query("INSERT INTO hub_meta (key, value) VALUES ('schema_version', ?)", {std::to_string(kSchemaVersion)});
    else if (version < kSchemaVersion)
        db->query("UPDATE hub_meta SET value = ? WHERE key = 'schema_version'", {std::to_string(kSchemaVersion)});
    tx.commit();
}


}  // namespace otklik::hub
