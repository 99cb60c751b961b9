// sqlite3 wrapper: connection, statements, error classification.
#include "sqlite_db.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>

namespace otklik::sqlite {

const char* toString(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::None: return "none";
        case ErrorKind::Full: return "disk full";
        case ErrorKind::ReadOnly: return "read-only";
        case ErrorKind::Io: return "I/O error";
        case ErrorKind::Corrupt: return "corrupt database";
        case ErrorKind::Busy: return "locked by another process";
        case ErrorKind::Newer: return "from a newer software version";
        case ErrorKind::Other: return "storage error";
    }
    return "storage error";
}

namespace {

ErrorKind classify(int rc) {
    switch (rc & 0xFF) {
        case SQLITE_OK:
        case SQLITE_ROW:
        case SQLITE_DONE: return ErrorKind::None;
        case SQLITE_FULL: return ErrorKind::Full;
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_CANTOPEN:
        case SQLITE_AUTH: return ErrorKind::ReadOnly;
        case SQLITE_IOERR: return ErrorKind::Io;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return ErrorKind::Corrupt;
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return ErrorKind::Busy;
        default: return ErrorKind::Other;
    }
}

// SQLite reports a failing write as a plain I/O error; the operating system's errno says
// whether the disk is full or the folder read-only, which decides what a technician does.
ErrorKind refine(ErrorKind kind, int systemErrno) {
    if (kind != ErrorKind::Io && kind != ErrorKind::ReadOnly && kind != ErrorKind::Other) return kind;
    if (systemErrno == ENOSPC || systemErrno == EDQUOT) return ErrorKind::Full;
    if (systemErrno == EROFS || systemErrno == EACCES || systemErrno == EPERM) return ErrorKind::ReadOnly;
    return kind;
}

}  // namespace

Error systemError(int err, const std::string& doing) {
    return Error{refine(ErrorKind::Io, err), err, doing + ": " + std::strerror(err)};
}

std::unique_ptr<Db> Db::open(const std::string& path, bool create, bool readOnly, const std::string& vfs, Error& error) {
    sqlite3* handle = nullptr;
    int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_URI;
    if (create && !readOnly) flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;  // one thread owns the connection; SQLite need not lock for us
    int rc = sqlite3_open_v2(path.c_str(), &handle, flags, vfs.empty() ? nullptr : vfs.c_str());
    if (rc != SQLITE_OK) {
        int extended = handle ? sqlite3_extended_errcode(handle) : rc;
        error = Error{refine(classify(extended), handle ? sqlite3_system_errno(handle) : 0), extended,
                      std::string("cannot open ") + path + ": " + (handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc))};
        sqlite3_close(handle);
        return nullptr;
    }
    sqlite3_extended_result_codes(handle, 1);
    return std::unique_ptr<Db>(new Db(handle));
}

Db::~Db() { sqlite3_close(db_); }

Error Db::errorFrom(int rc, std::string_view doing) const {
    ErrorKind kind = refine(classify(rc), sqlite3_system_errno(db_));
    if (kind == ErrorKind::None) return {};
    return Error{kind, rc, std::string(doing) + ": " + sqlite3_errmsg(db_)};
}

Error Db::exec(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    return errorFrom(rc == SQLITE_OK ? rc : sqlite3_extended_errcode(db_), text.substr(0, 60));
}

std::unique_ptr<Statement> Db::prepare(std::string_view sql, Error& error) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        error = errorFrom(sqlite3_extended_errcode(db_), "preparing " + std::string(sql.substr(0, 60)));
        return nullptr;
    }
    // Blank SQL or only a comment compiles to no statement at all; a Statement around null
    // would fail later in a confusing way.
    if (!stmt) {
        error = Error{ErrorKind::Other, SQLITE_MISUSE, "preparing \"" + std::string(sql.substr(0, 60)) + "\": no SQL statement in it"};
        return nullptr;
    }
    return std::unique_ptr<Statement>(new Statement(*this, stmt));
}

std::optional<int64_t> Db::queryInt(std::string_view sql, Error& error) {
    auto stmt = prepare(sql, error);
    if (!stmt) return std::nullopt;
    if (!stmt->step()) {
        error = stmt->error();
        return std::nullopt;
    }
    return stmt->columnInt(0);
}

std::optional<std::string> Db::queryText(std::string_view sql, Error& error) {
    auto stmt = prepare(sql, error);
    if (!stmt) return std::nullopt;
    if (!stmt->step()) {
        error = stmt->error();
        return std::nullopt;
    }
    return stmt->columnText(0);
}

int64_t Db::changes() const { return sqlite3_changes64(db_); }

int64_t Db::totalChanges() const { return sqlite3_total_changes64(db_); }

bool Db::readOnly() const { return sqlite3_db_readonly(db_, "main") == 1; }

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) error_ = db_.errorFrom(sqlite3_extended_errcode(db_.db_), "running " + std::string(sqlite3_sql(stmt_)).substr(0, 60));
    return false;
}

Error Statement::run() {
    sqlite3_reset(stmt_);
    error_ = {};
    (void)step();
    Error out = error_;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    error_ = {};
    return out;
}

int64_t Statement::columnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::columnText(int index) const {
    const unsigned char* text = sqlite3_column_text(stmt_, index);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, index))) : std::string();
}

bool Statement::columnIsNull(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

int Statement::columnCount() const { return sqlite3_column_count(stmt_); }

int Statement::parameterCount() const { return sqlite3_bind_parameter_count(stmt_); }

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    error_ = {};
}

}  // namespace otklik::sqlite
