// The SQL connection pool and transactions (see sql_pool.h).
#include "sql_pool.h"

namespace otklik::hub {

SqlPool::SqlPool(std::string url, int size) : url_(std::move(url)), size_(size) {
    auto first = openSql(url_);
    dialect_ = first->dialect();
    if (dialect_ == SqlDialect::Sqlite) size_ = 1;
    idle_.push_back(std::move(first));
    open_ = 1;
}

SqlPool::Lease SqlPool::borrow() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(connection));
        }
        if (open_ < size_) {
            ++open_;
            lock.unlock();
            try {
                return Lease(*this, openSql(url_));
            } catch (...) {
                lock.lock();
                --open_;
                available_.notify_one();
                throw;
            }
        }
        available_.wait(lock);
    }
}

void SqlPool::giveBack(std::unique_ptr<SqlConnection> connection) {
    std::lock_guard lock(mutex_);
    if (connection && connection->healthy()) idle_.push_back(std::move(connection));
    else --open_;  // dropped: the next borrow opens a fresh one
    available_.notify_one();
}

SqlPool::Lease::~Lease() {
    if (pool_ && connection_) pool_->giveBack(std::move(connection_));
}

SqlTransaction::SqlTransaction(SqlConnection& connection) : connection_(connection) {
    // SQLite: take the write lock at the start, so two writers never deadlock upgrading.
    connection_.query(connection_.dialect() == SqlDialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

SqlTransaction::~SqlTransaction() {
    if (done_) return;
    try {
        connection_.query("ROLLBACK");
    } catch (const SqlError&) {
        // The connection is broken; the pool drops it.
    }
}

void SqlTransaction::commit() {
    connection_.query("COMMIT");
    done_ = true;
}

}  // namespace otklik::hub
