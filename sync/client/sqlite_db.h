// The one place sqlite3 is called: an owned connection, prepared statements, and errors
// turned into StorageError kinds the rest of the terminal can act on. No sqlite3 type
// leaks out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace otklik::sqlite {

// What went wrong, in terms that decide what to do about it.
enum class ErrorKind {
    None,
    Full,      // disk or quota full: wait for space
    ReadOnly,  // cannot write the file or folder: a technician must fix permissions or the mount
    Io,        // the device failed a read or write
    Corrupt,   // not a database any more: move it aside
    Busy,      // another process holds a lock
    Newer,     // written by a newer version of the software: refuse, never "upgrade" it backwards
    Other,
};

struct Error {
    ErrorKind kind = ErrorKind::None;
    int code = 0;          // SQLite extended result code
    std::string message;   // SQLite's words plus what we were doing

    explicit operator bool() const { return kind != ErrorKind::None; }
};

const char* toString(ErrorKind kind);

// An error from the operating system (errno) while doing `doing`, classified like SQLite's:
// full disk, read-only, or I/O. For the outbox's own file work beside the database.
Error systemError(int err, const std::string& doing);

class Statement;

class Db {
public:
    // Opens (creating if asked) the file; `vfs` names a registered SQLite VFS, "" for the
    // default (tests register fault-injecting ones). `path` may be a "file:" URI.
    static std::unique_ptr<Db> open(const std::string& path, bool create, bool readOnly, const std::string& vfs, Error& error);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Runs SQL without results (several statements allowed).
    [[nodiscard]] Error exec(std::string_view sql);
    [[nodiscard]] std::unique_ptr<Statement> prepare(std::string_view sql, Error& error);
    // One integer from a query such as "PRAGMA user_version".
    [[nodiscard]] std::optional<int64_t> queryInt(std::string_view sql, Error& error);
    [[nodiscard]] std::optional<std::string> queryText(std::string_view sql, Error& error);
    [[nodiscard]] Error errorFrom(int rc, std::string_view doing) const;
    [[nodiscard]] int64_t changes() const;
    // Rows changed by every INSERT/UPDATE/DELETE since the connection opened. changes() keeps
    // the count of the last write, so a statement that leaves this total alone changed nothing.
    [[nodiscard]] int64_t totalChanges() const;
    // True when SQLite fell back to reading only (it does so quietly when the file or its
    // folder cannot be written).
    [[nodiscard]] bool readOnly() const;

private:
    explicit Db(sqlite3* db) : db_(db) {}
    sqlite3* db_;
    friend class Statement;
};

// A prepared statement: bind by 1-based index, step, read columns, reset.
class Statement {
public:
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, std::string_view value);
    Statement& bindNull(int index);
    // true: a row is ready; false: done (or failed: see error()).
    [[nodiscard]] bool step();
    // Runs a statement that returns no rows from the start, and resets it for the next run.
    [[nodiscard]] Error run();
    [[nodiscard]] const Error& error() const { return error_; }
    [[nodiscard]] int64_t columnInt(int index) const;
    [[nodiscard]] std::string columnText(int index) const;
    [[nodiscard]] bool columnIsNull(int index) const;
    // For callers that run SQL they did not write (the hub's generic connection).
    [[nodiscard]] int columnCount() const;
    [[nodiscard]] int parameterCount() const;
    // Ready for new bindings and a new run.
    void reset();

private:
    Statement(Db& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Db& db_;
    sqlite3_stmt* stmt_;
    Error error_;
    friend class Db;
};

}  // namespace otklik::sqlite
