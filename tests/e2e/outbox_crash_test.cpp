// Crash test: the real kiosk, storing responses back to back, is SIGKILLed at random points hundreds of times and restarted on the same data folder; after every kill the outbox must hold every response the kiosk confirmed, numbered 1..N, in an intact database.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kiosk_process.h"

using namespace otklik::e2e;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Replay a failure with OTKLIK_CRASH_SEED=<seed>; OTKLIK_CRASH_KILLS changes the count.
constexpr unsigned kDefaultSeed = 20251122;
constexpr int kDefaultKills = 200;
constexpr auto kLongestRun = std::chrono::seconds(15);  // a run that gets nowhere is a failure

unsigned envNumber(const char* name, unsigned fallback) {
    const char* value = std::getenv(name);
    if (!value || !*value) return fallback;
    return static_cast<unsigned>(std::strtoul(value, nullptr, 10));
}

// Responses as fast as the kiosk can store them, in three shapes: finished early with a
// couple of answers, finished at once, and abandoned (the idle timeout makes it partial).
std::string busyScript(int responses) {
    std::string script;
    for (int i = 0; i < responses; ++i) {
        std::string face = std::to_string(i % 5 + 1);
        switch (i % 3) {
            case 0: script += "tap rate." + face + "\nwait 700\ntap answer.job_search\ntap answer.3\ntap nav.finish\nwait 5000\n"; break;
            case 1: script += "tap rate." + face + "\nwait 700\ntap nav.finish\nwait 5000\n"; break;
            default: script += "tap rate." + face + "\nwait 31000\n"; break;
        }
    }
    return script;
}

// The "<id> seq <n>" of a "stored response" log line.
bool parseStoredLine(const std::string& line, std::string& id, int64_t& seq) {
    static const std::string marker = "stored response ";
    auto at = line.find(marker);
    if (at == std::string::npos) return false;
    std::istringstream in(line.substr(at + marker.size()));
    std::string word;
    long long n = 0;
    if (!(in >> id >> word >> n) || word != "seq") return false;
    seq = n;
    return true;
}

// fork + exec with stdout and stderr on the given descriptors. Nothing is allocated after the
// fork, so a second thread may start processes at the same time.
pid_t startProcess(const std::vector<std::string>& argv, const std::string& workDir, int stdoutFd, int stderrFd) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(stdoutFd, 1);
        ::dup2(stderrFd, 2);
        if (::chdir(workDir.c_str()) != 0) _exit(126);
        ::execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

// Runs a command to its end; its exit code, and its stdout and stderr in `out`.
int runTool(const std::vector<std::string>& argv, std::string& out) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_t pid = startProcess(argv, ".", fds[1], fds[1]);
    ::close(fds[1]);
    out.clear();
    char buf[65536];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
        if (n > 0) out.append(buf, static_cast<size_t>(n));
        else if (errno != EINTR) break;
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The kiosk as a child process whose stderr we read line by line while it runs.
class RunningKiosk {
public:
    RunningKiosk(const std::vector<std::string>& argv, const std::string& workDir) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        pid_ = startProcess(argv, workDir, null, fds[1]);
        ::close(null);
        ::close(fds[1]);
        fd_ = fds[0];
    }
    ~RunningKiosk() {
        if (pid_ > 0) (void)killAndReap();
        if (fd_ >= 0) ::close(fd_);
    }
    RunningKiosk(const RunningKiosk&) = delete;
    RunningKiosk& operator=(const RunningKiosk&) = delete;

    enum class Stop { Done, Deadline, Ended };
    // Reads the log until `done()` holds, `deadline` passes or the kiosk closes stderr.
    Stop readUntil(SteadyClock::time_point deadline, const std::function<bool()>& done) {
        for (;;) {
            if (done()) return Stop::Done;
            auto left = deadline - SteadyClock::now();
            if (left <= SteadyClock::duration::zero()) return Stop::Deadline;
            auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
            timespec timeout{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
            pollfd p{fd_, POLLIN, 0};
            int ready = ::ppoll(&p, 1, &timeout, nullptr);
            if (ready < 0 && errno != EINTR) throw std::runtime_error("ppoll failed");
            if (ready > 0 && !readSome()) return Stop::Ended;
        }
    }
    // SIGKILL, then the rest of the log, then the wait status.
    int killAndReap() {
        ::kill(pid_, SIGKILL);
        while (readSome()) {
        }
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }
    [[nodiscard]] bool started() const { return started_; }
    [[nodiscard]] const std::vector<std::pair<std::string, int64_t>>& stored() const { return stored_; }
    [[nodiscard]] const std::string& log() const { return log_; }

private:
    // One read; false at the end of the log.
    bool readSome() {
        char buf[4096];
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) return true;
        if (n <= 0) return false;
        log_.append(buf, static_cast<size_t>(n));
        // Only whole lines count: a line cut by the kill could show a wrong seq.
        for (size_t end; (end = log_.find('\n', parsed_)) != std::string::npos; parsed_ = end + 1) {
            std::string line = log_.substr(parsed_, end - parsed_);
            std::string id;
            int64_t seq = 0;
            if (parseStoredLine(line, id, seq)) stored_.emplace_back(id, seq);
            if (line.find("info: started:") != std::string::npos) started_ = true;
        }
        return true;
    }

    pid_t pid_ = -1;
    int fd_ = -1;
    std::string log_;
    size_t parsed_ = 0;
    bool started_ = false;
    std::vector<std::pair<std::string, int64_t>> stored_;
};

