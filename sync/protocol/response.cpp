// JSON form of a response, shared by the terminal's export, its uploads and the hub.
#include "response.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "sync/protocol/response_reader.h"

namespace otklik {

using nlohmann::json;

std::string Response::comment() const {
    std::string out;
    for (const auto& [question, answer] : answers) {
        if (answer.text.empty()) continue;
        if (!out.empty()) out += "\n";
        out += answer.text;
    }
    return out;
}

const char* toString(ResponseStatus status) {
    return status == ResponseStatus::Complete ? "complete" : "partial";
}

std::string formatUtc(int64_t unixMs) {
    time_t seconds = static_cast<time_t>(unixMs / 1000);
    int millis = static_cast<int>(unixMs % 1000);
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buffer;
}

namespace {

json answerToJson(const Answer& a) {
    if (a.rating != 0) return a.rating;
    if (!a.selected.empty()) return a.selected;
    return a.text;
}

}  // namespace

json answersToJson(const Answers& answers) {
    json out = json::object();
    for (const auto& [question, answer] : answers) out[question] = answerToJson(answer);
    return out;
}

json flagsToJson(const Response& r) {
    json flags = json::array();
    if (r.repeated) flags.push_back("repeated");
    if (r.clockSuspect) flags.push_back("clock_suspect");
    if (r.largeText) flags.push_back("large_text");
    return flags;
}

json toJson(const Response& r) {
    json flags = flagsToJson(r);
    json answers = answersToJson(r.answers);
    json j{
        {"id", r.id},
        {"seq", r.seq},
        {"terminal_id", r.terminalId},
        {"questionnaire_id", r.questionnaireId},
        {"questionnaire_version", r.questionnaireVersion},
        {"service", r.service},
        {"channel", r.channel},
        {"language", r.language},
        {"started_at", formatUtc(r.startedAtMs)},
        {"completed_at", formatUtc(r.completedAtMs)},
        {"started_at_ms", r.startedAtMs},
        {"completed_at_ms", r.completedAtMs},
        {"started_mono_ms", r.startedMonoMs},
        {"completed_mono_ms", r.completedMonoMs},
        {"boot_id", r.bootId},
        {"status", toString(r.status)},
        {"presses", r.presses},
        {"flags", flags},
        {"answers", answers},
        {"comment", r.comment()},
    };
    // Absent, not null, when unknown: older terminals never sent it, and readers treat both alike.
    if (r.clockOffsetMs) j["clock_offset_ms"] = *r.clockOffsetMs;
    return j;
}

namespace {

// response_reader.h's view over nlohmann::json.
class NlohmannView {
public:
    explicit NlohmannView(const json& j) : j_(&j) {}
    bool isObject() const { return j_->is_object(); }
    bool isArray() const { return j_->is_array(); }
    bool isString() const { return j_->is_string(); }
    bool isNull() const { return j_->is_null(); }
    bool isInteger() const { return j_->is_number_integer(); }
    std::optional<int64_t> toInt64() const {
        if (!j_->is_number_integer() || (j_->is_number_unsigned() && j_->get<uint64_t>() > uint64_t(INT64_MAX))) return std::nullopt;
        return j_->get<int64_t>();
    }
    std::string toString() const { return j_->get<std::string>(); }
    std::optional<NlohmannView> field(std::string_view key) const {
        auto it = j_->find(key);
        if (it == j_->end()) return std::nullopt;
        return NlohmannView(*it);
    }
    template <class F>
    bool eachElement(F f) const {
        for (const auto& e : *j_)
            if (!f(NlohmannView(e))) return false;
        return true;
    }
    template <class F>
    bool eachMember(F f) const {
        for (const auto& [key, value] : j_->items())
            if (!f(key, NlohmannView(value))) return false;
        return true;
    }

private:
    const json* j_;
};

}  // namespace

std::optional<Response> responseFromJson(const json& j, std::string& error) {
    return response_reader::readResponse(NlohmannView(j), error);
}

}  // namespace otklik
