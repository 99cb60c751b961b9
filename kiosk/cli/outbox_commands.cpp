// Export and status of the outbox.
#include "outbox_commands.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "platform/instance_lock.h"
#include "sync/client/outbox_export.h"
#include "sync/client/outbox_store.h"
#include "sync/protocol/utc_time.h"

namespace otklik::cli {

namespace {

std::string size(int64_t bytes) {
    char buf[32];
    if (bytes < (1 << 20)) std::snprintf(buf, sizeof buf, "%.0f KiB", static_cast<double>(bytes) / 1024);
    else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
}

std::string duration(int64_t ms) {
    int64_t minutes = ms / 60000;
    if (minutes < 60) return std::to_string(minutes) + " min";
    if (minutes < 48 * 60) return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
    return std::to_string(minutes / 1440) + " days";
}

std::string seconds(int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

// "+10 min 3.2 s (the hub is ahead)" / "-0.4 s (the hub is behind)" / "0.0 s".
std::string offsetText(int64_t ms) {
    // Rounded to tenths first, so 599 999 ms reads "10 min 0.0 s", not "9 min 60.0 s".
    int64_t tenths = (std::llabs(ms) + 50) / 100;
    std::string text = ms < 0 ? "-" : (ms > 0 ? "+" : "");
    if (tenths >= 600) text += duration(tenths / 600 * 60'000) + " ";
    text += seconds(tenths % 600 * 100);
    if (ms > 0) text += " (the hub is ahead of this terminal)";
    if (ms < 0) text += " (the hub is behind this terminal)";
    return text;
}

}  // namespace

int runExport(const ExportOptions& o, std::FILE* out) {
    std::optional<DeliveryState> state;
    if (o.state != "all") {
        state = deliveryStateFromString(o.state);
        if (!state) {
            std::fprintf(stderr, "otklik-kiosk export: --state must be pending, delivered, rejected or all, not \"%s\"\n", o.state.c_str());
            return 2;
        }
    }
    if (o.format != "jsonl" && o.format != "csv") {
        std::fprintf(stderr, "otklik-kiosk export: --format must be jsonl or csv, not \"%s\"\n", o.format.c_str());
        return 2;
    }
    sqlite::Error error;
    auto store = OutboxStore::openReadOnly(o.dataDir, error);
    if (!store) {
        std::fprintf(stderr, "otklik-kiosk export: %s\n", error.message.c_str());
        return 2;
    }
    if (o.format == "csv") std::fprintf(out, "%s\n", exportCsvHeader().c_str());
    error = store->forEach(state, [&](const StoredResponse& s) {
        std::string line = o.format == "csv" ? exportCsvLine(s) : exportJsonLine(s);
        std::fprintf(out, "%s\n", line.c_str());
    });
    if (error) {
        std::fprintf(stderr, "otklik-kiosk export: stopped: %s\n", error.message.c_str());
        return 2;
    }
    return std::fflush(out) == 0 ? 0 : 2;
}

int runStatus(const std::string& dataDir, bool json, int64_t nowMs, std::FILE* out, int64_t clockSuspectAfterMs) {
    sqlite::Error error;
    auto store = OutboxStore::openReadOnly(dataDir, error);
    if (!store) {
        std::fprintf(stderr, "otklik-kiosk status: %s\n", error.message.c_str());
        return 2;
    }
    OutboxSummary s = store->summary(error);
    if (error) {
        std::fprintf(stderr, "otklik-kiosk status: %s\n", error.message.c_str());
        return 2;
    }
    SyncRecord sync = store->syncRecord(error);
    if (error) sync = SyncRecord{};  // an outbox from before delivery existed: nothing to show
    error = {};
    std::optional<ClockEstimate> clock = store->clockEstimate(error);
    if (error) clock.reset();  // from before schema 3: never measured
    const bool flagging = clock && std::llabs(clock->offsetMs) > clockSuspectAfterMs;
    const StorageEvent* lastError = nullptr;
    for (const auto& e : s.recentEvents)
        if (!lastError && (e.kind == "storage-failed" || e.kind == "corrupt-recovered")) lastError = &e;
    if (json) {
        nlohmann::json j = {{"database", store->path()},
                            {"database_bytes", s.databaseBytes},
                            {"pending", s.pending},
                            {"delivered", s.delivered},
                            {"rejected", s.rejected},
                            {"highest_seq", s.highestSeq},
                            {"oldest_pending_at", s.oldestPendingAtMs ? nlohmann::json(formatUtc(*s.oldestPendingAtMs)) : nlohmann::json()},
                            {"oldest_pending_age_s", s.oldestPendingAtMs ? nlohmann::json((nowMs - *s.oldestPendingAtMs) / 1000) : nlohmann::json()}};
        if (lastError) j["last_storage_error"] = {{"at", formatUtc(lastError->atMs)}, {"kind", lastError->kind}, {"detail", lastError->detail}};
        j["delivery"] = {{"last_success", sync.lastSuccessMs ? nlohmann::json(formatUtc(*sync.lastSuccessMs)) : nlohmann::json()},
                         {"last_error", sync.lastError},
                         {"last_error_at", sync.lastErrorMs ? nlohmann::json(formatUtc(*sync.lastErrorMs)) : nlohmann::json()},
                         {"hub_high_water_seq", sync.hubHighWaterSeq},
                         {"gap_seq", sync.gapSeq ? nlohmann::json(*sync.gapSeq) : nlohmann::json()}};
        j["clock"] = {{"offset_ms", clock ? nlohmann::json(clock->offsetMs) : nlohmann::json()},
                      {"uncertainty_ms", clock ? nlohmann::json(clock->uncertaintyMs) : nlohmann::json()},
                      {"measured_at", clock ? nlohmann::json(formatUtc(clock->measuredAtMs)) : nlohmann::json()},
                      {"suspect_after_ms", clockSuspectAfterMs},
                      {"flagging_responses", flagging}};
        std::fprintf(out, "%s\n", j.dump(2).c_str());
        return 0;
    }
    std::fprintf(out, "outbox:          %s (%s)\n", store->path().c_str(), size(s.databaseBytes).c_str());
    std::fprintf(out, "responses:       %lld pending, %lld delivered, %lld rejected\n", static_cast<long long>(s.pending),
                 static_cast<long long>(s.delivered), static_cast<long long>(s.rejected));
    if (s.oldestPendingAtMs)
        std::fprintf(out, "oldest pending:  %s (%s ago)\n", formatUtc(*s.oldestPendingAtMs).c_str(), duration(nowMs - *s.oldestPendingAtMs).c_str());
    else
        std::fprintf(out, "oldest pending:  none\n");
    std::fprintf(out, "highest seq:     %lld\n", static_cast<long long>(s.highestSeq));
    if (lastError)
        std::fprintf(out, "last storage error: %s %s: %s\n", formatUtc(lastError->atMs).c_str(), lastError->kind.c_str(), lastError->detail.c_str());
    else
        std::fprintf(out, "last storage error: none recorded\n");
    std::fprintf(out, "last delivery:   %s\n", sync.lastSuccessMs ? (formatUtc(*sync.lastSuccessMs) + " (" + duration(nowMs - *sync.lastSuccessMs) + " ago)").c_str() : "never");
    std::fprintf(out, "hub holds up to: seq %lld%s\n", static_cast<long long>(sync.hubHighWaterSeq),
                 sync.gapSeq ? (" — the hub lacks seq " + std::to_string(*sync.gapSeq) + ", which was delivered").c_str() : "");
    if (!sync.lastError.empty())
        std::fprintf(out, "last delivery error: %s %s\n", sync.lastErrorMs ? formatUtc(*sync.lastErrorMs).c_str() : "", sync.lastError.c_str());
    else
        std::fprintf(out, "last delivery error: none recorded\n");
    if (!clock) {
        std::fprintf(out, "hub clock:       not measured yet (responses carry no clock offset until the hub has answered)\n");
        return 0;
    }
    std::fprintf(out, "hub clock:       %s (±%s), measured %s (%s ago)\n", offsetText(clock->offsetMs).c_str(),
                 clock->uncertaintyMs < 1000 ? (std::to_string(clock->uncertaintyMs) + " ms").c_str() : seconds(clock->uncertaintyMs).c_str(), formatUtc(clock->measuredAtMs).c_str(),
                 duration(std::max<int64_t>(0, nowMs - clock->measuredAtMs)).c_str());
    if (flagging)
        std::fprintf(out, "clock check:     responses ARE flagged clock_suspect: this terminal's clock is more than %s off the hub's — "
                          "check its time synchronisation (NTP) and time zone\n",
                     seconds(clockSuspectAfterMs).c_str());
    else
        std::fprintf(out, "clock check:     responses are not flagged (within %s of the hub's clock)\n", seconds(clockSuspectAfterMs).c_str());
    return 0;
}

int runRequeue(const std::string& dataDir, const std::string& since, int64_t nowMs, std::FILE* out) {
    std::optional<int64_t> sinceMs;
    if (!since.empty() && !(sinceMs = parseUtcDate(since))) {
        std::fprintf(stderr, "otklik-kiosk requeue: --since \"%s\" is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)\n", since.c_str());
        return 2;
    }
    // The outbox has one writer: while the kiosk runs, it is the kiosk.
    std::string lockError, unlocked;
    auto lock = InstanceLock::acquire(dataDir, lockError, &unlocked);
    if (!lock) {
        std::fprintf(stderr, "otklik-kiosk requeue: %s; then run requeue again and start the kiosk\n", lockError.c_str());
        return 1;
    }
    if (!unlocked.empty()) {
        // Without the lock a running kiosk could not be told apart from none.
        std::fprintf(stderr, "otklik-kiosk requeue: %s; run it as the kiosk's user (sudo -u otklik …), nothing was changed\n", unlocked.c_str());
        return 1;
    }
    sqlite::Error error;
    OutboxSettings settings;
    settings.dataDir = dataDir;
    auto store = OutboxStore::open(settings, nowMs, error);
    if (!store) {
        std::fprintf(stderr, "otklik-kiosk requeue: %s\n", error.message.c_str());
        return 1;
    }
    auto count = store->requeueRejected(sinceMs, nowMs, error);
    if (!count) {
        std::fprintf(stderr, "otklik-kiosk requeue: nothing changed: %s\n", error.message.c_str());
        return 1;
    }
    std::fprintf(out, "requeued: %lld rejected responses%s are pending again; the kiosk delivers them at its next attempt "
                      "(the hub stores each once, whatever it received before)\n",
                 static_cast<long long>(*count), since.empty() ? "" : (" (rejected since " + since + ")").c_str());
    return 0;
}

}  // namespace otklik::cli
