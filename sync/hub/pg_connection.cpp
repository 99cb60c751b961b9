// libpq behind SqlConnection: connecting with the hub's defaults, PQexecParams with text
// parameters, reading text results, and classifying SQLSTATEs into "unavailable" (the
// terminal retries later, the pool replaces the connection) and plain errors.
#include "sync/hub/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace otklik::hub {

namespace {

// int8 in pg_type. The server would infer an unknown-typed parameter from context, but
// "SELECT ? + 1" would then read a large int64 as int4; declaring int8 keeps its range.
constexpr Oid kInt8Oid = 20;

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's messages span lines ("ERROR: ...", "DETAIL: ...", "LINE 1: ...", a caret under the
// error position, or one sentence wrapped over three lines). A log line should be one line:
// labelled parts are joined with "; ", wrapped text with a space, the caret line is dropped.
std::string oneLine(const char* text) {
    std::string out;
    std::string_view rest = text ? text : "";
    while (!rest.empty()) {
        size_t eol = rest.find('\n');
        std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
        if (line.empty() || line.find_first_not_of("^ ") == std::string_view::npos) continue;
        size_t label = 0;
        while (label < line.size() && ((line[label] >= 'A' && line[label] <= 'Z') || (label > 0 && (line[label] == ' ' || std::isdigit(static_cast<unsigned char>(line[label]))))))
            ++label;
        bool labelled = label > 0 && label < line.size() && line[label] == ':';
        if (!out.empty()) out += labelled ? "; " : " ";
        std::string part(line);
        if (labelled) {  // "ERROR:  text" -> "ERROR: text"
            size_t text = part.find_first_not_of(' ', label + 1);
            part = part.substr(0, label + 1) + " " + (text == std::string::npos ? "" : part.substr(text));
        }
        out += part;
    }
    return out;
}

std::string head(std::string_view sql) {
    std::string s(sql.substr(0, 80));
    for (char& c : s)
        if (c == '\n' || c == '\t') c = ' ';
    return sql.size() > 80 ? s + "..." : s;
}

// The server is gone or refuses work for now: class 08 (connection), 57P01-03 (shut down,
// crashed, starting up), class 53 (disk full, out of memory, too many connections). A new
// connection later may succeed; this one should not be reused.
bool serverGone(const std::string& state) {
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" || state.rfind("53", 0) == 0;
}

// Deadlock, serialization failure, lock timeout: like SQLite's "busy", gone on a retry, and
// the connection stays usable.
bool transientConflict(const std::string& state) { return state == "40P01" || state == "40001" || state == "55P03"; }

// Notices ("relation already exists, skipping" on every start) are not errors, and errors
// arrive as SqlError; printing notices to stderr would only clutter the journal.
void ignoreNotice(void*, const char*) {}

}  // namespace

std::string redactPassword(const std::string& url) {
    std::string out = url;
    // user:password@ in the authority part
    size_t scheme = out.find("://");
    if (scheme != std::string::npos) {
        size_t start = scheme + 3;
        size_t at = out.find('@', start);
        size_t slash = out.find('/', start);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            size_t colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // password=... as a query parameter
    for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
        size_t value = p + std::strlen("password=");
        size_t end = out.find('&', value);
        out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
    }
    return out;
}

