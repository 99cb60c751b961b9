// A small pool of SQL connections to one store URL: the hub's HTTP threads borrow one per
// request. SQLite gets one connection (one writer, and Debian's SQLite must not have two
// connections writing a WAL file at once); PostgreSQL gets several. Broken connections are
// replaced on the next borrow, so a restarted PostgreSQL server heals by itself.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sync/hub/sql.h"

namespace otklik::hub {

class SqlPool {
public:
    // Opens the first connection at once (so a wrong URL fails at start-up); throws SqlError.
    SqlPool(std::string url, int size);
    SqlPool(const SqlPool&) = delete;
    SqlPool& operator=(const SqlPool&) = delete;

    [[nodiscard]] SqlDialect dialect() const { return dialect_; }
    [[nodiscard]] const std::string& url() const { return url_; }

    // A borrowed connection; returned to the pool when it goes out of scope.
    class Lease {
    public:
        Lease(SqlPool& pool, std::unique_ptr<SqlConnection> connection) : pool_(&pool), connection_(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        SqlConnection* operator->() { return connection_.get(); }
        SqlConnection& operator*() { return *connection_; }

    private:
        SqlPool* pool_;
        std::unique_ptr<SqlConnection> connection_;
    };

    // Waits for a free connection (opening a new one if the pool is not full); throws SqlError.
    Lease borrow();

private:
    void giveBack(std::unique_ptr<SqlConnection> connection);

    std::string url_;
    int size_;
    SqlDialect dialect_ = SqlDialect::Sqlite;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<SqlConnection>> idle_;
    int open_ = 0;  // connections in existence (idle or lent)
};

// BEGIN ... COMMIT on a lease, rolled back if the scope is left by an exception.
class SqlTransaction {
public:
    explicit SqlTransaction(SqlConnection& connection);
    ~SqlTransaction();
    SqlTransaction(const SqlTransaction&) = delete;
    SqlTransaction& operator=(const SqlTransaction&) = delete;
    void commit();

private:
    SqlConnection& connection_;
    bool done_ = false;
};

}  // namespace otklik::hub
