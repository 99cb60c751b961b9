// The hub's view of a SQL database: one small interface that the SQLite file and a
// PostgreSQL server both implement, so the hub's store is written once and one test suite
// runs against both. SQL is written with `?` placeholders in the common dialect (standard
// SQL plus INSERT ... ON CONFLICT ... DO NOTHING and RETURNING, which both engines accept);
// the PostgreSQL connection rewrites `?` to `$1, $2, ...`. No engine type leaks out of here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace otklik::hub {

// A bound parameter: NULL, an integer or text.
using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;

// A result row as text (PostgreSQL's text format; SQLite's values converted the same way).
// NULL is nullopt.
using SqlRow = std::vector<std::optional<std::string>>;

struct SqlRows {
    std::vector<SqlRow> rows;
    int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE

    // Convenience for single-value queries: the first column of the first row.
    [[nodiscard]] std::optional<std::string> scalar() const {
        return rows.empty() || rows[0].empty() ? std::nullopt : rows[0][0];
    }
    [[nodiscard]] int64_t scalarInt(int64_t fallback = 0) const {
        auto v = scalar();
        return v ? std::stoll(*v) : fallback;
    }
};

// Thrown by a connection. `unavailable` = the database cannot be reached or written just now
// (server down, disk full, locked): the API answers 503 and the terminal retries later.
// Otherwise it is a bug or a constraint, and the API answers 500 after logging it.
class SqlError : public std::runtime_error {
public:
    SqlError(std::string message, bool unavailable) : std::runtime_error(std::move(message)), unavailable_(unavailable) {}
    [[nodiscard]] bool unavailable() const { return unavailable_; }

private:
    bool unavailable_;
};

enum class SqlDialect { Sqlite, Postgres };

class SqlConnection {
public:
    virtual ~SqlConnection() = default;
    [[nodiscard]] virtual SqlDialect dialect() const = 0;
    // Runs one statement with `?` placeholders bound in order; throws SqlError.
    virtual SqlRows query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
    // Runs several statements without parameters (schema set-up); throws SqlError.
    virtual void script(std::string_view sql) = 0;
    // False once the connection is known broken (the pool replaces it).
    [[nodiscard]] virtual bool healthy() const = 0;
};

// Opens a connection from a store URL: "postgresql://..." / "postgres://..." (libpq
// connection URI), anything else is a SQLite file path. Throws SqlError with a message that
// says what to fix.
std::unique_ptr<SqlConnection> openSql(const std::string& url);

}  // namespace otklik::hub
