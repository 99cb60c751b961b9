// The outbox database's schema, version by version, and the SQL that upgrades a file from
// one version to the next (see outbox_schema.h).
#include "sync/client/outbox_schema.h"

#include "sync/client/outbox_store.h"

namespace otklik {

using sqlite::Error;

namespace {

const char* kSchemaV1 = R"(
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE responses (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    terminal_id TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    service TEXT NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL,
    completed_at_ms INTEGER NOT NULL,
    started_mono_ms INTEGER NOT NULL,
    completed_mono_ms INTEGER NOT NULL,
    boot_id TEXT NOT NULL,
    answers TEXT NOT NULL,
    comment TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
    presses INTEGER NOT NULL,
    flags TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'rejected')),
    state_reason TEXT NOT NULL DEFAULT '',
    state_changed_at_ms INTEGER NOT NULL,
    stored_at_ms INTEGER NOT NULL
);
CREATE INDEX responses_pending ON responses (seq) WHERE state = 'pending';
CREATE INDEX responses_delivered ON responses (state_changed_at_ms) WHERE state = 'delivered';
CREATE TABLE events (at_ms INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('seq_floor', 0);
)";

// Version 2: the uploader's record (one row), so `status` can tell after a restart when the
// hub last took a batch and what failed last. IF NOT EXISTS: a file whose user_version was
// set back by hand (to read it with an older export) upgrades again cleanly.
const char* kSchemaV2 = R"(
CREATE TABLE IF NOT EXISTS sync_status (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_success_ms INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    last_error_ms INTEGER,
    hub_high_water_seq INTEGER NOT NULL DEFAULT 0,
    gap_seq INTEGER
);
INSERT OR IGNORE INTO sync_status (id) VALUES (1);
)";

// Version 3: the hub clock offset. Each response keeps the offset it was stamped with (sent
// to the hub, shown by export); sync_status keeps the last estimate, so a restarted terminal
// stamps correctly before its first exchange. Columns are added by kAddedColumns (SQLite has
// no ADD COLUMN IF NOT EXISTS), so a file set back by hand upgrades again cleanly here too.
const char* kSchemaV3 = "";

struct AddedColumn {
    int version;  // the schema version whose migration adds it
    const char* table;
    const char* column;
    const char* declaration;
};
const AddedColumn kAddedColumns[] = {
    {3, "responses", "clock_offset_ms", "INTEGER"},
    {3, "sync_status", "clock_offset_ms", "INTEGER"},
    {3, "sync_status", "clock_uncertainty_ms", "INTEGER"},
    {3, "sync_status", "clock_measured_at_ms", "INTEGER"},
};

// Version 4: what the technician's service mode did (entered, settings changed, an export),
// kept until the hub has it (outbox_events.cpp).
const char* kSchemaV4 = R"(
CREATE TABLE IF NOT EXISTS service_events (
    id TEXT PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
)";

// Forward migrations: entry i takes a database from version i to i + 1 (its SQL, then the
// kAddedColumns of version i + 1 that are missing).
const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == OutboxStore::kSchemaVersion,
              "one migration per schema version");

}  // namespace

std::optional<std::string> migrationSql(sqlite::Db& db, int64_t version, Error& error) {
    std::string sql = kMigrations[version];
    for (const AddedColumn& added : kAddedColumns) {
        if (added.version != version + 1) continue;
        auto present = db.queryInt(std::string("SELECT COUNT(*) FROM pragma_table_info('") + added.table + "') WHERE name = '" +
                                       added.column + "'",
                                   error);
        if (!present) return std::nullopt;
        if (*present == 0) sql += std::string("ALTER TABLE ") + added.table + " ADD COLUMN " + added.column + " " + added.declaration + ";";
    }
    return sql;
}

}  // namespace otklik
