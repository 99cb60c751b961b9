// The kiosk's delivery wiring (see delivery.h).
#include "delivery.h"

#include <cstdlib>

#include "kiosk/app/hub_connection.h"
#include "kiosk/app/hub_questionnaire.h"
#include "platform/log.h"

namespace otklik {

namespace {

UploaderSettings uploaderFrom(const DeviceConfig& config) {
    const DeviceConfig::Hub& hub = config.hub;
    UploaderSettings s;
    s.hubUrl = hub.url;
    s.token = hub.token;
    s.terminalId = config.terminalId;
    s.batchSize = hub.batchSize;
    s.firstSyncJitterMs = hub.startDelayMaxS * 1000;
    return s;
}

HeartbeatSettings heartbeatFrom(const DeviceConfig& config, const DeliveryHooks& hooks) {
    HeartbeatSettings s;
    s.hubUrl = config.hub.url;
    s.token = config.hub.token;
    s.terminalId = config.terminalId;
    s.dataDir = config.dataDir;
    s.serviceCounts = hooks.serviceCounts;
    return s;
}

ConfigPullerSettings configPullerFrom(const DeviceConfig& config) {
    ConfigPullerSettings s;
    s.hubUrl = config.hub.url;
    s.token = config.hub.token;
    s.dataDir = config.dataDir;
    return s;
}

EventReporterSettings eventsFrom(const DeviceConfig& config) {
    EventReporterSettings s;
    s.hubUrl = config.hub.url;
    s.token = config.hub.token;
    s.terminalId = config.terminalId;
    return s;
}

}  // namespace

Delivery::Delivery(const DeviceConfig& config, Outbox& outbox, const Clock& clock, ClockOffset& clockOffset, ConfigMailbox& mailbox,
                   const DeliveryHooks& hooks)
    : client_(tlsFrom(config.hub), HttpTimeouts{}, proxyFrom(config.hub)),
      tracking_(client_, clockOffset, clock),
      uploader_(uploaderFrom(config), outbox, tracking_, clock),
      heartbeat_(heartbeatFrom(config, hooks), outbox, tracking_, clock, &clockOffset),
      configPuller_(configPullerFrom(config), tracking_, clock, hubConfigValidator(config), mailbox),
      events_(eventsFrom(config), outbox, tracking_, clock) {
    uploader_.addChore(heartbeat_);
    uploader_.addChore(configPuller_);
    uploader_.addChore(events_);
    heartbeat_.setIntervalSeconds([this]() -> int64_t {
        auto hub = configPuller_.settings();
        return hub ? hub->heartbeatIntervalS : 0;  // 0: the heartbeat's own default
    });
    heartbeat_.setConfigError([this] { return configPuller_.configError(); });
    if (hooks.onConfig) configPuller_.setOnAccepted(hooks.onConfig);
    if (config.hub.insecureDevelopmentOnly)
        log::warning("delivery: TLS checks are OFF (insecure_development_only) — never on a real terminal");
}

Delivery::~Delivery() { uploader_.stop(); }

void Delivery::finish(std::chrono::milliseconds budget) {
    uploader_.stop();
    auto deadline = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < deadline) {
        AttemptResult r = uploader_.attempt();
        if (r.outcome == AttemptOutcome::Idle && std::chrono::steady_clock::now() < deadline && hubAnsweredLately()) {
            // All delivered and the hub answering: one last heartbeat, so the hub's page shows
            // the terminal's state as it stopped (and the offset kept for the restart is fresh),
            // and the service events not yet sent.
            // Not when the hub is unreachable: that would only wait out the network timeouts.
            heartbeat_.run();
            events_.run();
        }
        if (r.outcome != AttemptOutcome::Progress && r.outcome != AttemptOutcome::Split) break;
    }
}

bool Delivery::hubAnsweredLately() const {
    SyncStatus s = uploader_.status();
    if (s.consecutiveFailures > 0) return false;
    auto recent = [](const std::optional<int64_t>& atMs) {
        return atMs && std::llabs(SystemClock().wallMs() - *atMs) < 10 * 60'000;
    };
    return recent(s.lastSuccessMs) || recent(heartbeat_.lastSuccessMs());
}

DeliveryHost::~DeliveryHost() {
    std::lock_guard lock(mutex_);
    delivery_.reset();
}

void DeliveryHost::start(const DeviceConfig& config) {
    if (!offsetWired_) {
        // Read back lazily, on the first response's store (which waits for the outbox anyway):
        // here it would hold up the first frame until the outbox has opened.
        Outbox& outbox = outbox_;
        clockOffset_.setLoader([&outbox] { return outbox.clockEstimate(); });
        clockOffset_.setSaver([&outbox](const ClockEstimate& estimate) {
            if (sqlite::Error error = outbox.saveClockEstimate(estimate))
                log::warning("delivery: could not keep the hub clock offset in the outbox (" + error.message + "); it is measured again");
        });
        offsetWired_ = true;
    }
    std::unique_ptr<Delivery> next;
    if (config.enrolled()) next = std::make_unique<Delivery>(config, outbox_, clock_, clockOffset_, mailbox_, hooks_);
    std::unique_ptr<Delivery> before;
    {
        std::lock_guard lock(mutex_);
        before = std::move(delivery_);
        delivery_ = std::move(next);
        if (delivery_) delivery_->start();
    }
    before.reset();  // stops its thread outside the lock
}

bool DeliveryHost::running() const {
    std::lock_guard lock(mutex_);
    return delivery_ != nullptr;
}

void DeliveryHost::responseStored() {
    std::lock_guard lock(mutex_);
    if (delivery_) delivery_->responseStored();
}

void DeliveryHost::wake() {
    std::lock_guard lock(mutex_);
    if (delivery_) delivery_->wake();
}

void DeliveryHost::notifyEvent() {
    std::lock_guard lock(mutex_);
    if (!delivery_) return;
    delivery_->eventReporter().notify();
    delivery_->wake();
}

void DeliveryHost::pullConfigSoon() {
    std::lock_guard lock(mutex_);
    if (!delivery_) return;
    delivery_->configPuller().pullSoon();
    delivery_->wake();
}

std::optional<SyncStatus> DeliveryHost::status() const {
    std::lock_guard lock(mutex_);
    if (!delivery_) return std::nullopt;
    return delivery_->status();
}

std::optional<ConfigPuller::Report> DeliveryHost::configReport() const {
    std::lock_guard lock(mutex_);
    if (!delivery_) return std::nullopt;
    return delivery_->configPuller().lastReport();
}

void DeliveryHost::finish(std::chrono::milliseconds budget) {
    std::unique_ptr<Delivery> last;
    {
        std::lock_guard lock(mutex_);
        last = std::move(delivery_);
    }
    if (last) last->finish(budget);
}

}  // namespace otklik
