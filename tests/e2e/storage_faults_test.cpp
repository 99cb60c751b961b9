// What the real kiosk shows and logs when its storage fails (disk full, read-only, damaged or newer database) and how button mashing is stored, checking each time that nothing already stored is lost.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kiosk_process.h"

using namespace otklik::e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// One visitor: a face, Finish on the first question, thanked, back to the first screen.
std::string visitor(int face) {
    return "tap rate." + std::to_string(face) + "\nwait 700\ntap nav.finish\nexpect thanks\nwait 5000\nexpect idle\n";
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

int countOf(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// `otklik-kiosk export` of a data folder: exit code, what it printed, the rows when it worked.
struct Exported {
    int exitCode = -1;
    std::string output;
    std::vector<json> rows;
};

Exported exportOutbox(const std::string& dataDir) {
    Exported e;
    e.exitCode = runCommand({OTKLIK_KIOSK_BINARY, "export", "--data-dir", dataDir}, e.output);
    if (e.exitCode != 0) return e;
    std::istringstream lines(e.output);
    for (std::string line; std::getline(lines, line);) {
        json row = json::parse(line, nullptr, false);
        if (row.is_discarded()) ADD_FAILURE() << "export printed a line that is not a response: " << line;
        else e.rows.push_back(row);
    }
    return e;
}

// `otklik-kiosk status --json`: exit code, what it printed, the report when it worked.
struct Status {
    int exitCode = -1;
    std::string output;
    json report;
};

Status statusOf(const std::string& dataDir) {
    Status s;
    s.exitCode = runCommand({OTKLIK_KIOSK_BINARY, "status", "--data-dir", dataDir, "--json"}, s.output);
    if (s.exitCode == 0) s.report = json::parse(s.output, nullptr, false);
    return s;
}

// Export of a copy of the data folder: what is stored, leaving the folder itself as it is
// (an export there would leave outbox.db-wal and -shm behind).
Exported exportCopyOf(const std::string& dataDir, const std::string& copy) {
    fs::remove_all(copy);
    fs::copy(dataDir, copy, fs::copy_options::recursive);
    return exportOutbox(copy);
}

std::string sqlite(const std::string& db, const std::string& sql, bool readOnly = true) {
    std::string out;
    std::vector<std::string> argv = {"sqlite3"};
    if (readOnly) argv.push_back("-readonly");
    argv.push_back(db);
    argv.push_back(sql);
    runCommand(argv, out);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// Every row exported before is exported now, unchanged.
void expectStillExported(const std::vector<json>& before, const std::vector<json>& now) {
    for (const auto& row : before) {
        const json* found = nullptr;
        for (const auto& r : now)
            if (r["id"] == row["id"]) found = &r;
        ASSERT_TRUE(found) << "response " << row["id"] << " seq " << row["seq"] << " was stored and is no longer exported";
        EXPECT_EQ(*found, row) << "response " << row["id"] << " changed";
    }
}

std::vector<int64_t> seqsOf(const std::vector<json>& rows) {
    std::vector<int64_t> seqs;
    for (const auto& r : rows) seqs.push_back(r["seq"]);
    return seqs;
}

// Writes zeros to `path` until the file system is full; how many bytes went in.
int64_t fillUp(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
    std::vector<char> zeros(4096, 0);
    int64_t total = 0;
    for (ssize_t n; (n = ::write(fd, zeros.data(), zeros.size())) > 0;) total += n;
    ::fsync(fd);
    ::close(fd);
    return total;
}

int64_t freeBytes(const std::string& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return -1;
    return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

// A small tmpfs mounted on a folder for one test, unmounted again however the test ends.
class Tmpfs {
public:
    Tmpfs(std::string path, const std::string& size) : path_(std::move(path)) {
        std::string options = "size=" + size + ",mode=0755";
        if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) mounted_ = true;
        else error_ = std::strerror(errno);
    }
    ~Tmpfs() {
        if (mounted_ && ::umount2(path_.c_str(), 0) != 0) ::umount2(path_.c_str(), MNT_DETACH);
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;

    [[nodiscard]] bool mounted() const { return mounted_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    // `mount -o remount,ro`; "" or why not.
    std::string remountReadOnly() {
        if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) == 0) return "";
        return std::strerror(errno);
    }

private:
    std::string path_;
    bool mounted_ = false;
    std::string error_;
};

// The kiosk running a script with its stderr read as it goes, so that the test can step in
// between two script steps: headless time only moves with `wait`, so the test stops the
// process (SIGSTOP) instead of racing it.
class LiveKiosk {
public:
    LiveKiosk(const std::string& dir, const std::string& script, const std::string& config) {
        std::ofstream(dir + "/script.txt") << script;
        std::vector<std::string> argv = {OTKLIK_KIOSK_BINARY, "--headless", "--script", "script.txt", "--config", config};
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::dup2(null, 1);
            ::dup2(fds[1], 2);
            if (::chdir(dir.c_str()) != 0) _exit(126);
            ::execv(args[0], args.data());
            _exit(127);
        }
        ::close(null);
        ::close(fds[1]);
        fd_ = fds[0];
    }
    ~LiveKiosk() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(fd_);
    }
    LiveKiosk(const LiveKiosk&) = delete;
    LiveKiosk& operator=(const LiveKiosk&) = delete;

    // Reads the log until it shows `count` stored responses; false if the kiosk ended first.
    bool readUntilStored(int count, std::chrono::seconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (storedCount() < count) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !readSome(static_cast<int>(left.count()))) return false;
        }
        return true;
    }
    // Stops the process and waits until it has stopped; then takes in what it logged so far.
    void pause() {
        ::kill(pid_, SIGSTOP);
        int status = 0;
        ::waitpid(pid_, &status, WUNTRACED);
        while (readSome(0)) {
        }
    }
    void resume() { ::kill(pid_, SIGCONT); }
    // Reads the rest of the log and returns the exit code.
    int finish() {
        while (readSome(-1)) {
        }
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    [[nodiscard]] int storedCount() const { return countOf(log_, "stored response "); }
    [[nodiscard]] const std::string& log() const { return log_; }

private:
    // Waits up to `timeoutMs` (-1: for ever) for output; false at the end of the log or on timeout.
    bool readSome(int timeoutMs) {
        pollfd p{fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, timeoutMs);
        if (ready < 0 && errno == EINTR) return true;
        if (ready <= 0) return false;
        char buf[4096];
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) return n < 0 && errno == EINTR;
        log_.append(buf, static_cast<size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int fd_ = -1;
    std::string log_;
};

const json* element(const json& tree, const std::string& id) {
    for (const auto& e : tree["elements"])
        if (e["id"] == id) return &e;
    return nullptr;
}

json readTree(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("no element tree " + path);
    return json::parse(in);
}

// The "temporarily unavailable" screen, with its heading and no way to rate.
void expectUnavailableScreen(const json& tree, const std::string& why = "") {
    ASSERT_EQ(tree["screen"].get<std::string>(), "unavailable") << why;
    const json* heading = element(tree, "unavailable");
    ASSERT_TRUE(heading) << tree.dump();
    EXPECT_EQ((*heading)["label"], "Терминал временно не принимает отзывы");
    for (int face = 1; face <= 5; ++face) EXPECT_FALSE(element(tree, "rate." + std::to_string(face))) << "a face to tap while storage fails";
}

// Each test has its own folders (with the process id: a concurrent run must never share a
// mount point), a device config whose data_dir is <folder>/data, and maybe a tmpfs there.
class StorageFaults : public ::testing::Test {
protected:
    void SetUp() override {
        name_ = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + std::to_string(::getpid());
        base_ = freshDir(name_);
        config_ = writeConfig(base_);
        dataDir_ = base_ + "/data";
        fs::create_directories(dataDir_);
    }
    void TearDown() override {
        tmpfs_.reset();
        if (HasFailure()) return;  // kept for inspection
        for (const auto& dir : runDirs_) fs::remove_all(dir);
        fs::remove_all(base_);
    }

    // Mounts a tmpfs of `size` on the data folder; "" or why it could not.
    std::string mountTmpfs(const std::string& size) {
        tmpfs_.emplace(dataDir_, size);
        if (tmpfs_->mounted()) return "";
        std::string why = tmpfs_->error();
        tmpfs_.reset();
        return why;
    }
    // The kiosk from a script, with this test's config; its folder is <name>-<label>.
    KioskRun run(const std::string& label, const std::string& script) {
        auto result = runKiosk(name_ + "-" + label, script, {"--config", config_});
        runDirs_.push_back(result.dir);
        return result;
    }
    [[nodiscard]] std::string db() const { return dataDir_ + "/outbox.db"; }

    std::string name_, base_, config_, dataDir_;
    std::optional<Tmpfs> tmpfs_;
    std::vector<std::string> runDirs_;
};

}  // namespace

