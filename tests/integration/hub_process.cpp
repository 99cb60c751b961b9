// Starting and stopping the real otklik-hub for integration tests (see hub_process.h).
#include "hub_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "sync/protocol/gzip.h"
#include "tests/support/postgres_server.h"

#ifndef OTKLIK_HUB_BINARY
#error "OTKLIK_HUB_BINARY must name the otklik-hub binary"
#endif
#ifndef OTKLIK_HUB_SHIFTED_CLOCK_BINARY
#error "OTKLIK_HUB_SHIFTED_CLOCK_BINARY must name the otklik-hub-shifted-clock binary"
#endif

namespace otklik::test {

namespace fs = std::filesystem;

std::string freshDir(const std::string& name) {
    std::string dir = "/tmp/otklik-it-" + std::to_string(::getpid()) + "/" + name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string freshDirForThisTest() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name)
        if (c == '/') c = '_';
    return freshDir(name);
}

std::string testStore(const std::string& kind, const std::string& dir) {
    if (kind == "sqlite") return dir + "/hub.db";
    std::string why;
    if (!PostgresServer::available(&why)) throw std::runtime_error(why);
    return PostgresServer::shared().createDatabase();
}

std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> rows;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    return rows;
}

std::vector<nlohmann::json> hubExport(const std::string& db) {
    CommandResult r = hubCommand(db, {"export", "--format", "jsonl"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return jsonLines(r.out);
}

nlohmann::json terminalRow(const std::string& db, const std::string& id) {
    for (const nlohmann::json& row : jsonLines(hubCommand(db, {"terminal", "list", "--json"}).out))
        if (row["id"] == id) return row;
    ADD_FAILURE() << "no terminal " << id << " on the hub";
    return nlohmann::json::object();
}

namespace {

std::string slurp(int fd) {
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    return out;
}

std::vector<char*> argvOf(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return argv;
}

}  // namespace

CommandResult hubCommand(const std::string& db, std::vector<std::string> args) {
    std::vector<std::string> full = {OTKLIK_HUB_BINARY};
    full.insert(full.end(), args.begin(), args.end());
    full.push_back("--db");
    full.push_back(db);
    return runProgram(std::move(full));
}

CommandResult runProgram(std::vector<std::string> full) {
    // stderr goes to a file: a chatty program (the kiosk logs a line per response) would fill
    // a second pipe while we are still reading the first.
    char errPath[] = "/tmp/otklik-it-stderr-XXXXXX";
    int errFd = ::mkstemp(errPath);
    int out[2];
    if (errFd < 0 || ::pipe(out) != 0) throw std::runtime_error("pipe or temp file failed");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(errFd, 2);
        ::close(out[0]);
        auto argv = argvOf(full);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    CommandResult result;
    result.out = slurp(out[0]);
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::lseek(errFd, 0, SEEK_SET);
    result.err = slurp(errFd);
    ::close(errFd);
    ::unlink(errPath);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

Enrolled enrol(const std::string& db, const std::string& id, const std::string& centre) {
    CommandResult r = hubCommand(db, {"terminal", "add", id, "--centre", centre});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    Enrolled e;
    std::smatch m;
    if (std::regex_search(r.out, m, std::regex("token: (\\S+)"))) e.token = m[1];
    if (std::regex_search(r.out, m, std::regex("qr_secret: (\\S+)"))) e.qrSecret = m[1];
    EXPECT_FALSE(e.token.empty()) << r.out;
    return e;
}

HubProcess::HubProcess(std::string db, std::string dir, std::vector<std::string> extraArgs, HubCert cert, int64_t clockShiftMs)
    : db_(std::move(db)), dir_(std::move(dir)), extraArgs_(std::move(extraArgs)), pki_(makeTestPki(dir_)), cert_(cert), clockShiftMs_(clockShiftMs) {
    start(0);
}

HubProcess::~HubProcess() { stop(SIGTERM); }

void HubProcess::start(int port) {
    const std::string& cert = cert_ == HubCert::Expired ? pki_.expiredCert : cert_ == HubCert::WrongHost ? pki_.wrongHostCert : pki_.serverCert;
    const std::string& key = cert_ == HubCert::Expired ? pki_.expiredKey : cert_ == HubCert::WrongHost ? pki_.wrongHostKey : pki_.serverKey;
    std::vector<std::string> args = {OTKLIK_HUB_BINARY, "serve", "--db", db_, "--listen", "127.0.0.1", "--port", std::to_string(port),
                                     "--cert", cert, "--key", key};
    args.insert(args.end(), extraArgs_.begin(), extraArgs_.end());
    if (clockShiftMs_ != 0) {
        args[0] = OTKLIK_HUB_SHIFTED_CLOCK_BINARY;
        args.insert(args.begin() + 1, std::to_string(clockShiftMs_));
    }
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::string logPath = dir_ + "/hub.log";
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(out[1], 1);
        int logFd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(logFd, 2);
        ::close(out[0]);
        auto argv = argvOf(args);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    // Read stdout until the "listening on" line gives the port (the admin token comes first
    // on a fresh store).
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::smatch m;
    static const std::regex listening("listening on https://127\\.0\\.0\\.1:(\\d+)");
    while (!std::regex_search(text, m, listening)) {
        pollfd p{out[0], POLLIN, 0};
        int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
        if (left <= 0 || ::poll(&p, 1, left) <= 0) break;
        char buffer[4096];
        ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    ::close(out[0]);
    if (!std::regex_search(text, m, listening))
        throw std::runtime_error("otklik-hub did not start; stdout: " + text + "\nlog: " + log());
    port_ = std::stoi(m[1]);
    std::smatch admin;
    if (std::regex_search(text, admin, std::regex("admin_token: (\\S+)"))) adminToken_ = admin[1];
}

void HubProcess::stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

bool HubProcess::alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    return ::waitpid(pid_, &status, WNOHANG) == 0;
}

void HubProcess::killAndRestart() {
    stop(SIGKILL);
    start(port_);
}

std::string HubProcess::log() const {
    std::ifstream in(dir_ + "/hub.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string HubProcess::url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }

HttpClient HubProcess::client(int totalMs) const {
    TlsSettings tls;
    tls.caFile = pki_.caCert;
    HttpTimeouts timeouts;
    timeouts.connectMs = 5000;
    timeouts.totalMs = totalMs;
    return HttpClient(tls, timeouts, std::string());
}

HttpResult postJson(HttpClient& client, const std::string& url, const std::string& token, const std::string& body, bool gzip) {
    otklik::HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Content-Type", "application/json"}};
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    if (gzip) {
        request.headers.emplace_back("Content-Encoding", "gzip");
        request.body = gzipCompress(body);
    } else {
        request.body = body;
    }
    return client.send(request);
}

HttpResult getWithToken(HttpClient& client, const std::string& url, const std::string& token, HttpHeaders extra) {
    otklik::HttpRequest request;
    request.url = url;
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    for (auto& h : extra) request.headers.push_back(std::move(h));
    return client.send(request);
}

}  // namespace otklik::test
