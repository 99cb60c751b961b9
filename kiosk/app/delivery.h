// Delivery to the hub, as the kiosk runs it: the HTTPS client and the uploader thread made
// from the device config's [hub] section with its chores (heartbeat, config pull, service
// events), and a last short push of what is pending when the kiosk stops. DeliveryHost holds
// the Delivery of the credentials in force and starts a new one when the terminal is enrolled
// while running; the clock offset and the config mailbox outlive any one Delivery.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "kiosk/config/device_config.h"
#include "sync/client/clock_offset.h"
#include "sync/client/config_mailbox.h"
#include "sync/client/config_puller.h"
#include "sync/client/event_reporter.h"
#include "sync/client/heartbeat.h"
#include "sync/client/http_client.h"
#include "sync/client/outbox.h"
#include "sync/client/response_store.h"
#include "sync/client/uploader.h"

namespace otklik {

// What the kiosk adds to delivery from outside it: who is told of a new hub config (the
// service PIN in it), what the heartbeat says of service mode.
struct DeliveryHooks {
    std::function<void(const HubConfig&)> onConfig;
    std::function<std::optional<HeartbeatServiceCounts>()> serviceCounts;
};

class Delivery {
public:
    Delivery(const DeviceConfig& config, Outbox& outbox, const Clock& clock, ClockOffset& clockOffset, ConfigMailbox& mailbox,
             const DeliveryHooks& hooks);
    ~Delivery();
    Delivery(const Delivery&) = delete;
    Delivery& operator=(const Delivery&) = delete;

    void start() { uploader_.start(); }
    void responseStored() { uploader_.wake(); }
    // Stops the thread, then sends what is still pending for at most `budget` (a kiosk
    // stopped right after a visitor should not leave that response behind for hours).
    void finish(std::chrono::milliseconds budget);
    [[nodiscard]] SyncStatus status() const { return uploader_.status(); }
    [[nodiscard]] Heartbeat& heartbeat() { return heartbeat_; }
    [[nodiscard]] ConfigPuller& configPuller() { return configPuller_; }
    [[nodiscard]] EventReporter& eventReporter() { return events_; }
    // The service menu's "deliver now": the next attempt at once, chores too.
    void wake() { uploader_.wake(); }

private:
    [[nodiscard]] bool hubAnsweredLately() const;

    HttpClient client_;
    ClockTrackingTransport tracking_;  // client_ with every reply's Date fed to the clock offset
    Uploader uploader_;
    Heartbeat heartbeat_;
    ConfigPuller configPuller_;
    EventReporter events_;
};

class DeliveryHost {
public:
    DeliveryHost(Outbox& outbox, const Clock& clock) : outbox_(outbox), clock_(clock) {}
    ~DeliveryHost();

    void setHooks(DeliveryHooks hooks) { hooks_ = std::move(hooks); }
    // Starts delivery for `config` when it is enrolled, after stopping the one before (its
    // unsent responses stay in the outbox for the new one). Thread-safe.
    void start(const DeviceConfig& config);
    [[nodiscard]] bool running() const;
    // Thread-safe calls on the Delivery in force (nothing happens without one).
    void responseStored();
    void wake();
    void notifyEvent();
    void pullConfigSoon();
    [[nodiscard]] std::optional<SyncStatus> status() const;
    [[nodiscard]] std::optional<ConfigPuller::Report> configReport() const;
    void finish(std::chrono::milliseconds budget);

    // The hub clock offset: fed by every exchange, persisted in the outbox, read back on the
    // first response after a restart. Stamps responses (ClockStampingStore).
    [[nodiscard]] ClockOffset& clockOffset() { return clockOffset_; }
    // Where a new config from the hub waits for the idle screen.
    [[nodiscard]] ConfigMailbox& configMailbox() { return mailbox_; }

private:
    Outbox& outbox_;
    const Clock& clock_;
    DeliveryHooks hooks_;
    ClockOffset clockOffset_;
    ConfigMailbox mailbox_;
    bool offsetWired_ = false;
    mutable std::mutex mutex_;
    std::unique_ptr<Delivery> delivery_;
};

// Passes everything to the outbox and tells delivery after each response it stored.
class NotifyingStore final : public ResponseStore {
public:
    NotifyingStore(ResponseStore& inner, DeliveryHost& delivery) : inner_(inner), delivery_(delivery) {}
    [[nodiscard]] StoreResult store(const Response& response) override {
        StoreResult result = inner_.store(response);
        if (result.ok) delivery_.responseStored();
        return result;
    }
    [[nodiscard]] std::string probe() override { return inner_.probe(); }

private:
    ResponseStore& inner_;
    DeliveryHost& delivery_;
};

}  // namespace otklik
