// Delivery to the hub, as the kiosk runs it: the HTTPS client and the uploader thread made
// from the device config's [hub] section, a store wrapper that wakes the uploader after each
// commit, and a last short push of what is pending when the kiosk stops.
#pragma once

#include <chrono>
#include <memory>

#include "kiosk/config/device_config.h"
#include "sync/client/clock_offset.h"
#include "sync/client/config_mailbox.h"
#include "sync/client/config_puller.h"
#include "sync/client/heartbeat.h"
#include "sync/client/http_client.h"
#include "sync/client/outbox.h"
#include "sync/client/response_store.h"
#include "sync/client/uploader.h"

namespace otklik {

class Delivery {
public:
    Delivery(const DeviceConfig& config, Outbox& outbox, const Clock& clock);
    ~Delivery();
    Delivery(const Delivery&) = delete;
    Delivery& operator=(const Delivery&) = delete;

    void start() { uploader_.start(); }
    void responseStored() { uploader_.wake(); }
    // Stops the thread, then sends what is still pending for at most `budget` (a kiosk
    // stopped right after a visitor should not leave that response behind for hours).
    void finish(std::chrono::milliseconds budget);
    [[nodiscard]] SyncStatus status() const { return uploader_.status(); }
    // The hub clock offset: fed by every exchange, persisted in the outbox, read back on the
    // first response after a restart. Stamps responses (ClockStampingStore).
    [[nodiscard]] ClockOffset& clockOffset() { return clockOffset_; }
    // The heartbeat chore; give it the config pull's interval and config_error before start().
    [[nodiscard]] Heartbeat& heartbeat() { return heartbeat_; }
    // The config pull (a chore on the uploader's thread): configError() and settings() for the
    // heartbeat, and the mailbox the frame loop takes a new config from at the idle screen.
    [[nodiscard]] const ConfigPuller& configPuller() const { return configPuller_; }
    [[nodiscard]] ConfigMailbox& configMailbox() { return configMailbox_; }

private:
    [[nodiscard]] bool hubAnsweredLately() const;

    ClockOffset clockOffset_;
    HttpClient client_;
    ClockTrackingTransport tracking_;  // client_ with every reply's Date fed to clockOffset_
    Uploader uploader_;
    Heartbeat heartbeat_;
    ConfigMailbox configMailbox_;
    ConfigPuller configPuller_;
};

// Passes everything to the outbox and tells delivery after each response it stored.
class NotifyingStore final : public ResponseStore {
public:
    NotifyingStore(ResponseStore& inner, Delivery* delivery) : inner_(inner), delivery_(delivery) {}
    [[nodiscard]] StoreResult store(const Response& response) override {
        StoreResult result = inner_.store(response);
        if (result.ok && delivery_) delivery_->responseStored();
        return result;
    }
    [[nodiscard]] std::string probe() override { return inner_.probe(); }

private:
    ResponseStore& inner_;
    Delivery* delivery_;
};

}  // namespace otklik
