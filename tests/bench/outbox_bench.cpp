// outbox_bench: commit latency of the outbox (through its worker thread, as the kiosk uses
// it) next to a raw write+fsync of the same bytes in the same folder, on an empty outbox and
// on one holding a million responses. A benchmark: prints figures, never fails on them.
//
// Usage: outbox_bench [--dir DIR] [--commits N] [--rows N] [--keep]
// --keep leaves DIR/empty and DIR/full (the million-row outbox) for frame_bench --data-dir.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/client/outbox.h"
#include "tests/support/outbox_fill.h"

namespace {

using namespace otklik;
using Steady = std::chrono::steady_clock;
using test::sampleResponse;
namespace fs = std::filesystem;

struct Figures {
    double median, p99, max;
};

Figures figures(std::vector<double> us) {
    if (std::getenv("OUTBOX_BENCH_SLOWEST")) {
        for (size_t i = 0; i < us.size(); ++i)
            if (us[i] > 50000) std::printf("    slow commit #%zu: %.1f ms\n", i, us[i] / 1000);
    }
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * static_cast<double>(us.size())))]; };
    return {at(0.5), at(0.99), us.back()};
}

// One way of making a response durable; returns the microseconds one response took.
struct Contender {
    const char* name;
    std::function<double(int)> commitOne;  // argument: the response's index
};

// Raw baseline: append the response's JSON to a file and fsync, as a hand-written log would.
class RawLog {
public:
    RawLog(const std::string& dir, std::string bytes) : path_(dir + "/raw.log"), bytes_(std::move(bytes)) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    }
    ~RawLog() {
        ::close(fd_);
        fs::remove(path_);
    }
    double commitOne() {
        auto t0 = Steady::now();
        if (::write(fd_, bytes_.data(), bytes_.size()) != static_cast<ssize_t>(bytes_.size()) || ::fsync(fd_) != 0)
            std::perror("raw write");
        return std::chrono::duration<double, std::micro>(Steady::now() - t0).count();
    }

private:
    std::string path_, bytes_;
    int fd_;
};

double outboxCommit(Outbox& outbox, int64_t nowMs, int i) {
    Response r = sampleResponse(nowMs + i, i);
    auto t0 = Steady::now();
    StoreResult result = outbox.store(r);
    double us = std::chrono::duration<double, std::micro>(Steady::now() - t0).count();
    if (!result.ok) {
        std::fprintf(stderr, "outbox_bench: store failed: %s\n", result.error.c_str());
        std::exit(1);
    }
    return us;
}

// The contenders take turns, one response each, so that all of them meet the same moods of
// the disk and of the host (on a VM these drift over seconds by more than the differences
// measured here). Back to back (a burst), or `paceMs` apart (visitors: a real terminal sees
// one commit per visitor, seconds apart, and the outbox tidies its WAL in the pauses).
std::vector<Figures> takeTurns(const std::vector<Contender>& contenders, int count, int paceMs) {
    std::vector<std::vector<double>> us(contenders.size());
    for (int i = 0; i < count; ++i) {
        for (size_t c = 0; c < contenders.size(); ++c) {
            if (paceMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(paceMs));
            us[c].push_back(contenders[c].commitOne(i));
        }
    }
    std::vector<Figures> result;
    for (auto& samples : us) result.push_back(figures(std::move(samples)));
    return result;
}

