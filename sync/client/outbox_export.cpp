// Export lines of stored responses (see outbox_export.h).
#include "outbox_export.h"

#include <nlohmann/json.hpp>

namespace otklik {

namespace {

std::string csvField(const std::string& value) {
    if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// The completion time on the hub's clock: completed_at + the offset the response was stamped
// with. When the offset was not known the terminal's own time stands (clock_offset_ms is empty
// then, which tells the two apart): terminals normally keep good time, and a column that is
// always filled can be sorted and grouped on.
std::string correctedCompletion(const Response& r) { return formatUtc(r.completedAtMs + r.clockOffsetMs.value_or(0)); }

nlohmann::json exportJson(const StoredResponse& s) {
    nlohmann::json j = toJson(s.response);
    j["completed_at_corrected"] = correctedCompletion(s.response);
    j["state"] = toString(s.state);
    if (!s.reason.empty()) j["state_reason"] = s.reason;
    j["stored_at"] = formatUtc(s.storedAtMs);
    return j;
}

constexpr const char* kCsvColumns[] = {"seq", "id", "terminal_id", "questionnaire_id", "questionnaire_version", "service",
                                       "channel", "language", "started_at", "completed_at", "status", "state",
                                       "state_reason", "presses", "flags", "answers", "comment",
                                       // added with the clock offset (schema 3): new columns go last
                                       "clock_offset_ms", "completed_at_corrected"};

std::string csvRow(const StoredResponse& s) {
    nlohmann::json j = exportJson(s);
    std::string flags;
    for (const auto& f : j["flags"]) flags += (flags.empty() ? "" : ";") + f.get<std::string>();
    std::string row;
    for (const char* column : kCsvColumns) {
        std::string name = column;
        std::string value;
        if (name == "flags") value = flags;
        else if (name == "answers") value = j["answers"].dump();
        else if (!j.contains(name)) value = "";
        else if (j[name].is_string()) value = j[name].get<std::string>();
        else value = j[name].dump();
        row += (row.empty() ? "" : ",") + csvField(value);
    }
    return row;
}

}  // namespace

std::string exportJsonLine(const StoredResponse& stored) { return exportJson(stored).dump(); }

std::string exportCsvHeader() {
    std::string header;
    for (const char* column : kCsvColumns) header += (header.empty() ? "" : ",") + std::string(column);
    return header;
}

std::string exportCsvLine(const StoredResponse& stored) { return csvRow(stored); }

}  // namespace otklik
