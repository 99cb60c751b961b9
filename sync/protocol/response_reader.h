// Reads a response out of any JSON document model through a small view, so that the terminal
// (nlohmann) and the hub's fast batch path (simdjson, sync/hub/batch_reader.cpp) share one set
// of field rules and one set of error sentences. responseFromJson (response.h) is this over
// nlohmann::json.
//
// A View is a cheap value that offers:
//   bool isObject(), isArray(), isString(), isNull(), isInteger() const;
//   std::optional<int64_t> toInt64() const;   // an integer that fits in int64, else nullopt
//   std::string toString() const;             // only called when isString()
//   std::optional<View> field(std::string_view key) const;  // the last of repeated keys
//   template <class F> bool eachElement(F f) const;  // arrays, in order; f(View) -> false stops
//   template <class F> bool eachMember(F f) const;   // objects, in key order (byte-wise);
//                                                    // f(const std::string& key, View) -> false stops
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sync/protocol/response.h"

namespace otklik::response_reader {

template <class View>
std::optional<Answer> readAnswer(const View& v) {
    Answer a;
    if (v.isInteger()) {
        // Range-check before narrowing: 4294967297 must not turn into a valid 1.
        auto n = v.toInt64();
        if (!n || *n < 1 || *n > 5) return std::nullopt;
        a.rating = static_cast<int>(*n);
    } else if (v.isArray()) {
        bool allText = v.eachElement([&](const View& s) {
            if (!s.isString()) return false;
            a.selected.push_back(s.toString());
            return true;
        });
        if (!allText) return std::nullopt;
    } else if (v.isString()) {
        a.text = v.toString();
    } else {
        return std::nullopt;
    }
    return a;
}

template <class View>
std::optional<Response> readResponse(const View& j, std::string& error) {
    if (!j.isObject()) {
        error = "a response must be a JSON object";
        return std::nullopt;
    }
    Response r;
    auto str = [&](const char* key, std::string& out, bool required) {
        auto field = j.field(key);
        if (!field) {
            if (required) error = std::string("\"") + key + "\" is missing";
            return !required;
        }
        if (!field->isString()) {
            error = std::string("\"") + key + "\" must be a string";
            return false;
        }
        out = field->toString();
        return true;
    };
    auto num = [&](const char* key, int64_t& out, bool required) {
        auto field = j.field(key);
        if (!field) {
            if (required) error = std::string("\"") + key + "\" is missing";
            return !required;
        }
        // Unsigned values past INT64_MAX would wrap round to negative ones.
        auto value = field->toInt64();
        if (!value) {
            error = std::string("\"") + key + "\" must be an integer";
            return false;
        }
        out = *value;
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
    if (auto offsetField = j.field("clock_offset_ms"); offsetField && !offsetField->isNull()) {
        int64_t offset = 0;
        if (!num("clock_offset_ms", offset, true)) return std::nullopt;
        if (offset > kMaxClockOffsetMs || offset < -kMaxClockOffsetMs) {
            error = "\"clock_offset_ms\" is beyond any clock error (more than 10^15 ms)";
            return std::nullopt;
        }
        r.clockOffsetMs = offset;
    }
    if (auto flags = j.field("flags")) {
        if (!flags->isArray()) {
            error = "\"flags\" must be a list";
            return std::nullopt;
        }
        bool allText = flags->eachElement([&](const View& f) {
            if (!f.isString()) return false;
            std::string name = f.toString();
            if (name == "repeated") r.repeated = true;
            else if (name == "clock_suspect") r.clockSuspect = true;
            else if (name == "large_text") r.largeText = true;
            // unknown flags from newer terminals are kept out of the struct but not an error
            return true;
        });
        if (!allText) {
            error = "\"flags\" must hold strings";
            return std::nullopt;
        }
    }
    auto answers = j.field("answers");
    if (!answers || !answers->isObject()) {
        error = "\"answers\" must be an object of question id -> answer";
        return std::nullopt;
    }
    bool answersRead = answers->eachMember([&](const std::string& question, const View& value) {
        auto a = readAnswer(value);
        if (!a) {
            error = "answer \"" + question + "\" must be a rating 1-5, a list of option ids or a text";
            return false;
        }
        r.answers[question] = std::move(*a);
        return true;
    });
    if (!answersRead) return std::nullopt;
    return r;
}

}  // namespace otklik::response_reader
