// The service events' trip to the hub (see event_reporter.h).
#include "event_reporter.h"

#include <nlohmann/json.hpp>

#include "platform/log.h"
#include "sync/client/http_client.h"

namespace otklik {

using json = nlohmann::json;

EventReporter::EventReporter(EventReporterSettings settings, Outbox& outbox, HttpTransport& transport, const Clock& clock)
    : settings_(std::move(settings)), outbox_(outbox), transport_(transport), clock_(clock), dueMonoMs_(clock.monoMs()) {}

void EventReporter::run() {
    dueMonoMs_ = clock_.monoMs() + settings_.intervalMs;
    for (int round = 0; round < 10; ++round) {  // a long list goes in reports of 100
        std::vector<ServiceEvent> events = outbox_.serviceEvents(100);
        if (events.empty()) return;
        json list = json::array();
        std::vector<std::string> ids;
        for (const ServiceEvent& e : events) {
            list.push_back({{"id", e.id}, {"at_ms", e.atMs}, {"kind", e.kind}, {"detail", e.detail}});
            ids.push_back(e.id);
        }
        HttpRequest request;
        request.method = "POST";
        request.url = hubRouteUrl(settings_.hubUrl, "/api/v1/events");
        request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + settings_.token}};
        request.body = json{{"terminal_id", settings_.terminalId}, {"events", list}}.dump(-1, ' ', false, json::error_handler_t::replace);
        request.maxReplyBytes = 64 * 1024;
        HttpResult r = transport_.send(request);
        if (r.replied() && (r.status == 400 || r.status == 413)) {
            // A verdict on the report's content: sent again it would be refused again and hold
            // back every later event. A service event is the technician's trace, not a
            // visitor's answer; the terminal's log keeps it.
            log::warning("events: the hub refused " + std::to_string(ids.size()) + " service events (" + std::to_string(r.status) + ": " +
                         r.body.substr(0, 200) + "); they are dropped, this log keeps them");
            for (const ServiceEvent& e : events) log::info("events: dropped: " + e.kind + ": " + e.detail);
        } else if (!r.replied() || r.status != 200) {
            // Kept for the next try; the uploader reports network and token trouble already.
            if (r.replied() && r.status >= 400 && r.status < 500 && r.status != 429)
                log::warning("events: the hub answered " + std::to_string(r.status) + " (" + r.body.substr(0, 200) + "); kept for later");
            dueMonoMs_ = clock_.monoMs() + settings_.retryMs;
            return;
        }
        if (sqlite::Error error = outbox_.removeServiceEvents(ids)) {
            log::warning("events: delivered, but could not be marked so (" + error.message + "); they go once more");
            return;
        }
        if (r.status == 200) sent_ += static_cast<int64_t>(ids.size());
    }
}

}  // namespace otklik
