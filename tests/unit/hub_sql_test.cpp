// The hub's SQL connections, one suite run against both engines (a SQLite file and a real
// throwaway PostgreSQL server): parameters and text results, ON CONFLICT ... RETURNING,
// transactions, affected counts, and which failures count as "unavailable, retry later".
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>

#include "sync/hub/pg_connection.h"
#include "sync/hub/sql.h"
#include "tests/fakes/temp_dir.h"
#include "tests/support/postgres_server.h"

using namespace otklik;
using hub::SqlError;
using hub::SqlRow;
using hub::SqlValue;
using test::PostgresServer;

namespace {

enum class Engine { Sqlite, Postgres };

void PrintTo(Engine engine, std::ostream* os) { *os << (engine == Engine::Sqlite ? "SQLite" : "PostgreSQL"); }

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// CI installs PostgreSQL; a machine without it must not pass these tests by skipping them.
#define REQUIRE_POSTGRES()                                                   \
    do {                                                                     \
        std::string why_;                                                    \
        if (!PostgresServer::available(&why_)) FAIL() << why_;               \
    } while (false)

// Runs `body`, expects a SqlError, and returns it for more checks.
SqlError expectSqlError(const std::function<void()>& body) {
    try {
        body();
    } catch (const SqlError& e) {
        return e;
    }
    ADD_FAILURE() << "expected a SqlError";
    return SqlError("(none thrown)", false);
}

std::string safeName(std::string name) {
    for (char& c : name)
        if (c == '/') c = '_';
    return name;
}

class HubSql : public ::testing::TestWithParam<Engine> {
protected:
    void SetUp() override {
        if (GetParam() == Engine::Sqlite) {
            url_ = fakes::freshTempDir("hub-sql-" + safeName(::testing::UnitTest::GetInstance()->current_test_info()->name())) + "/hub.db";
        } else {
            REQUIRE_POSTGRES();
            url_ = PostgresServer::shared().createDatabase();  // empty: no rows from other tests
        }
        db_ = hub::openSql(url_);
    }

    void createNotes() {
        db_->script(
            "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL, extra TEXT, tag TEXT);"
            "CREATE TABLE marks (note_id BIGINT NOT NULL REFERENCES notes(id), mark TEXT)");
    }

    int64_t count(const std::string& table) { return db_->query("SELECT COUNT(*) FROM " + table).scalarInt(-1); }

    std::string url_;
    std::unique_ptr<hub::SqlConnection> db_;
};

TEST_P(HubSql, ReportsItsDialect) {
    EXPECT_EQ(db_->dialect(), GetParam() == Engine::Sqlite ? hub::SqlDialect::Sqlite : hub::SqlDialect::Postgres);
    EXPECT_TRUE(db_->healthy());
}

TEST_P(HubSql, ParametersComeBackAsTheSameText) {
    createNotes();
    // Quotes, `?` and comment markers in a parameter are data; the `?` inside the SQL literal
    // 'what?' is not a placeholder.
    const std::string tricky = "O'Brien asked: \"why?\" -- ?? /* ? */ 'it''s' $1";
    const std::string cyrillic = "Отклик: спасибо, всё хорошо! Ёлка — ёж";
    const std::string insert = "INSERT INTO notes (id, body, extra, tag) VALUES (?, ?, ?, 'what?')";
    EXPECT_EQ(db_->query(insert, {kMin, tricky, nullptr}).affected, 1);
    EXPECT_EQ(db_->query(insert, {kMax, cyrillic, std::string("x")}).affected, 1);
    EXPECT_EQ(db_->query(insert, {int64_t{0}, std::string(), std::string()}).affected, 1);

    auto rows = db_->query("SELECT id, body, extra, tag FROM notes ORDER BY id").rows;
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (SqlRow{"-9223372036854775808", tricky, std::nullopt, "what?"}));
    EXPECT_EQ(rows[1], (SqlRow{"0", "", "", "what?"}));  // empty text is not NULL
    EXPECT_EQ(rows[2], (SqlRow{"9223372036854775807", cyrillic, "x", "what?"}));

    EXPECT_EQ(db_->query("SELECT body FROM notes WHERE id = ?", {kMin}).scalar(), tricky);
    EXPECT_EQ(db_->query("SELECT id FROM notes WHERE body = ?", {cyrillic}).scalarInt(), kMax);
    EXPECT_EQ(db_->query("SELECT COUNT(*) FROM notes WHERE extra IS NULL").scalarInt(), 1);
    EXPECT_EQ(db_->query("SELECT ? + 1", {kMax - 1}).scalarInt(), kMax);
    EXPECT_FALSE(db_->query("SELECT body FROM notes WHERE id = ?", {int64_t{42}}).scalar().has_value());
}

