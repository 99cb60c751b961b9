// openSql: picks the engine from the store URL.
#include "sync/hub/sql.h"

#include "sync/hub/pg_connection.h"
#include "sync/hub/sqlite_connection.h"

namespace otklik::hub {

std::unique_ptr<SqlConnection> openSql(const std::string& url) {
    // The two URI schemes libpq itself accepts; anything else (a path, a "file:" URI) is SQLite's.
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return PgConnection::open(url);
    return SqliteConnection::open(url);
}

}  // namespace otklik::hub
