// The hub's SQL connection over a SQLite file (a single-server hub with no PostgreSQL), built on
// the terminal's sqlite3 wrapper. No sqlite3 type leaks out of this header.
#pragma once

#include <memory>
#include <string>

#include "sync/hub/sql.h"

namespace otklik::sqlite {
class Db;
}

namespace otklik::hub {

class SqliteConnection final : public SqlConnection {
public:
    // Opens (creating) the file in WAL mode with full syncs, a 5 s busy wait and foreign keys
    // enforced. Throws SqlError that names the file and says what to fix.
    static std::unique_ptr<SqliteConnection> open(const std::string& path);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    [[nodiscard]] SqlDialect dialect() const override { return SqlDialect::Sqlite; }
    SqlRows query(std::string_view sql, const std::vector<SqlValue>& params = {}) override;
    void script(std::string_view sql) override;
    [[nodiscard]] bool healthy() const override { return !broken_; }

private:
    SqliteConnection(std::unique_ptr<sqlite::Db> db, std::string path);

    std::unique_ptr<sqlite::Db> db_;
    std::string path_;
    bool broken_ = false;  // after an I/O or read-only error: a fresh open may see a remounted disk
};

}  // namespace otklik::hub
