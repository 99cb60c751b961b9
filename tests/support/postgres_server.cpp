// Starting and stopping a throwaway PostgreSQL cluster with the server programs of the newest
// PostgreSQL installed under /usr/lib/postgresql (Debian's layout). initdb runs once into a
// template folder in /tmp that later servers copy, because every test case runs in a process
// of its own and initdb costs a second or more (several on a busy CI machine); a copy costs
// about a tenth of that and is the same cluster.
#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sync/hub/sql.h"

namespace otklik::test {

namespace fs = std::filesystem;

namespace {

const char* const kInstallHint = "run ./packaging/install-deps.sh (it installs the Debian package `postgresql`)";

// The newest /usr/lib/postgresql/<major>/bin holding all three programs we run, or "".
// OTKLIK_PG_BINDIR overrides the search for machines that keep PostgreSQL elsewhere.
std::string findBinDir() {
    auto complete = [](const fs::path& bin) {
        for (const char* tool : {"initdb", "pg_ctl", "postgres"})
            if (::access((bin / tool).c_str(), X_OK) != 0) return false;
        return true;
    };
    if (const char* env = std::getenv("OTKLIK_PG_BINDIR"); env && *env) return complete(env) ? std::string(env) : std::string();
    std::error_code ec;
    std::string best;
    double bestVersion = -1;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        std::string name = entry.path().filename().string();
        char* end = nullptr;
        double version = std::strtod(name.c_str(), &end);  // "15", or "9.6" for old ones
        if (end == name.c_str() || *end != '\0' || version <= bestVersion || !complete(entry.path() / "bin")) continue;
        bestVersion = version;
        best = (entry.path() / "bin").string();
    }
    return best;
}

// Who runs the PostgreSQL programs: ourselves, or the `postgres` user when we are root.
struct Identity {
    bool switchUser = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

std::optional<Identity> serverIdentity(std::string* why) {
    if (::geteuid() != 0) return Identity{};
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) {
        if (why)
            *why = std::string("the tests run as root, which PostgreSQL refuses, and there is no `postgres` user to run it as; ") +
                   kInstallHint + " (the package creates that user)";
        return std::nullopt;
    }
    return Identity{true, pw->pw_uid, pw->pw_gid};
}

std::string readTail(const fs::path& file, size_t maxBytes = 3000) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    return text.size() > maxBytes ? "..." + text.substr(text.size() - maxBytes) : text;
}

