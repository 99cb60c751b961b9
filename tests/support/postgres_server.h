// A real, throwaway PostgreSQL cluster for tests: a fresh folder under /tmp (a copy of a
// cluster initdb made once), a server on a unix socket there and 127.0.0.1 on a free port,
// fsync on, each test in its own database, and everything stopped and deleted afterwards.
// Runs the server as the `postgres` user when the tests run as root (PostgreSQL refuses root).
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace otklik::hub {
class SqlConnection;
}

namespace otklik::test {

class PostgresServer {
public:
    // Whether the PostgreSQL server programs (initdb, pg_ctl, postgres) are installed; when not,
    // `why` (if given) says so and how to install them.
    static bool available(std::string* why = nullptr);

    // One server for the whole test process, started on first use (well under a second once
    // the template exists; about two seconds the first time on an idle machine) and
    // stopped at exit. Throws std::runtime_error if it cannot start.
    static PostgresServer& shared();

    // Starts a new cluster of its own (for tests that stop or break the server). Throws
    // std::runtime_error with the reason and the end of the server's log.
    PostgresServer();
    ~PostgresServer();  // stops the server (immediate shutdown) and deletes its folder
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // libpq URI of the database "otklik": postgresql://otklik@127.0.0.1:PORT/otklik
    [[nodiscard]] const std::string& url() const { return url_; }
    // Creates a new, empty database and returns its URI, so tests never see each other's rows.
    [[nodiscard]] std::string createDatabase();
    // Stops the server now (fast shutdown: open connections are cut). Idempotent.
    void stop();
    [[nodiscard]] bool running() const { return running_; }
    [[nodiscard]] int port() const { return port_; }
    // The cluster's folder: the data directory is data/, the unix socket and log lie beside it.
    [[nodiscard]] const std::string& directory() const { return dir_; }
    // How long starting took (copying the template cluster, or initdb when there was none).
    [[nodiscard]] std::chrono::milliseconds startTime() const { return startTime_; }

private:
    void start();
    void stopServer(const char* mode);  // pg_ctl stop -m <mode>
    std::string urlFor(const std::string& database) const;

    std::string bin_;  // e.g. /usr/lib/postgresql/15/bin
    std::string dir_;
    int port_ = 0;
    bool running_ = false;
    int databases_ = 0;
    std::chrono::milliseconds startTime_{0};
    std::string url_;
    std::unique_ptr<hub::SqlConnection> admin_;  // to the "postgres" database, for CREATE DATABASE
};

}  // namespace otklik::test