TEST_F(StorageFaults, DiskFullKeepsTheNextResponseUnthankedAndTheStoredOnesSafe) {
    if (std::string why = mountTmpfs("1m"); !why.empty())
        GTEST_SKIP() << "cannot mount a tmpfs on " << dataDir_ << " (" << why << "): the disk-full test needs root and the right to mount";

    // A first start makes the outbox, whose schema migrations leave room in the WAL file that
    // later commits would quietly reuse; the WAL goes when that kiosk stops cleanly, so the
    // commits below really need new blocks of the disk.
    ASSERT_EQ(run("warm", "wait 10\n").exitCode, 0);
    // Three visitors are stored; the test fills the disk while the kiosk takes its screenshots;
    // then a fourth visitor finishes.
    std::string runDir = freshDir(name_ + "-full");
    runDirs_.push_back(runDir);
    std::string script = visitor(5) + visitor(4) + visitor(3) + "shot pause1.png\nshot pause2.png\nshot pause3.png\n" +
                         "tap rate.2\nwait 700\ntap nav.finish\ntree finishing.json\nwait 2000\nexpect unavailable\ntree unavailable.json\n";
    LiveKiosk kiosk(runDir, script, config_);
    ASSERT_TRUE(kiosk.readUntilStored(3, std::chrono::seconds(60))) << kiosk.log();
    kiosk.pause();
    ASSERT_EQ(kiosk.storedCount(), 3) << "the kiosk went past its screenshots before the test could fill the disk:\n" << kiosk.log();
    Exported before = exportOutbox(dataDir_);
    ASSERT_EQ(before.exitCode, 0) << before.output;
    ASSERT_EQ(seqsOf(before.rows), (std::vector<int64_t>{1, 2, 3}));
    int64_t filled = fillUp(dataDir_ + "/filler");
    ASSERT_EQ(freeBytes(dataDir_), 0) << "after writing " << filled << " bytes of filler";
    kiosk.resume();
    int exitCode = kiosk.finish();

    ASSERT_EQ(exitCode, 0) << kiosk.log();
    EXPECT_NE(readTree(runDir + "/finishing.json")["screen"].get<std::string>(), "thanks") << "thanked for a response that could not be stored";
    expectUnavailableScreen(readTree(runDir + "/unavailable.json"));
    EXPECT_EQ(kiosk.storedCount(), 3) << kiosk.log();
    EXPECT_TRUE(contains(kiosk.log(), "outbox: storage failing (disk full)")) << kiosk.log();
    EXPECT_TRUE(contains(kiosk.log(), "could not store response ")) << kiosk.log();
    EXPECT_TRUE(contains(kiosk.log(), "storage keeps failing; showing the unavailable screen")) << kiosk.log();

    Exported full = exportOutbox(dataDir_);
    ASSERT_EQ(full.exitCode, 0) << "export on the full disk: " << full.output;
    EXPECT_EQ(full.rows.size(), 3u);
    expectStillExported(before.rows, full.rows);
    EXPECT_EQ(sqlite(db(), "PRAGMA integrity_check"), "ok");

    // Space again: the next kiosk stores, numbering right after the last stored response.
    fs::remove(dataDir_ + "/filler");
    auto again = run("space-again", "expect idle\n" + visitor(1));
    ASSERT_EQ(again.exitCode, 0) << again.log;
    ASSERT_EQ(again.responses.size(), 1u) << again.log;
    EXPECT_EQ(again.responses[0]["seq"], 4) << again.log;
    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    EXPECT_EQ(seqsOf(after.rows), (std::vector<int64_t>{1, 2, 3, 4}));
    expectStillExported(before.rows, after.rows);
    EXPECT_EQ(sqlite(db(), "PRAGMA integrity_check"), "ok");
}

