// JSON form of a response, shared by the terminal's export, its uploads and the hub.
#include "response.h"

#include <ctime>
#include <nlohmann/json.hpp>

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

std::optional<Answer> answerFromJson(const json& j) {
    Answer a;
    if (j.is_number_integer()) {
        // Range-check before narrowing: get<int> would turn 4294967297 into a valid 1.
        bool inRange = j.is_number_unsigned() ? (j.get<uint64_t>() >= 1 && j.get<uint64_t>() <= 5)
                                              : (j.get<int64_t>() >= 1 && j.get<int64_t>() <= 5);
        if (!inRange) return std::nullopt;
        a.rating = j.get<int>();
    } else if (j.is_array()) {
        for (const auto& s : j) {
            if (!s.is_string()) return std::nullopt;
            a.selected.push_back(s.get<std::string>());
        }
    } else if (j.is_string()) {
        a.text = j.get<std::string>();
    } else {
        return std::nullopt;
    }
    return a;
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

std::optional<Response> responseFromJson(const json& j, std::string& error) {
    if (!j.is_object()) {
        error = "a response must be a JSON object";
        return std::nullopt;
    }
    Response r;
    auto str = [&](const char* key, std::string& out, bool required) {
        auto it = j.find(key);
        if (it == j.end()) {
            if (required) error = std::string("\"") + key + "\" is missing";
            return !required;
        }
        if (!it->is_string()) {
            error = std::string("\"") + key + "\" must be a string";
            return false;
        }
        out = it->get<std::string>();
        return true;
    };
    auto num = [&](const char* key, int64_t& out, bool required) {
        auto it = j.find(key);
        if (it == j.end()) {
            if (required) error = std::string("\"") + key + "\" is missing";
            return !required;
        }
        // Unsigned values past INT64_MAX would wrap round to negative ones.
        if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX))) {
            error = std::string("\"") + key + "\" must be an integer";
            return false;
        }
        out = it->get<int64_t>();
        return true;
    };
    std::string status;
    int64_t presses = 1;
    if (!str("id", r.id, true) || !num("seq", r.seq, true) || !str("terminal_id", r.terminalId, true) ||
        !str("questionnaire_id", r.questionnaireId, true) ||
        !str("questionnaire_version", r.questionnaireVersion, true) || !str("service", r.service, false) ||
        !str("channel", r.channel, true) || !str("language", r.language, true) ||
        !num("started_at_ms", r.startedAtMs, true) || !num("completed_at_ms", r.completedAtMs, true) ||
        !num("started_mono_ms", r.startedMonoMs, false) || !num("completed_mono_ms", r.completedMonoMs, false) ||
        !str("boot_id", r.bootId, false) || !str("status", status, true) || !num("presses", presses, false))
        return std::nullopt;
    if (status == "complete") r.status = ResponseStatus::Complete;
    else if (status == "partial") r.status = ResponseStatus::Partial;
    else {
        error = "\"status\" must be \"complete\" or \"partial\"";
        return std::nullopt;
    }
    if (r.channel != "touch" && r.channel != "qr") {
        error = "\"channel\" must be \"touch\" or \"qr\"";
        return std::nullopt;
    }
    if (presses < 1 || presses > 1000000) {
        error = "\"presses\" must be a positive count";
        return std::nullopt;
    }
    r.presses = static_cast<int>(presses);
    if (auto offsetField = j.find("clock_offset_ms"); offsetField != j.end() && !offsetField->is_null()) {
        int64_t offset = 0;
        if (!num("clock_offset_ms", offset, true)) return std::nullopt;
        if (offset > kMaxClockOffsetMs || offset < -kMaxClockOffsetMs) {
            error = "\"clock_offset_ms\" is beyond any clock error (more than 10^15 ms)";
            return std::nullopt;
        }
        r.clockOffsetMs = offset;
    }
    if (auto flags = j.find("flags"); flags != j.end()) {
        if (!flags->is_array()) {
            error = "\"flags\" must be a list";
            return std::nullopt;
        }
        for (const auto& f : *flags) {
            if (!f.is_string()) {
                error = "\"flags\" must hold strings";
                return std::nullopt;
            }
            const auto& name = f.get_ref<const std::string&>();
            if (name == "repeated") r.repeated = true;
            else if (name == "clock_suspect") r.clockSuspect = true;
            else if (name == "large_text") r.largeText = true;
            // unknown flags from newer terminals are kept out of the struct but not an error
        }
    }
    auto answers = j.find("answers");
    if (answers == j.end() || !answers->is_object()) {
        error = "\"answers\" must be an object of question id -> answer";
        return std::nullopt;
    }
    for (const auto& [question, value] : answers->items()) {
        auto a = answerFromJson(value);
        if (!a) {
            error = "answer \"" + question + "\" must be a rating 1-5, a list of option ids or a text";
            return std::nullopt;
        }
        r.answers[question] = std::move(*a);
    }
    return r;
}

}  // namespace otklik