// Runs a program to completion, as `who`, in `cwd`, reading `input`, its output appended to
// `log`. Returns its
// exit code (128 + signal if killed). fork+exec rather than system(): no shell quoting, and
// the switch to the postgres user happens in the child only.
int runTool(const std::vector<std::string>& args, const Identity& who, const fs::path& cwd, const fs::path& log,
            const fs::path& input = "/dev/null") {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("PostgresServer: fork failed: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec.
        if (who.switchUser && (::setgroups(1, &who.gid) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0)) ::_exit(126);
        // Opened after switching, so the log belongs to the user who keeps appending to it.
        int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int in = ::open(input.c_str(), O_RDONLY);
        if (out < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(125);
        // The server outlives this call: it must not hold the test runner's pipes open.
        ::close_range(3, ~0U, 0);
        if (::chdir(cwd.c_str()) != 0) ::_exit(124);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error("PostgresServer: waitpid failed: " + std::string(std::strerror(errno)));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A port nobody listens on right now. Another process may take it before the server binds;
// start() then tries another.
int freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("PostgresServer: socket failed: " + std::string(std::strerror(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
        int err = errno;
        ::close(fd);
        throw std::runtime_error("PostgresServer: no free port on 127.0.0.1: " + std::string(std::strerror(err)));
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

// Clusters left by test processes that were killed (a crash, a ctest timeout) keep running
// and fill /tmp; the first server of each process stops and deletes them.
void removeAbandonedClusters(const std::string& bin, const Identity& who) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec)) {
        std::string name = entry.path().filename().string();
        if (name.rfind("otklik-pg-", 0) != 0) continue;
        long pid = std::strtol(name.c_str() + 10, nullptr, 10);
        if (pid <= 0 || pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        if (fs::exists(entry.path() / "data" / "postmaster.pid", ec))
            (void)runTool({bin + "/pg_ctl", "-D", (entry.path() / "data").string(), "-m", "immediate", "-s", "stop"}, who, "/", "/dev/null");
        fs::remove_all(entry.path(), ec);
    }
}

int nextNumber() {
    static std::atomic<int> counter{0};
    return ++counter;
}

// A fresh folder in /tmp named otklik-pg-<our pid>-<what>-<n> (removeAbandonedClusters finds it
// if we die), mode 0700, owned by whoever runs the PostgreSQL programs.
fs::path makeOwnedDir(const std::string& what, const Identity& who) {
    fs::path dir = fs::temp_directory_path() / ("otklik-pg-" + std::to_string(::getpid()) + "-" + what + std::to_string(nextNumber()));
    fs::remove_all(dir);
    fs::create_directory(dir);
    fs::permissions(dir, fs::perms::owner_all);
    if (who.switchUser && ::chown(dir.c_str(), who.uid, who.gid) != 0)
        throw std::runtime_error("cannot give " + dir.string() + " to the postgres user: " + std::strerror(errno));
    return dir;
}

// Renamed first (atomically, under a name removeAbandonedClusters knows), then deleted, so
// nobody finds a half-deleted folder at the old name.
void discard(const fs::path& dir) {
    fs::path trash = fs::temp_directory_path() / ("otklik-pg-" + std::to_string(::getpid()) + "-discarded-" + std::to_string(nextNumber()));
    std::error_code ec;
    fs::rename(dir, trash, ec);
    if (!ec) fs::remove_all(trash, ec);
}

// Rebuilt daily: /tmp cleaners (systemd-tmpfiles on some distributions) delete files older
// than ten days one by one, which would leave a broken template behind.
constexpr auto kTemplateMaxAge = std::chrono::hours(24);

// How templateData makes a template; part of the template's name, so changing it here makes
// running tests ignore templates made the old way.
const std::vector<std::string> kInitdbOptions = {"-U", "otklik", "-A", "trust", "-E", "UTF8", "--no-locale", "--wal-segsize=1"};

fs::path templateDir(const std::string& bin, const Identity& who) {
    std::string recipe = bin;
    for (const auto& option : kInitdbOptions) recipe += " " + option;
    std::ostringstream name;
    name << "otklik-pgtemplate-" << std::hex << std::hash<std::string>{}(recipe) << std::dec << "-" << (who.switchUser ? who.uid : ::geteuid());
    return fs::temp_directory_path() / name.str();
}

// Complete, fresh, and ours: owned by the server's user with mode 0700, so another user of
// /tmp cannot have planted it.
bool templateReady(const fs::path& dir, const Identity& who) {
    struct stat folder {};
    struct stat marker {};
    uid_t owner = who.switchUser ? who.uid : ::geteuid();
    if (::lstat(dir.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode) || folder.st_uid != owner || (folder.st_mode & 077) != 0) return false;
    if (::stat((dir / "ready").c_str(), &marker) != 0) return false;
    return std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(marker.st_mtime) < kTemplateMaxAge;
}

// The template's data folder, made first if there is none (or `rebuild`: a copy of it would
// not start). Several test processes may race here; rename() lets exactly one install its
// build, and the others use that one.
fs::path templateData(const std::string& bin, const Identity& who, bool rebuild) {
    fs::path final = templateDir(bin, who);
    if (!rebuild && templateReady(final, who)) return final / "data";

    fs::path work = makeOwnedDir("template-", who);
    fs::path data = work / "data", log = work / "setup.log";
    // Trust authentication: only this machine can connect, and each copy lives for one test
    // process. 1 MB WAL segments instead of 16: the first segment is preallocated and a third
    // of what every server start copies. initdb syncs its files: the template is reused.
    std::vector<std::string> initdb = {bin + "/initdb", "-D", data.string()};
    initdb.insert(initdb.end(), kInitdbOptions.begin(), kInitdbOptions.end());
    int rc = runTool(initdb, who, work, log);
    if (rc != 0) {
        std::string out = readTail(log);
        discard(work);
        throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + "):\n" + out);
    }
    // The database url() names, made in single-user mode so no server has to start for it.
    std::ofstream(work / "create.sql") << "CREATE DATABASE otklik;\n";
    rc = runTool({bin + "/postgres", "--single", "-D", data.string(), "-c", "exit_on_error=on", "postgres"}, who, work, log, work / "create.sql");
    if (rc != 0) {
        std::string out = readTail(log);
        discard(work);
        throw std::runtime_error("creating the test database in single-user mode failed (exit " + std::to_string(rc) + "):\n" + out);
    }
    std::ofstream(work / "ready") << "a PostgreSQL cluster that tests/support/postgres_server.cpp copies for each test server\n";

    if (fs::exists(final) && (rebuild || !templateReady(final, who))) discard(final);
    if (::rename(work.c_str(), final.c_str()) == 0) return final / "data";
    discard(work);  // another process installed its template first
    if (templateReady(final, who)) return final / "data";
    throw std::runtime_error("cannot install the PostgreSQL template cluster at " + final.string() + ": " + std::strerror(errno));
}

}  // namespace

bool PostgresServer::available(std::string* why) {
    if (findBinDir().empty()) {
        const char* env = std::getenv("OTKLIK_PG_BINDIR");
        std::string where = env && *env ? std::string("in OTKLIK_PG_BINDIR=") + env : "under /usr/lib/postgresql/<version>/bin";
        if (why) *why = "PostgreSQL server programs (initdb, pg_ctl, postgres) not found " + where + "; " + kInstallHint;
        return false;
    }
    return serverIdentity(why).has_value();
}

PostgresServer& PostgresServer::shared() {
    static PostgresServer server;
    return server;
}

PostgresServer::PostgresServer() {
    try {
        start();
    } catch (...) {
        try {
            stopServer("immediate");
        } catch (...) {
            // The first failure is the one worth reporting.
        }
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
        throw;
    }
}

PostgresServer::~PostgresServer() {
    try {
        // Immediate, not fast: the cluster is deleted next, so its shutdown checkpoint (about
        // a second of fsyncs) would be wasted on every test process.
        stopServer("immediate");
    } catch (...) {
        // A destructor must not throw; the next test process removes an abandoned cluster.
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
}

void PostgresServer::start() {
    auto began = std::chrono::steady_clock::now();
    std::string why;
    if (!available(&why)) throw std::runtime_error("cannot start a test PostgreSQL server: " + why);
    bin_ = findBinDir();
    Identity who = *serverIdentity(nullptr);

    static std::atomic<bool> cleaned{false};
    if (!cleaned.exchange(true)) removeAbandonedClusters(bin_, who);

    fs::path dir = makeOwnedDir("", who);
    dir_ = dir.string();
    fs::path data = dir / "data", setupLog = dir / "setup.log", serverLog = dir / "server.log";

    // Copies the template and starts it on a free port; "" on success, else what went wrong.
    auto tryStart = [&](const fs::path& source) -> std::string {
        fs::remove_all(data);
        int rc = runTool({"/bin/cp", "-a", source.string(), data.string()}, who, dir, setupLog);
        if (rc != 0) return "copying " + source.string() + " failed (exit " + std::to_string(rc) + "):\n" + readTail(setupLog);
        std::ofstream conf(data / "postgresql.conf", std::ios::app);
        conf << "\n# otklik test server\n"
             << "listen_addresses = '127.0.0.1'\n"
             << "unix_socket_directories = '" << dir_ << "'\n"
             << "fsync = on\n"  // real durability, as in production: commits cost what they cost there
             << "synchronous_commit = on\n"
             << "shared_buffers = 16MB\n"
             << "max_connections = 40\n"
             << "logging_collector = off\n";
        conf.close();
        if (!conf) return "cannot write " + (data / "postgresql.conf").string();
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = freePort();
            rc = runTool({bin_ + "/pg_ctl", "-D", data.string(), "-l", serverLog.string(), "-w", "-t", "30", "-s", "-o", "-p " + std::to_string(port_), "start"},
                         who, dir, setupLog);
            if (rc == 0) {
                running_ = true;
                return "";
            }
            // pg_ctl may give up waiting while a server still starts: make sure none is left.
            (void)runTool({bin_ + "/pg_ctl", "-D", data.string(), "-m", "immediate", "-s", "stop"}, who, dir, setupLog);
            std::string log = readTail(serverLog);
            bool portTaken = log.find("could not bind") != std::string::npos || log.find("already in use") != std::string::npos;
            if (!portTaken) return "PostgreSQL server did not start (pg_ctl exit " + std::to_string(rc) + "):\n" + readTail(setupLog) + "\n" + log;
        }
        return "PostgreSQL server found no free port in five tries:\n" + readTail(serverLog);
    };

    std::string failure = tryStart(templateData(bin_, who, false));
    // A template that does not start (damaged, or made by another PostgreSQL version) is made
    // again once.
    if (!failure.empty()) failure = tryStart(templateData(bin_, who, true));
    if (!failure.empty()) throw std::runtime_error(failure);

    admin_ = hub::openSql(urlFor("postgres"));
    url_ = urlFor("otklik");
    startTime_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
}

std::string PostgresServer::urlFor(const std::string& database) const {
    return "postgresql://otklik@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::createDatabase() {
    if (!running_) throw std::runtime_error("PostgresServer::createDatabase: the server was stopped");
    std::string name = "test_" + std::to_string(++databases_);
    admin_->query("CREATE DATABASE " + name);
    return urlFor(name);
}

void PostgresServer::stop() { stopServer("fast"); }

void PostgresServer::stopServer(const char* mode) {
    admin_.reset();
    if (!running_) return;
    running_ = false;
    Identity who = serverIdentity(nullptr).value_or(Identity{});
    int rc = runTool({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", mode, "-w", "-s", "stop"}, who, dir_, fs::path(dir_) / "setup.log");
    if (rc != 0) throw std::runtime_error("pg_ctl stop failed (exit " + std::to_string(rc) + "):\n" + readTail(fs::path(dir_) / "setup.log"));
}

}  // namespace otklik::test