// Known bug (reported): export and status open the outbox read-only, but SQLite must create
// outbox.db-shm for a WAL database unless it already exists; where no file can be created
// (read-only or full file system) they fail, so the stored responses cannot be read out.
constexpr const char* kExportNeedsShmBug =
    "BUG: export/status cannot read the outbox where no file can be created and outbox.db-shm does not exist "
    "(SQLite needs to create it for a WAL database opened read-only)";

TEST_F(StorageFaults, ReadOnlyDataFolderAfterACleanShutdownStartsUnavailableAndStillExports) {
    if (std::string why = mountTmpfs("1m"); !why.empty())
        GTEST_SKIP() << "cannot mount a tmpfs on " << dataDir_ << " (" << why << "): the read-only test needs root and the right to mount";
    auto first = run("writable", visitor(5) + visitor(2));
    ASSERT_EQ(first.exitCode, 0) << first.log;
    Exported before = exportCopyOf(dataDir_, base_ + "/copy");
    ASSERT_EQ(before.exitCode, 0) << before.output;
    ASSERT_EQ(seqsOf(before.rows), (std::vector<int64_t>{1, 2}));
    ASSERT_FALSE(fs::exists(db() + "-shm")) << "a clean shutdown leaves no WAL files";

    ASSERT_EQ(tmpfs_->remountReadOnly(), "") << "mount -o remount,ro " << dataDir_;
    auto readOnly = run("read-only", "tree start.json\nwait 6000\ntree later.json\n");
    ASSERT_EQ(readOnly.exitCode, 0) << readOnly.log;
    expectUnavailableScreen(readOnly.tree("start.json"));
    expectUnavailableScreen(readOnly.tree("later.json"));
    EXPECT_TRUE(readOnly.responses.empty());
    EXPECT_TRUE(contains(readOnly.log, "storage is not usable, showing the unavailable screen")) << readOnly.log;

    Status status = statusOf(dataDir_);
    EXPECT_EQ(status.exitCode, 0) << kExportNeedsShmBug << "\nstatus said: " << status.output;
    if (status.exitCode == 0) {
        EXPECT_EQ(status.report["pending"], 2) << status.output;
        EXPECT_EQ(status.report["highest_seq"], 2) << status.output;
    }
    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << kExportNeedsShmBug << "\nexport said: " << after.output;
    EXPECT_EQ(after.rows.size(), 2u);
    expectStillExported(before.rows, after.rows);
}