std::string pgPlaceholders(std::string_view sql, size_t& count) {
    std::string out;
    out.reserve(sql.size() + 16);
    count = 0;
    size_t i = 0;
    auto copyThrough = [&](size_t end) {  // copies sql[i, end) and moves on
        end = std::min(end, sql.size());
        out.append(sql.substr(i, end - i));
        i = end;
    };
    while (i < sql.size()) {
        char c = sql[i];
        char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        if (c == '\'' || c == '"') {
            // A doubled quote inside ('it''s') reads as two adjacent literals here: same result.
            size_t close = sql.find(c, i + 1);
            copyThrough(close == std::string_view::npos ? sql.size() : close + 1);
        } else if (c == '-' && next == '-') {
            size_t eol = sql.find('\n', i);
            copyThrough(eol == std::string_view::npos ? sql.size() : eol + 1);
        } else if (c == '/' && next == '*') {
            size_t close = sql.find("*/", i + 2);
            copyThrough(close == std::string_view::npos ? sql.size() : close + 2);
        } else if (c == '?') {
            out += '$';
            out += std::to_string(++count);
            ++i;
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

std::unique_ptr<PgConnection> PgConnection::open(const std::string& url) {
    std::string where = redactPassword(url);
    // Keywords are applied in order and the last one wins: defaults go before the URI (which
    // dbname expands) so the URI may override them; client_encoding goes after, because every
    // text we send and read is UTF-8.
    // tcp_user_timeout / keepalives: a server host that vanished from the network fails a
    // query in seconds instead of the kernel's 15 minutes (TCP only; unix sockets ignore them).
    const char* keys[] = {"connect_timeout", "application_name", "tcp_user_timeout", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "dbname", "client_encoding", nullptr};
    const char* values[] = {"5", "otklik-hub", "10000", "30", "10", "3", url.c_str(), "UTF8", nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (!conn) throw SqlError("cannot connect to the hub database " + where + ": out of memory", true);
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = oneLine(PQerrorMessage(conn));
        PQfinish(conn);
        throw SqlError("cannot connect to the hub database " + where + ": " + why +
                           " — check the PostgreSQL server is running and reachable, and the user, password and database in the URL",
                       true);
    }
    PQsetNoticeProcessor(conn, ignoreNotice, nullptr);
    return std::unique_ptr<PgConnection>(new PgConnection(conn, std::move(where)));
}

PgConnection::PgConnection(pg_conn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

void PgConnection::fail(std::string_view sql, const std::string& sqlstate, const std::string& serverMessage) {
    bool lost = PQstatus(conn_) != CONNECTION_OK || serverGone(sqlstate);
    if (lost) broken_ = true;
    std::string message = "hub database " + where_ + ": `" + head(sql) + "` failed" +
                          (sqlstate.empty() ? std::string() : " (SQLSTATE " + sqlstate + ")") + ": " + serverMessage;
    if (sqlstate.rfind("53100", 0) == 0) message += " — the database server's disk is full; free space there";
    else if (sqlstate.rfind("53", 0) == 0) message += " — the database server is short of memory or connections; check its load and max_connections";
    else if (lost) message += " — the connection to the database server was lost; check the server is running (the hub reconnects)";
    else if (transientConflict(sqlstate)) message += " — a conflict with another transaction; retrying will succeed";
    throw SqlError(std::move(message), lost || transientConflict(sqlstate));
}

SqlRows PgConnection::query(std::string_view sql, const std::vector<SqlValue>& params) {
    size_t placeholders = 0;
    std::string text = pgPlaceholders(sql, placeholders);
    if (placeholders != params.size())
        throw SqlError("hub database " + where_ + ": " + std::to_string(params.size()) + " parameters given for " +
                           std::to_string(placeholders) + " placeholders in: " + std::string(sql),
                       false);

    // Text format for everything: the integer as decimal text, NULL as a null pointer.
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<Oid> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
        if (const auto* n = std::get_if<int64_t>(&params[i])) {
            storage[i] = std::to_string(*n);
            values[i] = storage[i].c_str();
            types[i] = kInt8Oid;
        } else if (const auto* s = std::get_if<std::string>(&params[i])) {
            // libpq takes text parameters as C strings: a NUL would silently cut the value.
            if (s->find('\0') != std::string::npos)
                throw SqlError("hub database " + where_ + ": parameter " + std::to_string(i + 1) + " of `" + head(sql) +
                                   "` contains a NUL byte, which PostgreSQL text cannot hold",
                               false);
            values[i] = s->c_str();
        }
    }

    Result res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(), values.data(), nullptr, nullptr, 0));
    ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_EMPTY_QUERY) fail(sql, "", "no SQL statement in it");
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
        fail(sql, state ? state : "", oneLine(res ? PQresultErrorMessage(res.get()) : PQerrorMessage(conn_)));
    }

    SqlRows out;
    int rows = PQntuples(res.get());
    int columns = PQnfields(res.get());
    out.rows.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        SqlRow row;
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(res.get(), r, c)) row.emplace_back(std::nullopt);
            else row.emplace_back(std::string(PQgetvalue(res.get(), r, c), static_cast<size_t>(PQgetlength(res.get(), r, c))));
        }
        out.rows.push_back(std::move(row));
    }
    // PQcmdTuples also counts the rows a SELECT returned; `affected` means rows changed.
    const char* tag = PQcmdStatus(res.get());
    const char* tuples = PQcmdTuples(res.get());
    if (tag && std::strncmp(tag, "SELECT", 6) != 0 && tuples && *tuples) out.affected = std::strtoll(tuples, nullptr, 10);
    return out;
}

void PgConnection::script(std::string_view sql) {
    std::string text(sql);
    // PQexec (not PQexecParams) accepts several statements; it returns the last result, or the
    // first error, at which point it stopped.
    Result res(PQexec(conn_, text.c_str()));
    ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
    const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
    fail(sql, state ? state : "", oneLine(res ? PQresultErrorMessage(res.get()) : PQerrorMessage(conn_)));
}

}  // namespace otklik::hub