void row(const char* name, const Figures& f, const Figures& raw) {
    std::printf("  %-34s median %8.1f us   p99 %8.1f us   max %8.1f us   median/raw %.2fx  p99/raw %.2fx\n", name, f.median, f.p99,
                f.max, f.median / raw.median, f.p99 / raw.p99);
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "build/bench/outbox";
    int commits = 5000;
    int rows = 1'000'000;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--keep")) keep = true;
        if (i + 1 >= argc) continue;
        if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
        if (!std::strcmp(argv[i], "--commits")) commits = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--rows")) rows = std::stoi(argv[i + 1]);
    }
    fs::remove_all(dir);
    fs::create_directories(dir + "/empty");
    fs::create_directories(dir + "/full");
    SystemClock clock;
    std::string bytes = toJson(sampleResponse(clock.wallMs(), 0)).dump() + "\n";

    std::printf("outbox_bench: %d commits each (taking turns), response JSON %zu bytes, folder %s\n", commits, bytes.size(),
                dir.c_str());
    int paced = std::max(50, commits / 20);
    Figures raw{}, empty{}, full{};
    {
        RawLog rawLog(dir, bytes);
        // The same commits without the worker thread, to show what the hand-over costs.
        sqlite::Error error;
        auto direct = OutboxStore::open(OutboxSettings{dir + "/direct", "", 90, 0, 80}, clock.wallMs(), error);
        Outbox outbox(OutboxSettings{dir + "/empty", "", 90, 0, 80}, clock);
        int64_t now = clock.wallMs();
        int directCommits = 0;
        std::vector<Contender> contenders = {
            {"raw write+fsync (same bytes)", [&](int) { return rawLog.commitOne(); }},
            {"insert on the calling thread",
             [&](int i) {
                 Response r = sampleResponse(now + i, i);
                 auto t0 = Steady::now();
                 if (!direct || !direct->insert(r, now, error)) std::exit(1);
                 double us = std::chrono::duration<double, std::micro>(Steady::now() - t0).count();
                 if (++directCommits % 256 == 0) direct->checkpoint();  // as the outbox does, outside the timing
                 return us;
             }},
            {"outbox commit, empty", [&](int i) { return outboxCommit(outbox, now, i); }},
        };
        for (int pace : {0, 150}) {
            std::printf(pace ? "  %d commits each, 150 ms apart:\n" : "  %d commits each, back to back:\n", pace ? paced : commits);
            auto f = takeTurns(contenders, pace ? paced : commits, pace);
            row(contenders[0].name, f[0], f[0]);
            row(contenders[1].name, f[1], f[0]);
            row(contenders[2].name, f[2], f[0]);
            if (!pace) raw = f[0], empty = f[2];
        }
    }

    {
        Outbox outbox(OutboxSettings{dir + "/full", "", 90, 0, 80}, clock);
        (void)outbox.probe();  // creates the schema
    }
    auto t0 = Steady::now();
    test::fillOutbox(dir + "/full", rows, 5000);
    std::printf("  (filled %d rows in %.1f s; database %.0f MiB)\n", rows, std::chrono::duration<double>(Steady::now() - t0).count(),
                static_cast<double>(fs::file_size(dir + "/full/outbox.db")) / (1 << 20));
    {
        RawLog rawLog(dir, bytes);
        Outbox outbox(OutboxSettings{dir + "/full", "", 90, 0, 80}, clock);
        (void)outbox.probe();
        int64_t now = clock.wallMs();
        std::string name = "outbox commit, " + std::to_string(rows) + " rows";
        std::vector<Contender> contenders = {
            {"raw write+fsync (same bytes)", [&](int) { return rawLog.commitOne(); }},
            {name.c_str(), [&](int i) { return outboxCommit(outbox, now, i); }},
        };
        for (int pace : {0, 150}) {
            std::printf(pace ? "  %d commits each, 150 ms apart:\n" : "  %d commits each, back to back:\n", pace ? paced : commits);
            auto f = takeTurns(contenders, pace ? paced : commits, pace);
            row(contenders[0].name, f[0], f[0]);
            row(contenders[1].name, f[1], f[0]);
            if (!pace) full = f[1];
        }
    }
    std::printf("RESULT raw_median_us=%.1f raw_p99_us=%.1f empty_median_us=%.1f empty_p99_us=%.1f full_median_us=%.1f full_p99_us=%.1f\n",
                raw.median, raw.p99, empty.median, empty.p99, full.median, full.p99);
    if (!keep) fs::remove_all(dir);
    return 0;
}
