// Sends the service-mode events kept in the outbox to the hub (POST /api/v1/events): a chore
// on the uploader's thread and connection, due soon after an event was added and otherwise
// every few minutes; a failure leaves the events where they are for the next try.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "platform/clock.h"
#include "sync/client/http_transport.h"
#include "sync/client/outbox.h"
#include "sync/client/uploader.h"

namespace otklik {

struct EventReporterSettings {
    std::string hubUrl;
    std::string token;
    std::string terminalId;
    int64_t intervalMs = 300'000;   // look for events this often even without notify()
    int64_t retryMs = 60'000;       // after a failure
};

class EventReporter final : public UploaderChore {
public:
    EventReporter(EventReporterSettings settings, Outbox& outbox, HttpTransport& transport, const Clock& clock);

    // Thread-safe: an event was added; send it at the next chance (wake the uploader after).
    void notify() { dueMonoMs_ = clock_.monoMs(); }
    [[nodiscard]] int64_t msUntilDue() override { return dueMonoMs_ - clock_.monoMs(); }
    void run() override;
    [[nodiscard]] int64_t sent() const { return sent_; }

private:
    EventReporterSettings settings_;
    Outbox& outbox_;
    HttpTransport& transport_;
    const Clock& clock_;
    std::atomic<int64_t> dueMonoMs_;
    std::atomic<int64_t> sent_{0};
};

}  // namespace otklik