TEST_P(HubSql, InsertOnConflictDoNothingReturnsARowOnlyWhenInserted) {
    createNotes();
    const std::string sql = "INSERT INTO notes (id, body) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id";
    auto first = db_->query(sql, {int64_t{7}, std::string("first")});
    ASSERT_EQ(first.rows.size(), 1u);
    EXPECT_EQ(first.scalar(), "7");
    EXPECT_EQ(first.affected, 1);

    auto again = db_->query(sql, {int64_t{7}, std::string("second")});
    EXPECT_TRUE(again.rows.empty());
    EXPECT_EQ(again.affected, 0);
    EXPECT_EQ(db_->query("SELECT body FROM notes WHERE id = 7").scalar(), "first");
}

TEST_P(HubSql, RollbackDiscardsAndCommitKeeps) {
    createNotes();
    db_->query("BEGIN");
    db_->query("INSERT INTO notes (id, body) VALUES (?, ?)", {int64_t{1}, std::string("kept")});
    db_->query("COMMIT");

    db_->query("BEGIN");
    db_->query("INSERT INTO notes (id, body) VALUES (?, ?)", {int64_t{2}, std::string("discarded")});
    db_->query("UPDATE notes SET body = ? WHERE id = ?", {std::string("changed"), int64_t{1}});
    EXPECT_EQ(count("notes"), 2);  // the transaction sees its own rows
    db_->query("ROLLBACK");

    EXPECT_EQ(count("notes"), 1);
    EXPECT_EQ(db_->query("SELECT body FROM notes WHERE id = 1").scalar(), "kept");
}

TEST_P(HubSql, CommittedRowsAreSeenByAnotherConnection) {
    createNotes();
    db_->query("INSERT INTO notes (id, body) VALUES (1, 'a')");
    auto other = hub::openSql(url_);
    db_->query("BEGIN");
    db_->query("INSERT INTO notes (id, body) VALUES (2, 'b')");
    EXPECT_EQ(other->query("SELECT COUNT(*) FROM notes").scalarInt(), 1);  // not yet committed
    db_->query("COMMIT");
    EXPECT_EQ(other->query("SELECT COUNT(*) FROM notes").scalarInt(), 2);
}

TEST_P(HubSql, AffectedCountsRowsChangedOnly) {
    createNotes();
    EXPECT_EQ(db_->query("INSERT INTO notes (id, body) VALUES (1, 'a'), (2, 'b'), (3, 'c')").affected, 3);
    EXPECT_EQ(db_->query("UPDATE notes SET tag = ? WHERE id >= ?", {std::string("t"), int64_t{2}}).affected, 2);
    // Statements that change nothing report 0, not the count of the write before them.
    EXPECT_EQ(db_->query("SELECT id FROM notes").affected, 0);
    EXPECT_EQ(db_->query("UPDATE notes SET tag = 'u' WHERE id > 100").affected, 0);
    EXPECT_EQ(db_->query("CREATE TABLE other (x INTEGER)").affected, 0);
    EXPECT_EQ(db_->query("BEGIN").affected, 0);
    EXPECT_EQ(db_->query("DELETE FROM notes WHERE id <> 2").affected, 2);
    EXPECT_EQ(db_->query("COMMIT").affected, 0);
    EXPECT_EQ(count("notes"), 1);
}