TEST_F(StorageFaults, ReadOnlyDataFolderWithWalFilesLeftStartsUnavailableAndStillExports) {
    if (std::string why = mountTmpfs("1m"); !why.empty())
        GTEST_SKIP() << "cannot mount a tmpfs on " << dataDir_ << " (" << why << "): the read-only test needs root and the right to mount";
    auto first = run("writable", visitor(5) + visitor(2));
    ASSERT_EQ(first.exitCode, 0) << first.log;
    // An export in the folder itself leaves outbox.db-wal and -shm, as a crash would.
    Exported before = exportOutbox(dataDir_);
    ASSERT_EQ(before.exitCode, 0) << before.output;
    ASSERT_EQ(seqsOf(before.rows), (std::vector<int64_t>{1, 2}));
    ASSERT_TRUE(fs::exists(db() + "-shm"));

    ASSERT_EQ(tmpfs_->remountReadOnly(), "") << "mount -o remount,ro " << dataDir_;
    auto readOnly = run("read-only", "tree start.json\nwait 6000\ntree later.json\n");
    ASSERT_EQ(readOnly.exitCode, 0) << readOnly.log;
    // Known bug (reported): with the -shm there, SQLite quietly opens the database read-only,
    // the start-up check passes and the kiosk offers the faces; the visitor learns that
    // nothing can be stored only after answering.
    const char* bug = "BUG: with a read-only data folder the kiosk must start on the unavailable screen, "
                      "but its start-up storage check passed (SQLite fell back to a read-only connection)";
    expectUnavailableScreen(readOnly.tree("start.json"), bug);
    expectUnavailableScreen(readOnly.tree("later.json"), bug);
    EXPECT_TRUE(readOnly.responses.empty());
    EXPECT_TRUE(contains(readOnly.log, "storage is not usable, showing the unavailable screen")) << bug << "\n" << readOnly.log;

    Status status = statusOf(dataDir_);
    ASSERT_EQ(status.exitCode, 0) << status.output;
    EXPECT_EQ(status.report["pending"], 2) << status.output;
    EXPECT_EQ(status.report["highest_seq"], 2) << status.output;
    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    EXPECT_EQ(after.rows.size(), 2u);
    expectStillExported(before.rows, after.rows);
}

