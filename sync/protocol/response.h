// One visitor's response as stored on the terminal and sent to the hub: answers keyed by
// question id, when and where it was given, and flags that explain oddities instead of
// hiding them. JSON form documented in docs/questionnaire.md ("Responses").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace otklik {

struct Answer {
    int rating = 0;                     // faces / stars: 1..5; 0 = none
    std::vector<std::string> selected;  // single / multi / yesno / service: option ids
    std::string text;                   // text questions

    [[nodiscard]] bool empty() const { return rating == 0 && selected.empty() && text.empty(); }
    bool operator==(const Answer&) const = default;
};

using Answers = std::map<std::string, Answer>;  // question id -> answer

enum class ResponseStatus { Complete, Partial };

struct Response {
    std::string id;                   // UUID v7, made when the visitor's first tap lands
    int64_t seq = 0;                  // gap-free per terminal; 0 until the store assigns it
    std::string terminalId;
    std::string questionnaireId;
    std::string questionnaireVersion;
    std::string service;              // the service the visitor named, if any
    std::string channel = "touch";    // "touch" or "qr"
    std::string language;             // language in use when the response ended
    int64_t startedAtMs = 0;          // wall clock, Unix milliseconds
    int64_t completedAtMs = 0;
    int64_t startedMonoMs = 0;        // monotonic clock since boot, for ordering when the wall clock jumps
    int64_t completedMonoMs = 0;
    std::string bootId;
    Answers answers;
    ResponseStatus status = ResponseStatus::Complete;
    int presses = 1;                  // taps on the main faces folded into this response
    bool repeated = false;            // presses > 1 within the repeat interval
    bool clockSuspect = false;        // wall clock known to be far off when answered
    bool largeText = false;           // visitor switched to the large high-contrast mode
    // Hub clock minus terminal clock as the terminal knew it when the response was completed
    // (completedAtMs + this = the hub's time); nullopt when it was not known yet.
    std::optional<int64_t> clockOffsetMs;

    // Text answers joined, for listing and search.
    [[nodiscard]] std::string comment() const;
    bool operator==(const Response&) const = default;
};

const char* toString(ResponseStatus status);

nlohmann::json toJson(const Response& response);
// The "answers" and "flags" members of toJson on their own (the outbox stores them as columns).
nlohmann::json answersToJson(const Answers& answers);
nlohmann::json flagsToJson(const Response& response);
// Inverse of toJson; nullopt with `error` set when a field is missing or mistyped.
std::optional<Response> responseFromJson(const nlohmann::json& j, std::string& error);

// ISO 8601 UTC with milliseconds ("2026-11-22T07:45:23.120Z").
std::string formatUtc(int64_t unixMs);

// A clock offset larger than this (about 31,700 years) is refused as nonsense; it also keeps
// completed_at + offset far from overflowing.
constexpr int64_t kMaxClockOffsetMs = 1'000'000'000'000'000;

}  // namespace otklik