TEST_P(HubSql, SyntaxErrorIsABugNotUnavailable) {
    SqlError e = expectSqlError([&] { db_->query("SELEC id FROM nowhere WHERE x = ?", {int64_t{1}}); });
    EXPECT_FALSE(e.unavailable());
    EXPECT_NE(std::string(e.what()).find("SELEC"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
    if (GetParam() == Engine::Postgres) {
        EXPECT_NE(std::string(e.what()).find("42601"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(db_->healthy());
    EXPECT_EQ(db_->query("SELECT 1 + 1").scalarInt(), 2);  // the connection still works
}

TEST_P(HubSql, ConstraintViolationIsABugNotUnavailable) {
    createNotes();
    db_->query("INSERT INTO notes (id, body) VALUES (1, 'a')");
    SqlError duplicate = expectSqlError([&] { db_->query("INSERT INTO notes (id, body) VALUES (?, 'b')", {int64_t{1}}); });
    EXPECT_FALSE(duplicate.unavailable());
    EXPECT_NE(std::string(duplicate.what()).find("notes"), std::string::npos) << duplicate.what();
    if (GetParam() == Engine::Postgres) {
        EXPECT_NE(std::string(duplicate.what()).find("23505"), std::string::npos) << duplicate.what();
    }

    // Foreign keys are enforced on both (SQLite only with the pragma the connection sets).
    SqlError orphan = expectSqlError([&] { db_->query("INSERT INTO marks (note_id, mark) VALUES (99, 'x')"); });
    EXPECT_FALSE(orphan.unavailable());
    SqlError notNull = expectSqlError([&] { db_->query("INSERT INTO notes (id, body) VALUES (?, ?)", {int64_t{5}, nullptr}); });
    EXPECT_FALSE(notNull.unavailable());
    EXPECT_TRUE(db_->healthy());
}

TEST_P(HubSql, ScriptRunsSeveralStatementsAndReportsTheFailingOne) {
    db_->script("CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);");
    EXPECT_EQ(count("a"), 2);
    SqlError e = expectSqlError([&] { db_->script("INSERT INTO a VALUES (3); INSERT INTO missing_table VALUES (4);"); });
    EXPECT_FALSE(e.unavailable());
    EXPECT_NE(std::string(e.what()).find("missing_table"), std::string::npos) << e.what();
}

TEST_P(HubSql, WrongNumberOfParametersIsReported) {
    SqlError few = expectSqlError([&] { db_->query("SELECT ?, ?", {int64_t{1}}); });
    EXPECT_FALSE(few.unavailable());
    EXPECT_NE(std::string(few.what()).find("1 parameters given for 2 placeholders"), std::string::npos) << few.what();
    SqlError many = expectSqlError([&] { db_->query("SELECT 'a?'", {int64_t{1}}); });
    EXPECT_NE(std::string(many.what()).find("1 parameters given for 0 placeholders"), std::string::npos) << many.what();
}

TEST_P(HubSql, EmptyStatementIsReported) {
    SqlError e = expectSqlError([&] { db_->query("  "); });
    EXPECT_FALSE(e.unavailable());
    EXPECT_NE(std::string(e.what()).find("no SQL statement"), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(Engines, HubSql, ::testing::Values(Engine::Sqlite, Engine::Postgres),
                         [](const ::testing::TestParamInfo<Engine>& info) { return info.param == Engine::Sqlite ? "Sqlite" : "Postgres"; });

// --- SQLite only ---------------------------------------------------------------------------

TEST(HubSqlSqlite, OpensInWalModeWithFullSyncAndForeignKeys) {
    auto db = hub::openSql(fakes::freshTempDir("hub-sql-pragmas") + "/hub.db");
    EXPECT_EQ(db->query("PRAGMA journal_mode").scalar(), "wal");
    EXPECT_EQ(db->query("PRAGMA synchronous").scalar(), "2");  // FULL
    EXPECT_EQ(db->query("PRAGMA foreign_keys").scalar(), "1");
    EXPECT_EQ(db->query("PRAGMA busy_timeout").scalar(), "5000");
}

TEST(HubSqlSqlite, MissingFolderIsReportedWithTheFix) {
    std::string path = fakes::freshTempDir("hub-sql-missing") + "/no/such/folder/hub.db";
    SqlError e = expectSqlError([&] { (void)hub::openSql(path); });
    std::string message = e.what();
    EXPECT_NE(message.find("cannot open hub database " + path), std::string::npos) << message;
    EXPECT_NE(message.find("does not exist; create it"), std::string::npos) << message;
}

TEST(HubSqlSqlite, ReadOnlyFolderIsReportedWithTheFix) {
    std::string dir = fakes::freshTempDir("hub-sql-readonly");
    ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);
    std::string path = dir + "/hub.db";
    // Root writes anywhere; the check runs in a child that gives up root for `nobody`. _exit:
    // the child must not run this process's static destructors (a shared PostgreSQL server).
    EXPECT_EXIT(
        {
            if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
            try {
                (void)hub::openSql(path);
            } catch (const SqlError& e) {
                std::fprintf(stderr, "%s\n", e.what());
                std::fflush(stderr);
                ::_exit(e.unavailable() ? 0 : 1);
            }
            ::_exit(2);
        },
        ::testing::ExitedWithCode(0), "cannot open hub database .*hub\\.db.* is writable by the hub's user");
    ::chmod(dir.c_str(), 0755);
}

// --- PostgreSQL only -----------------------------------------------------------------------

TEST(HubSqlPostgres, PlaceholdersOutsideQuotesAndCommentsAreNumbered) {
    size_t n = 0;
    EXPECT_EQ(hub::pgPlaceholders("SELECT ?, '?', 'it''s ?', \"odd?\" -- ?\n, ? /* ? */, ?", n),
              "SELECT $1, '?', 'it''s ?', \"odd?\" -- ?\n, $2 /* ? */, $3");
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(hub::pgPlaceholders("INSERT INTO t VALUES (?,?)", n), "INSERT INTO t VALUES ($1,$2)");
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(hub::pgPlaceholders("SELECT 'unterminated ?", n), "SELECT 'unterminated ?");
    EXPECT_EQ(n, 0u);
}

TEST(HubSqlPostgres, PasswordsNeverAppearInMessages) {
    EXPECT_EQ(hub::redactPassword("postgresql://hub:s3cret@db.example:5432/otklik"), "postgresql://hub:***@db.example:5432/otklik");
    EXPECT_EQ(hub::redactPassword("postgres://db/otklik?user=hub&password=s3cret&sslmode=require"),
              "postgres://db/otklik?user=hub&password=***&sslmode=require");
    EXPECT_EQ(hub::redactPassword("postgresql://hub@db/otklik"), "postgresql://hub@db/otklik");
    SqlError e = expectSqlError([] { (void)hub::openSql("postgresql://hub:s3cret@127.0.0.1:1/otklik"); });
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
}

TEST(HubSqlPostgres, UnreachableServerIsUnavailable) {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    SqlError e = expectSqlError([] { (void)hub::openSql("postgres://otklik@127.0.0.1:1/otklik"); });
    EXPECT_TRUE(e.unavailable());
    EXPECT_NE(std::string(e.what()).find("cannot connect to the hub database postgres://otklik@127.0.0.1:1/otklik"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("check the PostgreSQL server is running"), std::string::npos) << e.what();
}

TEST(HubSqlPostgres, ConnectionIsUtf8AndNamed) {
    REQUIRE_POSTGRES();
    auto db = hub::openSql(PostgresServer::shared().createDatabase());
    EXPECT_EQ(db->query("SHOW client_encoding").scalar(), "UTF8");
    EXPECT_EQ(db->query("SHOW application_name").scalar(), "otklik-hub");
    EXPECT_EQ(db->query("SELECT length(?)", {std::string("ёж")}).scalarInt(), 2);  // characters, not bytes
}

TEST(HubSqlPostgres, ServerStoppedMidUseIsUnavailableAndTheConnectionUnhealthy) {
    REQUIRE_POSTGRES();
    PostgresServer server;  // its own: this test shuts it down
    auto db = hub::openSql(server.url());
    db->script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
    db->query("BEGIN");
    db->query("INSERT INTO t VALUES (?)", {int64_t{1}});
    server.stop();

    SqlError e = expectSqlError([&] { db->query("COMMIT"); });
    EXPECT_TRUE(e.unavailable()) << e.what();
    EXPECT_NE(std::string(e.what()).find("COMMIT"), std::string::npos) << e.what();
    EXPECT_FALSE(db->healthy());
    // Still unavailable on the next try, and a new connection cannot be made either.
    EXPECT_TRUE(expectSqlError([&] { db->query("SELECT 1"); }).unavailable());
    EXPECT_TRUE(expectSqlError([&] { (void)hub::openSql(server.url()); }).unavailable());
}

TEST(HubSqlPostgres, TestServerIsRealAndLeavesNothingBehind) {
    REQUIRE_POSTGRES();
    std::string dir;
    {
        PostgresServer server;
        dir = server.directory();
        std::printf("test PostgreSQL server started in %lld ms\n", static_cast<long long>(server.startTime().count()));
        auto db = hub::openSql(server.url());
        EXPECT_EQ(db->query("SHOW fsync").scalar(), "on");  // durability as in production
        EXPECT_EQ(db->query("SHOW server_encoding").scalar(), "UTF8");
        EXPECT_EQ(db->query("SELECT current_database()").scalar(), "otklik");
        EXPECT_TRUE(std::filesystem::exists(dir + "/.s.PGSQL." + std::to_string(server.port())));  // its own unix socket
        // Databases from createDatabase() are separate and empty.
        auto a = hub::openSql(server.createDatabase());
        a->script("CREATE TABLE only_in_a (x INTEGER)");
        auto b = hub::openSql(server.createDatabase());
        EXPECT_EQ(b->query("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'only_in_a'").scalarInt(-1), 0);
    }
    EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

}  // namespace