// Where a run is killed.
struct KillPlan {
    enum class Point { DuringStartup, AtRandomTime, RightAfterStored, InsideNextCommit } point;
    int afterStored = 0;  // stored lines to wait for (0: the "started" line), for the last two
    int delayUs = 0;      // from the start of the process, or after those lines

    [[nodiscard]] std::string describe() const {
        switch (point) {
            case Point::DuringStartup: return "during start-up, " + std::to_string(delayUs) + " us after exec";
            case Point::AtRandomTime: return "at random, " + std::to_string(delayUs) + " us after exec";
            case Point::RightAfterStored: return "right after stored line " + std::to_string(afterStored);
            case Point::InsideNextCommit:
                return std::to_string(delayUs) + " us after " +
                       (afterStored ? "stored line " + std::to_string(afterStored) : std::string("the started line"));
        }
        return "";
    }
};

KillPlan drawKillPlan(std::mt19937& rng) {
    int kind = std::uniform_int_distribution<int>(0, 99)(rng);
    auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    if (kind < 20) return {KillPlan::Point::DuringStartup, 0, between(1'000, 60'000)};
    if (kind < 35) return {KillPlan::Point::AtRandomTime, 0, between(2'000, 200'000)};
    if (kind < 65) return {KillPlan::Point::RightAfterStored, between(1, 3), 0};
    return {KillPlan::Point::InsideNextCommit, between(0, 2), between(0, 3'000)};
}

// What one run left behind: the stored lines it printed, and how it went.
struct RunOutcome {
    std::string problem;  // "" or what went wrong with the run itself
    std::vector<std::pair<std::string, int64_t>> stored;
    bool started = false;        // the kiosk had logged its first frame when it was killed
    bool endedByItself = false;  // the script ran out before the kill
};

// Runs the kiosk until the plan says, and kills it.
RunOutcome runAndKill(const std::vector<std::string>& argv, const std::string& workDir, const KillPlan& plan) {
    RunningKiosk kiosk(argv, workDir);
    auto begun = SteadyClock::now();
    bool atTime = plan.point == KillPlan::Point::DuringStartup || plan.point == KillPlan::Point::AtRandomTime;
    RunningKiosk::Stop stop;
    if (atTime) {
        stop = kiosk.readUntil(begun + std::chrono::microseconds(plan.delayUs), [] { return false; });
    } else {
        stop = kiosk.readUntil(begun + kLongestRun, [&] {
            return kiosk.started() && static_cast<int>(kiosk.stored().size()) >= plan.afterStored;
        });
        if (stop == RunningKiosk::Stop::Done && plan.delayUs > 0) std::this_thread::sleep_for(std::chrono::microseconds(plan.delayUs));
    }
    RunOutcome outcome;
    outcome.started = kiosk.started();
    int status = kiosk.killAndReap();
    outcome.stored = kiosk.stored();
    outcome.endedByItself = WIFEXITED(status);
    bool fine = (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (stop == RunningKiosk::Stop::Deadline && !atTime)
        outcome.problem = "the kiosk did not get there within " + std::to_string(kLongestRun.count()) + " s; log:\n" + kiosk.log();
    else if (!fine)
        outcome.problem = "the kiosk ended with wait status " + std::to_string(status) + " before the kill; log:\n" + kiosk.log();
    return outcome;
}

// A check of the outbox as one kill left it. `exported` is what export showed.
struct OutboxCheck {
    std::string problem;  // "" if fine
    std::map<std::string, int64_t> exported;
};

// What `export` and `PRAGMA integrity_check` say about the outbox in `dataDir`, checked
// against every response the kiosk ever confirmed and everything the previous export showed.
OutboxCheck checkOutbox(const std::string& dataDir, const std::map<std::string, int64_t>& confirmed,
                        const std::map<std::string, int64_t>& before) {
    OutboxCheck result;
    auto fail = [&](const std::string& problem) {
        result.problem = problem;
        return result;
    };
    std::string out;
    int code = runTool({OTKLIK_KIOSK_BINARY, "export", "--data-dir", dataDir}, out);
    auto& now = result.exported;
    if (code != 0) {
        bool nothingYet = out.find("no outbox at") != std::string::npos || out.find("is empty") != std::string::npos;
        if (!(nothingYet && confirmed.empty() && before.empty())) return fail("export exited " + std::to_string(code) + ": " + out);
    } else {
        std::istringstream lines(out);
        int64_t expectedSeq = 1;
        for (std::string line; std::getline(lines, line); ++expectedSeq) {
            json row = json::parse(line, nullptr, false);
            if (row.is_discarded() || !row.contains("seq") || !row.contains("id")) return fail("export wrote a line that is not a response: " + line);
            int64_t seq = row["seq"];
            std::string id = row["id"];
            if (seq != expectedSeq) return fail("export has seq " + std::to_string(seq) + " where " + std::to_string(expectedSeq) + " belongs (a gap or a duplicate)");
            if (!now.emplace(id, seq).second) return fail("id " + id + " is exported twice");
        }
    }
    for (const auto& [id, seq] : confirmed) {
        auto it = now.find(id);
        if (it == now.end()) return fail("response " + id + " (logged as stored, seq " + std::to_string(seq) + ") is missing from export");
        if (it->second != seq) return fail("response " + id + " was logged with seq " + std::to_string(seq) + " but exports with seq " + std::to_string(it->second));
    }
    for (const auto& [id, seq] : before) {
        auto it = now.find(id);
        if (it == now.end() || it->second != seq) return fail("response " + id + " seq " + std::to_string(seq) + " was exported before and is gone or renumbered now");
    }
    std::string db = dataDir + "/outbox.db";
    if (std::filesystem::exists(db)) {
        std::string integrity;
        runTool({"sqlite3", "-readonly", db, "PRAGMA integrity_check"}, integrity);
        if (integrity != "ok\n") return fail("PRAGMA integrity_check: " + integrity);
    }
    return result;
}

// An exact copy of the data folder as the killed kiosk left it (nothing runs on it now), so
// that it can be checked while the next run already goes on in the real one.
void snapshotDataDir(const std::string& dataDir, const std::string& snapshot) {
    namespace fs = std::filesystem;
    fs::remove_all(snapshot);
    if (fs::exists(dataDir)) fs::copy(dataDir, snapshot, fs::copy_options::recursive);
    else fs::create_directories(snapshot);
}

}  // namespace

TEST(OutboxCrash, EveryConfirmedResponseSurvivesHundredsOfKills) {
    std::string probe;
    ASSERT_EQ(runTool({"sqlite3", "-version"}, probe), 0) << "the sqlite3 command-line tool is needed: run packaging/install-deps.sh";

    unsigned seed = envNumber("OTKLIK_CRASH_SEED", kDefaultSeed);
    int kills = static_cast<int>(envNumber("OTKLIK_CRASH_KILLS", kDefaultKills));
    std::printf("[ crash    ] seed %u, %d kills (replay with OTKLIK_CRASH_SEED=%u)\n", seed, kills, seed);
    std::mt19937 rng(seed);

    // Per process: a concurrent run (another build, another engineer) must not share the folder.
    std::string dir = freshDir("outbox_crash-" + std::to_string(::getpid()));
    std::string dataDir = dir + "/data";
    writeConfig(dir);
    std::ofstream(dir + "/script.txt") << busyScript(600);
    const std::vector<std::string> argv = {OTKLIK_KIOSK_BINARY, "--headless", "--size", "800x480",
                                           "--config", "kiosk.toml", "--script", "script.txt"};

    // Each kill's outbox is checked on a snapshot while the next run goes on, so the two cores
    // share the work; the next check waits for the one before it.
    std::string snapshot = dir + "/checked";
    std::map<std::string, int64_t> confirmed, exported;
    std::future<OutboxCheck> checking;
    std::string checkingWhat;
    auto finishCheck = [&]() -> std::string {
        if (!checking.valid()) return "";
        OutboxCheck done = checking.get();
        exported = std::move(done.exported);
        return done.problem.empty() ? "" : "after " + checkingWhat + ": " + done.problem + "\n(the outbox as checked is in " + snapshot + ")";
    };
    int beforeFirstFrame = 0, endedByItself = 0;
    auto begun = SteadyClock::now();
    for (int kill = 1; kill <= kills; ++kill) {
        KillPlan plan = drawKillPlan(rng);
        RunOutcome run = runAndKill(argv, dir, plan);
        std::string what = "kill " + std::to_string(kill) + " (" + plan.describe() + "), seed " + std::to_string(seed);
        ASSERT_EQ(run.problem, "") << what;
        beforeFirstFrame += run.started ? 0 : 1;
        endedByItself += run.endedByItself ? 1 : 0;
        for (const auto& [id, seq] : run.stored) {
            auto [it, fresh] = confirmed.emplace(id, seq);
            ASSERT_TRUE(fresh) << "response " << id << " was logged as stored twice (seq " << it->second << " and " << seq << "), " << what;
        }
        ASSERT_EQ(finishCheck(), "");
        snapshotDataDir(dataDir, snapshot);
        checking = std::async(std::launch::async, checkOutbox, snapshot, confirmed, exported);
        checkingWhat = what;
    }
    ASSERT_EQ(finishCheck(), "");
    double seconds = std::chrono::duration<double>(SteadyClock::now() - begun).count();
    std::printf("[ crash    ] %d kills (%d before the first frame, %d runs ended by themselves), %zu responses stored "
                "(%zu confirmed by a log line), %.1f s, seed %u\n",
                kills, beforeFirstFrame, endedByItself, exported.size(), confirmed.size(), seconds, seed);
    EXPECT_GE(confirmed.size(), static_cast<size_t>(kills)) << "too few responses stored to exercise the outbox";

    // After all that, a run to its end: two more responses, numbered on, and a clean close
    // that folds the write-ahead log of all the killed runs into the database.
    std::string twoVisitors = "tap rate.4\nwait 700\ntap nav.finish\nexpect thanks\nwait 5000\n";
    std::ofstream(dir + "/last.txt") << twoVisitors << twoVisitors;
    RunningKiosk last({OTKLIK_KIOSK_BINARY, "--headless", "--size", "800x480", "--config", "kiosk.toml", "--script", "last.txt"}, dir);
    last.readUntil(SteadyClock::now() + kLongestRun, [] { return false; });
    int status = last.killAndReap();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status << "; log:\n" << last.log();
    auto highest = static_cast<int64_t>(exported.size());
    ASSERT_EQ(last.stored().size(), 2u) << last.log();
    EXPECT_EQ(last.stored()[0].second, highest + 1) << last.log();
    EXPECT_EQ(last.stored()[1].second, highest + 2) << last.log();
    EXPECT_FALSE(std::filesystem::exists(dataDir + "/outbox.db-wal")) << "the write-ahead log is left after a clean shutdown";
    for (const auto& [id, seq] : last.stored()) confirmed.emplace(id, seq);
    OutboxCheck final = checkOutbox(dataDir, confirmed, exported);
    EXPECT_EQ(final.problem, "");
    if (!HasFailure()) std::filesystem::remove_all(dir);  // kept for inspection when the test failed
}
