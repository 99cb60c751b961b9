// The numbers behind the results page: stored responses summed per centre and per service
// (main rating, the criteria, reasons, channels, partial responses) and the health of every
// terminal (last seen, backlog, gaps in its sequence). Pure C++ over StoredRow / Terminal, so
// it is tested without a store and the same numbers can feed other reports.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sync/hub/hub_store.h"
#include "sync/protocol/questionnaire.h"

namespace otklik::hub {

// Label of responses whose visitor named no service.
inline constexpr const char* kServiceNotNamed = "not named";
// How many missing seqs a terminal lists (its gap count is exact up to this many).
inline constexpr int kMissingListLimit = 20;
// How many recent comments each centre keeps for the page.
inline constexpr int kRecentComments = 10;

// A 1..5 question (the main one or a criterion) over a group of responses.
struct ScaleStats {
    std::string id;
    std::string name;                     // the id made readable: "waiting_time" -> "Waiting time"
    std::string label;                    // the question from the questionnaire; the id without one
    int64_t answered = 0;                 // responses with a rating for it
    int64_t sum = 0;
    std::array<int64_t, 5> distribution{};  // [0] = rating 1 … [4] = rating 5

    [[nodiscard]] double mean() const { return answered ? double(sum) / double(answered) : 0.0; }
    // Share (0..1) of the answered that gave `rating` (1..5).
    [[nodiscard]] double share(int rating) const;
    // Ratings 1-2 and 4-5 as shares (0..1) of the answered.
    [[nodiscard]] double lowShare() const { return answered ? double(distribution[0] + distribution[1]) / double(answered) : 0.0; }
    [[nodiscard]] double highShare() const { return answered ? double(distribution[3] + distribution[4]) / double(answered) : 0.0; }
};

struct OptionShare {
    std::string id;
    std::string label;
    int64_t picked = 0;  // responses that selected it
    double share = 0;    // picked / responses of the group (0..1)
};

// A choice question (multi: the reasons; single, yes/no) over a group of responses.
struct ChoiceStats {
    std::string id;
    std::string name;                  // the id made readable
    std::string label;                 // the question from the questionnaire; the id without one
    int64_t answered = 0;              // responses that picked anything
    std::vector<OptionShare> options;  // most picked first; ties in questionnaire order, then by id
};

// One group: everything, one centre, one service (in a centre or across centres).
struct GroupResults {
    std::string key;    // centre name, service id ("" = not named), or "" for everything
    std::string label;  // what to show: centre name, service label, kServiceNotNamed
    int64_t responses = 0;
    int64_t partial = 0;
    int64_t touch = 0;
    int64_t qr = 0;
    int64_t repeated = 0;    // flagged "repeated" (several face taps folded)
    int64_t largeText = 0;   // flagged "large_text"
    int64_t clockSuspect = 0;
    int64_t comments = 0;    // responses with a non-empty comment
    std::optional<int64_t> firstCompletedMs;
    std::optional<int64_t> lastCompletedMs;
    ScaleStats main;
    std::vector<ScaleStats> criteria;  // scale follow-ups in questionnaire order, then unknown ids
    std::vector<ChoiceStats> choices;  // choice follow-ups (the service question excluded)
};

struct CommentItem {
    std::string text;
    std::string terminalId;
    std::string service;  // label
    int rating = 0;       // main rating, 0 = none
    int64_t completedAtMs = 0;
};

struct TerminalHealth {
    std::string id;
    std::string centre;
    std::optional<int64_t> lastSeenMs;
    std::optional<int64_t> lastSeenAgeMs;    // now - lastSeenMs
    std::optional<int64_t> reportedUnsent;   // backlog from the last heartbeat
    std::optional<int64_t> reportedOldestUnsentS;
    std::optional<int64_t> freeDiskBytes;
    int64_t highWaterSeq = 0;                // 1..highWaterSeq all stored
    int64_t maxSeq = 0;
    int64_t gapCount = 0;                    // missing seqs below maxSeq (exact when !gapCountIsLowerBound)
    bool gapCountIsLowerBound = false;       // more missing than kMissingListLimit
    std::vector<int64_t> missing;            // the first kMissingListLimit missing seqs
    bool revoked = false;
    std::optional<int64_t> revokedAtMs;
    std::optional<int64_t> clockOffsetMs;    // hub minus terminal
    std::string version;
    std::string configError;
    int64_t responsesInPeriod = 0;

    [[nodiscard]] bool hasGaps() const { return gapCount > 0; }
};

struct CentreResults {
    GroupResults total;                 // key = label = centre name
    std::vector<GroupResults> services; // most responses first
    std::vector<CommentItem> comments;  // newest first, at most kRecentComments
    int terminals = 0;                  // registered terminals in this centre
};

struct Results {
    int64_t sinceMs = 0;
    int64_t nowMs = 0;
    std::string centreFilter;           // "" = all centres
    std::string questionnaireId;        // of the questionnaire used for labels, "" = none
    std::string questionnaireVersion;
    GroupResults total;
    std::vector<GroupResults> services; // across centres, most responses first
    std::vector<CentreResults> centres; // by name; centres with terminals but no responses included
    std::vector<TerminalHealth> terminals;  // by centre, then id
    int64_t unreadable = 0;             // rows whose body was not a response object (counted nowhere else)
};

// Missing seqs of a terminal between 1 and its maxSeq, ascending; the caller returns at most
// kMissingListLimit + 1 of them (HubStore::missingSeqs(id, kMissingListLimit + 1)), so the
// page can tell "21 or more". Called only for terminals with maxSeq > highWaterSeq.
using MissingSeqs = std::function<std::vector<int64_t>(const std::string& terminalId)>;

struct ResultsOptions {
    const Questionnaire* questionnaire = nullptr;  // labels, main question id, order; ids are shown without it
    std::string language = "en";                   // of the labels (falls back to the first language)
    int64_t sinceMs = 0;
    int64_t nowMs = 0;
    std::string centreFilter;                      // rows are filtered by the store; this limits terminals
};

// "waiting_time" -> "Waiting time": a short name for tables where the question is too long.
std::string readableId(const std::string& id);

// Accumulates rows one at a time (HubStore::exportRows streams them), then adds terminals.
class ResultsBuilder {
public:
    // The questionnaire in `options` is read here only (labels and order are copied).
    explicit ResultsBuilder(const ResultsOptions& options);
    ~ResultsBuilder();
    ResultsBuilder(ResultsBuilder&&) noexcept;
    ResultsBuilder& operator=(ResultsBuilder&&) noexcept;

    void add(const StoredRow& row);
    // The finished results. `missingSeqs` may be empty: a terminal with maxSeq > highWaterSeq
    // then shows one gap (highWaterSeq + 1) as a lower bound.
    // Counts the rows add() held back (partial terminal responses and phone continuations,
    // merged where they belong together), so call it once.
    [[nodiscard]] Results finish(const std::vector<Terminal>& terminals, const MissingSeqs& missingSeqs);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// All rows at once: ResultsBuilder over `rows`.
Results aggregateResults(const std::vector<StoredRow>& rows, const std::vector<Terminal>& terminals,
                         const MissingSeqs& missingSeqs, const ResultsOptions& options);

}  // namespace otklik::hub
