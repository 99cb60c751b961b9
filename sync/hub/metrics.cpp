// Prometheus text exposition (format 0.0.4) of the hub's counters.
#include "metrics.h"

#include <sstream>

namespace otklik::hub {

namespace {
// Label values escape backslash, double quote and newline.
std::string label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}
}  // namespace

void Metrics::countRequest(const std::string& route, int status) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
}

void Metrics::countItems(int64_t stored, int64_t duplicates, int64_t rejected) {
    stored_ += stored;
    duplicates_ += duplicates;
    rejected_ += rejected;
}

std::string Metrics::render(const std::vector<Terminal>& terminals) const {
    std::ostringstream out;
    out << "# HELP otklik_hub_requests_total HTTP requests by route and status.\n# TYPE otklik_hub_requests_total counter\n";
    {
        std::lock_guard lock(mutex_);
        for (const auto& [key, count] : requests_)
            out << "otklik_hub_requests_total{route=\"" << label(key.first) << "\",status=\"" << key.second << "\"} " << count << "\n";
    }
    out << "# HELP otklik_hub_responses_stored_total Responses stored for the first time.\n# TYPE otklik_hub_responses_stored_total counter\n"
        << "otklik_hub_responses_stored_total " << stored_.load() << "\n";
    out << "# HELP otklik_hub_responses_duplicate_total Responses received again and not stored twice.\n"
        << "# TYPE otklik_hub_responses_duplicate_total counter\notklik_hub_responses_duplicate_total " << duplicates_.load() << "\n";
    out << "# HELP otklik_hub_responses_rejected_total Responses refused (invalid or conflicting).\n"
        << "# TYPE otklik_hub_responses_rejected_total counter\notklik_hub_responses_rejected_total " << rejected_.load() << "\n";
    out << "# HELP otklik_hub_terminal_last_seen_timestamp_seconds When each terminal last reached the hub.\n"
        << "# TYPE otklik_hub_terminal_last_seen_timestamp_seconds gauge\n";
    for (const auto& t : terminals)
        if (t.lastSeenMs)
            out << "otklik_hub_terminal_last_seen_timestamp_seconds{terminal=\"" << label(t.id) << "\"} " << (*t.lastSeenMs / 1000) << "\n";
    out << "# HELP otklik_hub_terminal_high_water_seq Highest seq below which the hub holds every response of the terminal.\n"
        << "# TYPE otklik_hub_terminal_high_water_seq gauge\n";
    for (const auto& t : terminals)
        out << "otklik_hub_terminal_high_water_seq{terminal=\"" << label(t.id) << "\"} " << t.highWaterSeq << "\n";
    return out.str();
}

}  // namespace otklik::hub
