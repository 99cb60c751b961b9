// The hub's SQL connection over PostgreSQL (libpq): `?` placeholders rewritten to `$n`, text
// parameters and results, and errors sorted into "server unreachable, retry" and "bug".
// The only file that includes libpq-fe.h is pg_connection.cpp; PGconn is forward-declared.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sync/hub/sql.h"

struct pg_conn;

namespace otklik::hub {

class PgConnection final : public SqlConnection {
public:
    // Connects to a libpq URI ("postgresql://user@host:port/db?..."). Adds connect_timeout=5
    // unless the URI sets one, forces client_encoding=UTF8. Throws SqlError(unavailable) with
    // the URI (password hidden) and what to check.
    static std::unique_ptr<PgConnection> open(const std::string& url);
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    [[nodiscard]] SqlDialect dialect() const override { return SqlDialect::Postgres; }
    SqlRows query(std::string_view sql, const std::vector<SqlValue>& params = {}) override;
    void script(std::string_view sql) override;
    [[nodiscard]] bool healthy() const override;

private:
    PgConnection(pg_conn* conn, std::string where);
    // Throws the SqlError for a failed statement; marks the connection broken when the server
    // is gone.
    [[noreturn]] void fail(std::string_view sql, const std::string& sqlstate, const std::string& serverMessage);

    pg_conn* conn_;
    std::string where_;  // the URI without its password, for messages
    bool broken_ = false;
};

// `?` placeholders outside quoted text, quoted names and comments become $1, $2, ...;
// `count` is how many there were. (E'...' strings with backslash-escaped quotes are not
// understood; the hub does not write them.)
std::string pgPlaceholders(std::string_view sql, size_t& count);

// The URI with any password replaced by "***", for messages and logs.
std::string redactPassword(const std::string& url);

}  // namespace otklik::hub
