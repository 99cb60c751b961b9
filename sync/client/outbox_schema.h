// The outbox database's schema versions (OutboxStore::kSchemaVersion is the newest): what
// each version adds, written as SQL that can run again on a file whose version was set back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sync/client/sqlite_db.h"

namespace otklik {

// The SQL taking a database from `version` to version + 1 (version 0 is an empty file), or
// nullopt with error when the file could not be inspected.
[[nodiscard]] std::optional<std::string> migrationSql(sqlite::Db& db, int64_t version, sqlite::Error& error);

}  // namespace otklik