TEST_F(StorageFaults, DiskFilledWhileTheKioskWasOffStartsUnavailableAndStillExports) {
    if (std::string why = mountTmpfs("1m"); !why.empty())
        GTEST_SKIP() << "cannot mount a tmpfs on " << dataDir_ << " (" << why << "): the disk-full test needs root and the right to mount";
    auto first = run("space", visitor(5) + visitor(2));
    ASSERT_EQ(first.exitCode, 0) << first.log;
    Exported before = exportCopyOf(dataDir_, base_ + "/copy");
    ASSERT_EQ(seqsOf(before.rows), (std::vector<int64_t>{1, 2})) << before.output;
    fillUp(dataDir_ + "/filler");
    ASSERT_EQ(freeBytes(dataDir_), 0);

    auto full = run("full", "tree start.json\nwait 6000\ntree later.json\n");
    ASSERT_EQ(full.exitCode, 0) << full.log;
    expectUnavailableScreen(full.tree("start.json"));
    expectUnavailableScreen(full.tree("later.json"));
    EXPECT_TRUE(contains(full.log, "storage is not usable, showing the unavailable screen")) << full.log;

    Status status = statusOf(dataDir_);
    EXPECT_EQ(status.exitCode, 0) << kExportNeedsShmBug << "\nstatus said: " << status.output;
    Exported onFull = exportOutbox(dataDir_);
    EXPECT_EQ(onFull.exitCode, 0) << kExportNeedsShmBug << "\nexport said: " << onFull.output;
    if (onFull.exitCode == 0) expectStillExported(before.rows, onFull.rows);

    // Space again: storing works again, right after the last stored seq.
    fs::remove(dataDir_ + "/filler");
    auto again = run("space-again", "expect idle\n" + visitor(1));
    ASSERT_EQ(again.exitCode, 0) << again.log;
    ASSERT_EQ(again.responses.size(), 1u) << again.log;
    EXPECT_EQ(again.responses[0]["seq"], 3) << again.log;
    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    EXPECT_EQ(seqsOf(after.rows), (std::vector<int64_t>{1, 2, 3}));
    expectStillExported(before.rows, after.rows);
    EXPECT_EQ(sqlite(db(), "PRAGMA integrity_check"), "ok");
}

