// The terminal's config pull (docs/delivery.md, "Configuration from the hub"): a chore on the
// uploader's thread that asks the hub for this terminal's config with the ETag it holds,
// validates a new one with the kiosk's own checks, saves it durably (keeping the one before)
// and posts it to the UI thread, which applies it at the next idle screen. A config the
// validator refuses is logged once, not saved, and reported through configError() (the
// heartbeat sends it); the terminal goes on with what it has.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "platform/clock.h"
#include "sync/client/config_mailbox.h"
#include "sync/client/http_transport.h"
#include "sync/client/hub_config.h"
#include "sync/client/uploader.h"

namespace otklik {

struct ConfigPullerSettings {
    std::string hubUrl;              // https://host:port, as for the uploader
    std::string token;               // this terminal's bearer token
    std::string dataDir;             // hub-config.json and hub-config.previous.json live here
    int64_t intervalMs = 300'000;    // between pulls; a changed questionnaire arrives within this
};

enum class PullOutcome {
    NotModified,  // 304: the hub's config is the one held (or the one refused)
    Unchanged,    // 200 with the same content as held: nothing to do
    Accepted,     // a new valid config: saved (if the disk allowed) and posted
    Refused,      // a new config failed validation or is malformed: configError() says why
    Failed,       // no usable reply (network, token, hub trouble): tried again at the next pull
};

class ConfigPuller final : public UploaderChore {
public:
    // Reads the saved config (hub-config.json, else the previous one) to know the ETag it holds.
    // `transport` is the uploader's: pull() is called only on the uploader's thread (or by a
    // test without one). `mailbox` must outlive the puller.
    ConfigPuller(ConfigPullerSettings settings, HttpTransport& transport, const Clock& clock, ConfigValidator validator,
                 ConfigMailbox& mailbox);

    // UploaderChore: due at once after start (the uploader's first-sync jitter comes first),
    // then every intervalMs.
    [[nodiscard]] int64_t msUntilDue() override;
    void run() override;

    // One GET /api/v1/config. Does not reschedule.
    PullOutcome pull();

    // Thread-safe. Why the hub's latest config was refused, in the validator's words (at most
    // 500 bytes, as the heartbeat's config_error allows); "" when none was refused since the
    // last accepted one.
    [[nodiscard]] std::string configError() const;
    // Thread-safe. The hub's settings from the config in use; nullopt before any is known.
    [[nodiscard]] std::optional<HubSettings> settings() const;
    // Thread-safe. The ETag of the config in use; "" if none.
    [[nodiscard]] std::string heldEtag() const;

    // Called on the pulling thread with every config accepted (the kiosk takes the hub's
    // service PIN from it). Set before the uploader starts.
    void setOnAccepted(std::function<void(const HubConfig&)> onAccepted) { onAccepted_ = std::move(onAccepted); }
    // Thread-safe: the next pull is due now (the service menu's "fetch config now"); wake the
    // uploader after it so it looks.
    void pullSoon() { nextPullMonoMs_ = clock_.monoMs(); }
    // What the last pull found, for a person: when, and what changed.
    struct Report {
        PullOutcome outcome = PullOutcome::Failed;
        int64_t atMs = 0;   // wall clock; 0 = no pull yet
        std::string what;   // "unchanged (questionnaire default version 3)", "new questionnaire …", "refused: …"
    };
    [[nodiscard]] Report lastReport() const;

private:
    PullOutcome accept(HubConfig config);
    PullOutcome refuse(const std::string& why, const std::string& etag, const std::string& body);
    [[nodiscard]] std::string ifNoneMatch() const;

    const ConfigPullerSettings settings_;
    HttpTransport& transport_;
    const Clock& clock_;
    const ConfigValidator validator_;
    ConfigMailbox& mailbox_;
    std::function<void(const HubConfig&)> onAccepted_;
    std::atomic<int64_t> nextPullMonoMs_;

    // Read by other threads (mutex_); written only by the pulling thread.
    mutable std::mutex mutex_;
    std::optional<HubConfig> held_;   // the config in use (saved), if any came from the hub
    std::string error_;
    std::string refusedEtag_;         // sent in If-None-Match so a refused config is not fetched again
    std::string refusedBody_;         // and, for a hub that sends no ETag, not logged again
    Report report_;
};

}  // namespace otklik
