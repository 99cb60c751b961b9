// The terminal's heartbeat: every few minutes it tells the hub (POST /api/v1/heartbeat) that
// it is alive, which software it runs, how long it has been up, how many responses wait and
// for how long, how much disk is left and what its clock says. The hub's reply carries its
// time in milliseconds, the most precise clock sample the terminal gets. Runs as a chore on
// the uploader's thread and connection; failures are quiet (the uploader reports network
// trouble already) and retried sooner than the interval, with backoff.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "platform/clock.h"
#include "sync/client/clock_offset.h"
#include "sync/client/http_transport.h"
#include "sync/client/outbox.h"
#include "sync/client/uploader.h"

namespace otklik {

// What the heartbeat reports of the technician's service mode (totals on this terminal).
struct HeartbeatServiceCounts {
    int64_t pinAttempts = 0;
    int64_t pinFailures = 0;
    int64_t pinLockouts = 0;
    int64_t entries = 0;
};

struct HeartbeatSettings {
    std::string hubUrl;                 // as for the uploader
    std::string token;
    std::string terminalId;             // sent so the hub can refuse another terminal's token ("" = not sent)
    std::string dataDir;                // free disk is measured where the outbox lives
    std::string version;                // "" = this build's version (the CMake project version)
    int64_t intervalMs = 300'000;       // between heartbeats, unless intervalSeconds says otherwise
    int64_t firstDelayMs = 0;           // after start; the uploader runs chores only after its first-sync jitter anyway
    int64_t retryBaseMs = 30'000;       // a failed heartbeat is retried after this, doubling, never later than the interval
    // The hub's `heartbeat_interval_s` (from the config pull); empty, or 0 and below = intervalMs.
    // Taken into account from the next heartbeat on; clamped to 30 s .. 24 h.
    std::function<int64_t()> intervalSeconds;
    // Why the last configuration from the hub was refused, "" when it was not (sent as config_error).
    std::function<std::string()> configError;
    // Service mode's counts (sent as "service"); empty or nullopt = not sent.
    std::function<std::optional<HeartbeatServiceCounts>()> serviceCounts;
};

// This build's version string (OTKLIK_VERSION from CMake's project version).
[[nodiscard]] const char* softwareVersion();
// Bytes free for an unprivileged user on the file system holding `path`; nullopt if unknown.
[[nodiscard]] std::optional<int64_t> freeDiskBytes(const std::string& path);

class Heartbeat final : public UploaderChore {
public:
    // `outbox`, `transport` and `clock` must outlive it; `offset` may be null (no clock samples).
    // `clock` is the wall clock the terminal reports and the monotonic one it schedules by.
    Heartbeat(HeartbeatSettings settings, Outbox& outbox, HttpTransport& transport, const Clock& clock, ClockOffset* offset);

    [[nodiscard]] int64_t msUntilDue() override;
    // Sends one heartbeat and plans the next; never throws.
    void run() override;

    // Where the hub's heartbeat_interval_s and a refused config's reason come from (the config
    // pull); as the settings of the same name. Call before the uploader starts.
    void setIntervalSeconds(std::function<int64_t()> source) { settings_.intervalSeconds = std::move(source); }
    void setConfigError(std::function<std::string()> source) { settings_.configError = std::move(source); }

    // The JSON body run() would send now (for tests and the log).
    [[nodiscard]] std::string body();
    // Successful heartbeats since start, and when the last one was answered (wall clock).
    [[nodiscard]] int sent() const { return sent_; }
    [[nodiscard]] std::optional<int64_t> lastSuccessMs() const { return lastSuccessMs_; }

private:
    [[nodiscard]] int64_t intervalMs() const;

    HeartbeatSettings settings_;
    Outbox& outbox_;
    HttpTransport& transport_;
    const Clock& clock_;
    ClockOffset* offset_;
    int64_t startedMonoMs_;
    int64_t dueMonoMs_;
    int failures_ = 0;
    int sent_ = 0;
    std::optional<int64_t> lastSuccessMs_;
    std::string lastLogged_;  // a 4xx is logged once, not every interval
};

}  // namespace otklik
