// Export lines for `otklik-hub export`: JSONL objects and RFC 4180 CSV records (see the header
// for the formula-injection guard and why it only touches text cells).
#include "sync/hub/export_format.h"

#include "sync/protocol/response.h"

namespace otklik::hub {

using nlohmann::json;
using nlohmann::ordered_json;

const char* toString(ExportFormat format) {
    return format == ExportFormat::Csv ? "csv" : "jsonl";
}

std::optional<ExportFormat> exportFormatFromString(std::string_view name) {
    if (name == "csv") return ExportFormat::Csv;
    if (name == "jsonl") return ExportFormat::Jsonl;
    return std::nullopt;
}

const std::vector<std::string>& exportColumns() {
    static const std::vector<std::string> columns = {
        "id",         "seq",          "terminal_id", "centre",     "questionnaire_id", "questionnaire_version",
        "service",    "channel",      "language",    "status",     "started_at",       "completed_at",
        "received_at", "presses",     "flags",       "answers",    "comment",
        // Added later; new columns go last so existing readers keep their positions.
        "clock_offset_ms", "completed_at_corrected",
        // A phone response's terminal response that it continues (docs/hub.md, "The phone form").
        "continues",
        // Which device of the terminal numbered it: 1, then 2 after a replacement was enrolled
        // (docs/hub.md, "Enrolment"); null for a phone response.
        "device",
    };
    return columns;
}

namespace {

std::string stringField(const json& body, const char* key) {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> intField(const json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_number_integer()) return std::nullopt;
    if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)) return std::nullopt;
    return it->get<int64_t>();
}

// The terminal sends "comment" (its text answers joined); an older or hand-made body may not,
// so fall back to joining the text answers the same way Response::comment() does.
std::string commentOf(const json& body) {
    if (auto it = body.find("comment"); it != body.end() && it->is_string()) return it->get<std::string>();
    std::string out;
    if (auto answers = body.find("answers"); answers != body.end() && answers->is_object()) {
        for (const auto& [question, value] : answers->items()) {
            if (!value.is_string() || value.get_ref<const std::string&>().empty()) continue;
            if (!out.empty()) out += "\n";
            out += value.get<std::string>();
        }
    }
    return out;
}

// Compact JSON; invalid UTF-8 (which the API never stores) becomes U+FFFD instead of throwing.
std::string compact(const ordered_json& value) {
    return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace

ordered_json exportObject(const StoredRow& row) {
    json body = json::parse(row.body, nullptr, /*allow_exceptions=*/false);
    std::string bodyError;
    if (body.is_discarded()) bodyError = "the stored body is not valid JSON";
    else if (!body.is_object()) bodyError = "the stored body is not a JSON object";
    if (!bodyError.empty()) body = json::object();

    json flags = json::array();
    if (auto it = body.find("flags"); it != body.end() && it->is_array()) flags = *it;
    json answers = json::object();
    if (auto it = body.find("answers"); it != body.end() && it->is_object()) answers = *it;
    auto started = intField(body, "started_at_ms");
    auto presses = intField(body, "presses");
    // Plain variables rather than an optional: GCC 12 warns (wrongly) that one may be unset.
    const auto offsetField = intField(body, "clock_offset_ms");
    const bool offsetKnown = offsetField.has_value() && *offsetField <= kMaxClockOffsetMs && *offsetField >= -kMaxClockOffsetMs;
    const int64_t offsetMs = offsetKnown ? *offsetField : 0;

    ordered_json out;
    out["id"] = row.id;
    // Phone responses are numbered -1, -2, ... apart from the terminal's own 1, 2, ...
    // (hub_store_qr.cpp); that number means nothing outside the store.
    out["seq"] = row.seq >= 1 ? ordered_json(row.seq) : ordered_json(nullptr);
    out["terminal_id"] = row.terminalId;
    out["centre"] = row.centre;
    out["questionnaire_id"] = stringField(body, "questionnaire_id");
    out["questionnaire_version"] = stringField(body, "questionnaire_version");
    out["service"] = row.service;
    out["channel"] = row.channel;
    out["language"] = stringField(body, "language");
    out["status"] = row.status;
    out["started_at"] = started ? formatUtc(*started) : std::string();
    out["completed_at"] = formatUtc(row.completedAtMs);
    out["received_at"] = formatUtc(row.receivedAtMs);
    out["presses"] = presses.value_or(1);
    out["flags"] = flags;
    out["answers"] = answers;
    out["comment"] = commentOf(body);
    out["clock_offset_ms"] = offsetKnown ? json(offsetMs) : json(nullptr);
    // The terminal's time when its offset was not known (clock_offset_ms is null then):
    // terminals normally keep good time, and an always-filled column sorts and groups.
    out["completed_at_corrected"] = formatUtc(row.completedAtMs + offsetMs);
    const std::string continues = stringField(body, "continues");
    out["continues"] = continues.empty() ? ordered_json(nullptr) : ordered_json(continues);
    out["device"] = row.device >= 1 ? ordered_json(row.device) : ordered_json(nullptr);
    if (!bodyError.empty()) out["body_error"] = bodyError;
    return out;
}

std::string csvCell(std::string_view value) {
    std::string cell;
    cell.reserve(value.size() + 3);
    if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                           value[0] == '\t' || value[0] == '\r'))
        cell += '\'';
    cell += value;
    if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
    std::string quoted = "\"";
    for (char c : cell) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

ExportWriter::ExportWriter(ExportFormat format, std::ostream& out) : format_(format), out_(out) {}

void ExportWriter::header() {
    if (format_ != ExportFormat::Csv) return;
    const auto& columns = exportColumns();
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i) out_ << ',';
        out_ << csvCell(columns[i]);
    }
    out_ << "\r\n";
}

void ExportWriter::row(const StoredRow& row) {
    ordered_json object = exportObject(row);
    ++rows_;
    if (format_ == ExportFormat::Jsonl) {
        out_ << compact(object) << '\n';
        return;
    }
    const auto& columns = exportColumns();
    for (size_t i = 0; i < columns.size(); ++i) {
        if (i) out_ << ',';
        const ordered_json& value = object.at(columns[i]);
        if (value.is_null()) continue;  // unknown: an empty cell
        if (value.is_string()) out_ << csvCell(value.get_ref<const std::string&>());
        else if (value.is_number_integer()) out_ << value.get<int64_t>();
        else out_ << csvCell(compact(value));
    }
    out_ << "\r\n";
}

}  // namespace otklik::hub