TEST_F(StorageFaults, CorruptDatabaseIsMovedAsideAndNumberingContinuesAboveIt) {
    auto first = run("before", visitor(5) + visitor(4) + visitor(1));
    ASSERT_EQ(first.exitCode, 0) << first.log;
    Exported before = exportOutbox(dataDir_);
    ASSERT_EQ(before.exitCode, 0) << before.output;
    ASSERT_EQ(seqsOf(before.rows), (std::vector<int64_t>{1, 2, 3}));

    // Garbage over the first two pages (the header and the first b-tree page).
    {
        std::mt19937 rng(7);
        std::string garbage(8192, '\0');
        for (auto& c : garbage) c = static_cast<char>(rng());
        std::fstream f(db(), std::ios::in | std::ios::out | std::ios::binary);
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    std::string damaged = slurp(db());

    auto second = run("after", "expect idle\n" + visitor(3) + visitor(2));
    ASSERT_EQ(second.exitCode, 0) << second.log;
    EXPECT_TRUE(contains(second.log, "damaged database moved to " + db() + ".corrupt-")) << second.log;
    std::vector<std::string> aside;  // its -wal and -shm go along, with those suffixes
    for (const auto& entry : fs::directory_iterator(dataDir_)) {
        std::string name = entry.path().filename().string();
        bool companion = name.ends_with("-wal") || name.ends_with("-shm");
        if (name.rfind("outbox.db.corrupt-", 0) == 0 && !companion) aside.push_back(entry.path().string());
    }
    ASSERT_EQ(aside.size(), 1u) << "the damaged file is kept, once";
    EXPECT_TRUE(slurp(aside[0]) == damaged) << aside[0] << " is not the damaged file byte for byte";

    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    ASSERT_EQ(after.rows.size(), 2u) << after.output;
    int64_t firstNew = after.rows[0]["seq"];
    EXPECT_GT(firstNew, 3) << "a seq the damaged file already gave out is used again";
    EXPECT_EQ(after.rows[1]["seq"], firstNew + 1);
    for (const auto& old : before.rows)
        for (const auto& row : after.rows) EXPECT_NE(row["id"], old["id"]);
    EXPECT_EQ(sqlite(db(), "PRAGMA integrity_check"), "ok");

    Status status = statusOf(dataDir_);
    ASSERT_EQ(status.exitCode, 0) << status.output;
    ASSERT_TRUE(status.report.contains("last_storage_error")) << status.output;
    EXPECT_EQ(status.report["last_storage_error"]["kind"], "corrupt-recovered") << status.output;
    EXPECT_TRUE(contains(status.report["last_storage_error"]["detail"].get<std::string>(), aside[0])) << status.output;
}

TEST_F(StorageFaults, NewerSchemaIsRefusedAndTheFileLeftUntouched) {
    auto first = run("before", visitor(5) + visitor(3));
    ASSERT_EQ(first.exitCode, 0) << first.log;
    Exported before = exportOutbox(dataDir_);
    ASSERT_EQ(before.exitCode, 0) << before.output;
    ASSERT_EQ(before.rows.size(), 2u);

    ASSERT_EQ(sqlite(db(), "PRAGMA user_version = 7", false), "");
    ASSERT_EQ(sqlite(db(), "PRAGMA user_version"), "7");
    std::string bytes = slurp(db());

    auto newer = run("newer", "expect unavailable\ntree start.json\nwait 6000\nexpect unavailable\n");
    ASSERT_EQ(newer.exitCode, 0) << newer.log;
    expectUnavailableScreen(newer.tree("start.json"));
    EXPECT_TRUE(contains(newer.log, "schema version 7")) << newer.log;
    EXPECT_TRUE(slurp(db()) == bytes) << "the kiosk changed a database it does not understand";
    EXPECT_EQ(sqlite(db(), "PRAGMA user_version"), "7");

    Exported refused = exportOutbox(dataDir_);
    EXPECT_EQ(refused.exitCode, 2) << refused.output;
    EXPECT_TRUE(contains(refused.output, "schema version 7")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "newer otklik-kiosk")) << refused.output;

    // The responses are all still in it: back at version 1, export shows them unchanged.
    ASSERT_EQ(sqlite(db(), "PRAGMA user_version = 1", false), "");
    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    EXPECT_EQ(after.rows.size(), 2u);
    expectStillExported(before.rows, after.rows);
}

TEST_F(StorageFaults, ButtonMashingIsExportedAsOneResponseFlaggedRepeated) {
    auto first = run("before", visitor(4));
    ASSERT_EQ(first.exitCode, 0) << first.log;
    Exported before = exportOutbox(dataDir_);
    ASSERT_EQ(before.exitCode, 0) << before.output;
    ASSERT_EQ(before.rows.size(), 1u);

    std::string script;
    for (int i = 0; i < 8; ++i) script += std::string("tap rate.") + (i % 2 ? "1" : "5") + "\nwait 100\n";
    script += "wait 700\nexpect question\ntree question.json\nwait 30000\nexpect idle\n";
    auto mashing = run("mashing", script);
    ASSERT_EQ(mashing.exitCode, 0) << mashing.log;
    EXPECT_EQ(mashing.tree("question.json")["screen"].get<std::string>(), "question");
    EXPECT_EQ(countOf(mashing.log, "stored response "), 1) << mashing.log;
    EXPECT_TRUE(contains(mashing.log, " seq 2 (partial, repeated)")) << mashing.log;

    Exported after = exportOutbox(dataDir_);
    ASSERT_EQ(after.exitCode, 0) << after.output;
    ASSERT_EQ(after.rows.size(), 2u) << after.output;
    expectStillExported(before.rows, after.rows);
    const json& mashed = after.rows[1];
    EXPECT_EQ(mashed["seq"], 2);
    EXPECT_NE(std::find(mashed["flags"].begin(), mashed["flags"].end(), "repeated"), mashed["flags"].end()) << mashed.dump();
    EXPECT_GT(mashed["presses"].get<int>(), 1) << mashed.dump();
    EXPECT_EQ(mashed["answers"]["overall"], 1) << "the last face tapped is the rating";
}
