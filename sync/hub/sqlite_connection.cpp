// SqlConnection over a SQLite file: opening with the hub's pragmas, running statements with
// bound parameters, and turning the wrapper's error kinds into SqlError with a fix to apply.
#include "sync/hub/sqlite_connection.h"

#include <filesystem>
#include <type_traits>

#include "sync/client/sqlite_db.h"

namespace otklik::hub {

namespace {

// Full disk, a read-only file or mount, a failing device and another process's lock go away
// without a code change: the terminal is told to retry later. The rest are bugs or damage.
bool isUnavailable(sqlite::ErrorKind kind) {
    using K = sqlite::ErrorKind;
    return kind == K::Full || kind == K::ReadOnly || kind == K::Io || kind == K::Busy;
}

std::string advice(sqlite::ErrorKind kind) {
    using K = sqlite::ErrorKind;
    switch (kind) {
        case K::Full: return " — free space on the disk that holds it";
        case K::ReadOnly: return " — make the file and its folder writable by the hub's user, and check the disk is not mounted read-only";
        case K::Io: return " — the disk failed a read or write; check it (dmesg, SMART) and the file system";
        case K::Busy: return " — another process held a lock for more than 5 s; find it (fuser on the file) or retry";
        case K::Corrupt: return " — the file is damaged; stop the hub, move the file aside and restore a backup";
        case K::Newer: return " — it was written by a newer hub; run that version";
        case K::None:
        case K::Other: break;
    }
    return "";  // a bug in the statement or a violated constraint: the statement is in the message
}

// What to do when the file cannot be opened: usually the folder is missing or not writable.
std::string openAdvice(const std::string& path, sqlite::ErrorKind kind) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path folder = fs::absolute(fs::path(path), ec).parent_path();
    if (!folder.empty() && !fs::is_directory(folder, ec))
        return " — the folder " + folder.string() + " does not exist; create it or fix the store path";
    if (kind == sqlite::ErrorKind::ReadOnly || kind == sqlite::ErrorKind::Other)
        return " — check the folder " + folder.string() + " exists and is writable by the hub's user (and the disk is not read-only)";
    return advice(kind);
}

std::string withoutPrefix(const std::string& message, const std::string& prefix) {
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

}  // namespace

std::unique_ptr<SqliteConnection> SqliteConnection::open(const std::string& path) {
    sqlite::Error error;
    auto db = sqlite::Db::open(path, /*create=*/true, /*readOnly=*/false, "", error);
    auto fail = [&](const sqlite::Error& e, const std::string& what) {
        throw SqlError("cannot open hub database " + path + ": " + what + openAdvice(path, e.kind), isUnavailable(e.kind));
    };
    if (!db) fail(error, withoutPrefix(error.message, "cannot open " + path + ": "));
    // SQLite opens a file it cannot write read-only without a word; the hub must write.
    if (db->readOnly()) fail(sqlite::Error{sqlite::ErrorKind::ReadOnly, 0, "it can only be read"}, "it can only be read");

    // The pragma's answer is the mode in force: a folder that refuses the -wal file leaves the
    // old mode, and WAL is what lets the results page read while terminals write.
    auto mode = db->queryText("PRAGMA journal_mode=WAL", error);
    if (error) fail(error, error.message);
    if (mode != "wal" && mode != "memory")
        fail(sqlite::Error{sqlite::ErrorKind::ReadOnly, 0, ""}, "could not switch to WAL journal mode (still " + mode.value_or("?") + ")");
    // FULL: a response acknowledged to a terminal survives a power cut (it deletes its copy).
    // busy_timeout: the results page or a backup may hold a lock briefly.
    if (auto e = db->exec("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON")) fail(e, e.message);
    return std::unique_ptr<SqliteConnection>(new SqliteConnection(std::move(db), path));
}

SqliteConnection::SqliteConnection(std::unique_ptr<sqlite::Db> db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

SqliteConnection::~SqliteConnection() = default;

SqlRows SqliteConnection::query(std::string_view sql, const std::vector<SqlValue>& params) {
    auto fail = [&](const sqlite::Error& e) {
        if (e.kind == sqlite::ErrorKind::Io || e.kind == sqlite::ErrorKind::ReadOnly) broken_ = true;
        throw SqlError("hub database " + path_ + ": " + e.message + advice(e.kind), isUnavailable(e.kind));
    };
    sqlite::Error error;
    auto stmt = db_->prepare(sql, error);
    if (!stmt) fail(error);
    if (stmt->parameterCount() != static_cast<int>(params.size()))
        throw SqlError("hub database " + path_ + ": " + std::to_string(params.size()) + " parameters given for " +
                           std::to_string(stmt->parameterCount()) + " placeholders in: " + std::string(sql),
                       false);
    for (size_t i = 0; i < params.size(); ++i) {
        int index = static_cast<int>(i) + 1;
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>) stmt->bindNull(index);
                else stmt->bind(index, v);
            },
            params[i]);
    }

    int64_t totalBefore = db_->totalChanges();
    SqlRows out;
    int columns = stmt->columnCount();
    while (stmt->step()) {
        SqlRow row;
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (stmt->columnIsNull(c)) row.emplace_back(std::nullopt);
            else row.emplace_back(stmt->columnText(c));  // SQLite renders integers as decimal text
        }
        out.rows.push_back(std::move(row));
    }
    if (stmt->error()) fail(stmt->error());
    // changes() still holds the count of the last write when this statement wrote nothing
    // (a SELECT, a DDL statement, BEGIN).
    out.affected = db_->totalChanges() != totalBefore ? db_->changes() : 0;
    return out;
}

void SqliteConnection::script(std::string_view sql) {
    if (auto e = db_->exec(sql)) {
        if (e.kind == sqlite::ErrorKind::Io || e.kind == sqlite::ErrorKind::ReadOnly) broken_ = true;
        throw SqlError("hub database " + path_ + ": " + e.message + advice(e.kind), isUnavailable(e.kind));
    }
}

}  // namespace otklik::hub
