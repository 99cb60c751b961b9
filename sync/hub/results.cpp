// Sums stored responses for the results page. Each row is parsed once and counted in four
// groups (everything, its service, its centre, its centre's service); labels and the order of
// questions come from the questionnaire when there is one, else from the ids in the data.
#include "sync/hub/results.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace otklik::hub {

using nlohmann::json;

std::string readableId(const std::string& id) {
    std::string out;
    for (char c : id) out += (c == '_' || c == '-') ? ' ' : c;
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = char(out[0] - 'a' + 'A');
    return out;
}

double ScaleStats::share(int rating) const {
    if (rating < 1 || rating > 5 || answered == 0) return 0.0;
    return double(distribution[size_t(rating - 1)]) / double(answered);
}

namespace {

struct ScaleAcc {
    int64_t answered = 0;
    int64_t sum = 0;
    std::array<int64_t, 5> distribution{};

    void add(int rating) {
        ++answered;
        sum += rating;
        ++distribution[size_t(rating - 1)];
    }
};

struct ChoiceAcc {
    int64_t answered = 0;
    std::map<std::string, int64_t> picked;
};

struct Acc {
    int64_t responses = 0, partial = 0, touch = 0, qr = 0;
    int64_t repeated = 0, largeText = 0, clockSuspect = 0, comments = 0;
    std::optional<int64_t> first, last;
    ScaleAcc main;
    std::map<std::string, ScaleAcc> scales;
    std::map<std::string, ChoiceAcc> choices;
};

// What one row contributes, read from its body once.
struct ParsedRow {
    std::string id;
    std::string continues;  // a phone answer continuing this terminal response ("" = none)
    std::string centre;
    std::string service;
    std::string terminalId;
    bool partial = false;
    std::string channel;
    int64_t completedAtMs = 0;
    int mainRating = 0;
    std::vector<std::pair<std::string, int>> ratings;
    std::vector<std::pair<std::string, std::set<std::string>>> choices;
    std::string comment;
    bool repeated = false, largeText = false, clockSuspect = false;
};

struct CentreAcc {
    Acc total;
    std::map<std::string, Acc> services;
    std::vector<CommentItem> comments;
};

void keepNewest(std::vector<CommentItem>& comments, size_t limit) {
    std::stable_sort(comments.begin(), comments.end(),
                     [](const CommentItem& a, const CommentItem& b) { return a.completedAtMs > b.completedAtMs; });
    if (comments.size() > limit) comments.resize(limit);
}

}  // namespace

struct ResultsBuilder::Impl {
    ResultsOptions options;
    std::string mainId = "overall";
    std::string mainLabel;
    std::set<std::string> serviceQuestions = {"service"};
    std::vector<std::string> scaleOrder;
    std::vector<std::string> choiceOrder;
    std::map<std::string, std::string> questionLabels;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> optionLabels;  // question -> (option id, label)
    std::vector<std::pair<std::string, std::string>> services;                        // (id, label) in file order
    std::string questionnaireId, questionnaireVersion;

    Acc total;
    std::map<std::string, Acc> serviceGroups;
    std::map<std::string, CentreAcc> centres;
    std::map<std::string, int64_t> perTerminal;
    int64_t unreadable = 0;
    // A visitor who went on on the phone is one response (docs/hub.md, "Continuations"): the
    // terminal's partial responses and the phone's continuations wait until finish(), so the
    // order rows arrive in does not matter. Partial responses are a small share of a period.
    std::map<std::string, ParsedRow> heldPartials;                  // by id
    std::map<std::string, std::vector<ParsedRow>> heldContinuations;  // by the id they continue

    // Counts one response everywhere it belongs.
    void count(const ParsedRow& p) {
        addTo(total, p);
        addTo(serviceGroups[p.service], p);
        CentreAcc& centre = centres[p.centre];
        addTo(centre.total, p);
        addTo(centre.services[p.service], p);
        ++perTerminal[p.terminalId];
        if (!p.comment.empty()) {
            centre.comments.push_back({p.comment, p.terminalId, serviceLabel(p.service), p.mainRating, p.completedAtMs});
            // Trim now and then, so a busy period does not keep every comment in memory.
            if (centre.comments.size() >= size_t(4 * kRecentComments)) keepNewest(centre.comments, kRecentComments);
        }
    }

    // The terminal's part with the phone's on top: per question (and for the service) the
    // phone's answer wins, the terminal's fills the rest; finished on the phone, so its status
    // and channel qr.
    static ParsedRow merged(ParsedRow terminal, const ParsedRow& phone) {
        if (phone.mainRating) terminal.mainRating = phone.mainRating;
        auto overlay = [](auto& mine, const auto& theirs) {
            for (const auto& answer : theirs) {
                auto same = std::find_if(mine.begin(), mine.end(), [&](const auto& a) { return a.first == answer.first; });
                if (same != mine.end()) *same = answer;
                else mine.push_back(answer);
            }
        };
        overlay(terminal.ratings, phone.ratings);
        overlay(terminal.choices, phone.choices);
        if (!phone.comment.empty()) terminal.comment = phone.comment;
        if (!phone.service.empty()) terminal.service = phone.service;
        terminal.partial = phone.partial;
        terminal.channel = "qr";
        terminal.completedAtMs = std::max(terminal.completedAtMs, phone.completedAtMs);
        terminal.largeText = terminal.largeText || phone.largeText;
        return terminal;
    }

    // Counts what add() held back: each continued partial once with its phone answers (later
    // phone answers over earlier ones); a continuation whose terminal part is not among them
    // (complete, outside the period, not delivered yet) on its own.
    void countHeld() {
        for (auto& [id, partial] : heldPartials) {
            ParsedRow p = partial;
            if (auto phones = heldContinuations.find(id); phones != heldContinuations.end()) {
                std::stable_sort(phones->second.begin(), phones->second.end(),
                                 [](const ParsedRow& a, const ParsedRow& b) { return a.completedAtMs < b.completedAtMs; });
                for (const auto& phone : phones->second) p = merged(std::move(p), phone);
                heldContinuations.erase(phones);
            }
            count(p);
        }
        for (const auto& [id, phones] : heldContinuations)
            for (const auto& phone : phones) count(phone);
        heldPartials.clear();
        heldContinuations.clear();
    }

    std::string label(const LocalizedText& text, const std::vector<std::string>& languages, const std::string& fallback) const {
        if (auto it = text.find(options.language); it != text.end() && !it->second.empty()) return it->second;
        for (const auto& language : languages)
            if (auto it = text.find(language); it != text.end() && !it->second.empty()) return it->second;
        if (!text.empty() && !text.begin()->second.empty()) return text.begin()->second;
        return fallback;
    }

    std::string serviceLabel(const std::string& id) const {
        if (id.empty()) return kServiceNotNamed;
        for (const auto& [sid, text] : services)
            if (sid == id) return text;
        return id;
    }

    std::string questionLabel(const std::string& id) const {
        auto it = questionLabels.find(id);
        return it == questionLabels.end() ? id : it->second;
    }

    std::optional<ParsedRow> parse(const StoredRow& row) const {
        json body = json::parse(row.body, nullptr, /*allow_exceptions=*/false);
        if (body.is_discarded() || !body.is_object()) return std::nullopt;
        ParsedRow p;
        p.id = row.id;
        if (auto c = body.find("continues"); c != body.end() && c->is_string()) p.continues = c->get<std::string>();
        p.centre = row.centre;
        p.service = row.service;
        p.terminalId = row.terminalId;
        p.partial = row.status == "partial";
        p.channel = row.channel;
        p.completedAtMs = row.completedAtMs;
        if (auto flags = body.find("flags"); flags != body.end() && flags->is_array()) {
            for (const auto& f : *flags) {
                if (!f.is_string()) continue;
                const auto& name = f.get_ref<const std::string&>();
                if (name == "repeated") p.repeated = true;
                else if (name == "large_text") p.largeText = true;
                else if (name == "clock_suspect") p.clockSuspect = true;
            }
        }
        std::string joinedText;
        if (auto answers = body.find("answers"); answers != body.end() && answers->is_object()) {
            for (const auto& [question, value] : answers->items()) {
                if (value.is_number_integer()) {
                    // Ratings are 1..5 (the API checks); anything else is not counted rather than trusted.
                    int64_t v = value.is_number_unsigned() ? (value.get<uint64_t>() > 5 ? 0 : int64_t(value.get<uint64_t>()))
                                                           : value.get<int64_t>();
                    if (v < 1 || v > 5) continue;
                    if (question == mainId) p.mainRating = int(v);
                    else p.ratings.emplace_back(question, int(v));
                } else if (value.is_array()) {
                    if (serviceQuestions.count(question)) continue;  // the service is the row's, counted as a group
                    std::set<std::string> picked;
                    for (const auto& o : value)
                        if (o.is_string()) picked.insert(o.get<std::string>());
                    if (!picked.empty()) p.choices.emplace_back(question, std::move(picked));
                } else if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
                    if (!joinedText.empty()) joinedText += "\n";
                    joinedText += value.get<std::string>();
                }
            }
        }
        if (auto c = body.find("comment"); c != body.end() && c->is_string()) p.comment = c->get<std::string>();
        else p.comment = joinedText;
        return p;
    }

    static void addTo(Acc& g, const ParsedRow& p) {
        ++g.responses;
        if (p.partial) ++g.partial;
        if (p.channel == "qr") ++g.qr;
        else if (p.channel == "touch") ++g.touch;
        if (p.repeated) ++g.repeated;
        if (p.largeText) ++g.largeText;
        if (p.clockSuspect) ++g.clockSuspect;
        if (!p.comment.empty()) ++g.comments;
        if (!g.first || p.completedAtMs < *g.first) g.first = p.completedAtMs;
        if (!g.last || p.completedAtMs > *g.last) g.last = p.completedAtMs;
        if (p.mainRating) g.main.add(p.mainRating);
        for (const auto& [id, rating] : p.ratings) g.scales[id].add(rating);
        for (const auto& [id, picked] : p.choices) {
            auto& c = g.choices[id];
            ++c.answered;
            for (const auto& option : picked) ++c.picked[option];
        }
    }

    ScaleStats scale(const std::string& id, const ScaleAcc* acc) const {
        ScaleStats s;
        s.id = id;
        s.name = readableId(id);
        s.label = id == mainId && !mainLabel.empty() ? mainLabel : questionLabel(id);
        if (acc) {
            s.answered = acc->answered;
            s.sum = acc->sum;
            s.distribution = acc->distribution;
        }
        return s;
    }

    GroupResults finishGroup(const Acc& g, const std::string& key, const std::string& label) const {
        GroupResults r;
        r.key = key;
        r.label = label;
        r.responses = g.responses;
        r.partial = g.partial;
        r.touch = g.touch;
        r.qr = g.qr;
        r.repeated = g.repeated;
        r.largeText = g.largeText;
        r.clockSuspect = g.clockSuspect;
        r.comments = g.comments;
        r.firstCompletedMs = g.first;
        r.lastCompletedMs = g.last;
        r.main = scale(mainId, &g.main);

        // Criteria: the questionnaire's in its order (even when unanswered here, so tables of
        // different groups line up), then ids only the data has.
        for (const auto& id : scaleOrder) {
            auto it = g.scales.find(id);
            r.criteria.push_back(scale(id, it == g.scales.end() ? nullptr : &it->second));
        }
        for (const auto& [id, acc] : g.scales)
            if (std::find(scaleOrder.begin(), scaleOrder.end(), id) == scaleOrder.end()) r.criteria.push_back(scale(id, &acc));

        std::vector<std::string> choiceIds = choiceOrder;
        for (const auto& [id, acc] : g.choices)
            if (std::find(choiceIds.begin(), choiceIds.end(), id) == choiceIds.end()) choiceIds.push_back(id);
        for (const auto& id : choiceIds) {
            ChoiceStats c;
            c.id = id;
            c.name = readableId(id);
            c.label = questionLabel(id);
            auto acc = g.choices.find(id);
            const ChoiceAcc empty;
            const ChoiceAcc& a = acc == g.choices.end() ? empty : acc->second;
            c.answered = a.answered;
            std::set<std::string> seen;
            if (auto known = optionLabels.find(id); known != optionLabels.end()) {
                for (const auto& [oid, olabel] : known->second) {
                    auto n = a.picked.find(oid);
                    c.options.push_back({oid, olabel, n == a.picked.end() ? 0 : n->second, 0.0});
                    seen.insert(oid);
                }
            }
            for (const auto& [oid, n] : a.picked)
                if (!seen.count(oid)) c.options.push_back({oid, oid, n, 0.0});
            for (auto& o : c.options) o.share = g.responses ? double(o.picked) / double(g.responses) : 0.0;
            std::stable_sort(c.options.begin(), c.options.end(),
                             [](const OptionShare& x, const OptionShare& y) { return x.picked > y.picked; });
            r.choices.push_back(std::move(c));
        }
        return r;
    }

    std::vector<GroupResults> finishServices(const std::map<std::string, Acc>& groups, bool withUnused) const {
        std::vector<GroupResults> out;
        for (const auto& [id, acc] : groups) out.push_back(finishGroup(acc, id, serviceLabel(id)));
        if (withUnused) {
            // A service nobody rated is a finding (coverage), so the questionnaire's list is shown whole.
            const Acc none;
            for (const auto& [id, text] : services)
                if (!groups.count(id)) out.push_back(finishGroup(none, id, text));
        }
        std::stable_sort(out.begin(), out.end(), [](const GroupResults& a, const GroupResults& b) {
            bool aNamed = !a.key.empty(), bNamed = !b.key.empty();
            if (aNamed != bNamed) return aNamed;  // "not named" last
            if (a.responses != b.responses) return a.responses > b.responses;
            return a.label < b.label;
        });
        return out;
    }
};

ResultsBuilder::ResultsBuilder(const ResultsOptions& options) : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.options = options;
    m.options.questionnaire = nullptr;  // not kept: everything needed is copied below
    const Questionnaire* q = options.questionnaire;
    if (!q) return;
    m.questionnaireId = q->id;
    m.questionnaireVersion = q->version;
    m.mainId = q->main.id;
    m.mainLabel = m.label(q->main.text, q->languages, q->main.id);
    m.serviceQuestions.clear();
    for (const auto& s : q->services) m.services.emplace_back(s.id, m.label(s.label, q->languages, s.id));
    for (const auto& question : q->questions) {
        m.questionLabels[question.id] = m.label(question.text, q->languages, question.id);
        switch (question.type) {
            case QuestionType::Faces:
            case QuestionType::Stars:
                m.scaleOrder.push_back(question.id);
                break;
            case QuestionType::Service:
                m.serviceQuestions.insert(question.id);
                break;
            case QuestionType::Single:
            case QuestionType::Multi: {
                m.choiceOrder.push_back(question.id);
                auto& opts = m.optionLabels[question.id];
                for (const auto& o : question.options) opts.emplace_back(o.id, m.label(o.label, q->languages, o.id));
                break;
            }
            case QuestionType::YesNo:
                m.choiceOrder.push_back(question.id);
                m.optionLabels[question.id] = {{"yes", "Yes"}, {"no", "No"}};
                break;
            case QuestionType::Text:
                break;
        }
    }
}

ResultsBuilder::~ResultsBuilder() = default;
ResultsBuilder::ResultsBuilder(ResultsBuilder&&) noexcept = default;
ResultsBuilder& ResultsBuilder::operator=(ResultsBuilder&&) noexcept = default;

void ResultsBuilder::add(const StoredRow& row) {
    Impl& m = *impl_;
    auto parsed = m.parse(row);
    if (!parsed) {
        ++m.unreadable;
        return;
    }
    if (!parsed->continues.empty()) m.heldContinuations[parsed->continues].push_back(std::move(*parsed));
    else if (parsed->partial && parsed->channel != "qr") m.heldPartials.emplace(parsed->id, std::move(*parsed));
    else m.count(*parsed);
}

Results ResultsBuilder::finish(const std::vector<Terminal>& terminals, const MissingSeqs& missingSeqs) {
    impl_->countHeld();
    const Impl& m = *impl_;
    Results r;
    r.sinceMs = m.options.sinceMs;
    r.nowMs = m.options.nowMs;
    r.centreFilter = m.options.centreFilter;
    r.questionnaireId = m.questionnaireId;
    r.questionnaireVersion = m.questionnaireVersion;
    r.unreadable = m.unreadable;
    r.total = m.finishGroup(m.total, "", "All responses");
    r.services = m.finishServices(m.serviceGroups, /*withUnused=*/true);

    std::map<std::string, int> terminalsPerCentre;
    for (const auto& t : terminals) {
        if (!m.options.centreFilter.empty() && t.centre != m.options.centreFilter) continue;
        ++terminalsPerCentre[t.centre];
        TerminalHealth h;
        h.id = t.id;
        h.centre = t.centre;
        h.lastSeenMs = t.lastSeenMs;
        if (t.lastSeenMs) h.lastSeenAgeMs = std::max<int64_t>(0, m.options.nowMs - *t.lastSeenMs);
        h.reportedUnsent = t.reportedUnsent;
        h.reportedOldestUnsentS = t.reportedOldestUnsentS;
        h.freeDiskBytes = t.reportedFreeDiskBytes;
        h.highWaterSeq = t.highWaterSeq;
        h.maxSeq = t.maxSeq;
        if (t.maxSeq > t.highWaterSeq) {
            std::vector<int64_t> missing = missingSeqs ? missingSeqs(t.id) : std::vector<int64_t>{};
            if (missing.empty()) {
                // The store says seqs above the high-water mark exist, so highWaterSeq + 1 is missing at least.
                missing = {t.highWaterSeq + 1};
                h.gapCountIsLowerBound = true;
            }
            h.gapCount = int64_t(missing.size());
            if (missing.size() > size_t(kMissingListLimit)) {
                h.gapCountIsLowerBound = true;
                missing.resize(size_t(kMissingListLimit));
            }
            h.missing = std::move(missing);
        }
        h.revoked = t.revokedAtMs.has_value();
        h.revokedAtMs = t.revokedAtMs;
        h.clockOffsetMs = t.clockOffsetMs;
        h.version = t.version;
        h.configError = t.configError;
        if (auto it = m.perTerminal.find(t.id); it != m.perTerminal.end()) h.responsesInPeriod = it->second;
        r.terminals.push_back(std::move(h));
    }
    std::sort(r.terminals.begin(), r.terminals.end(), [](const TerminalHealth& a, const TerminalHealth& b) {
        return a.centre != b.centre ? a.centre < b.centre : a.id < b.id;
    });

    std::set<std::string> centreNames;
    for (const auto& [name, acc] : m.centres) centreNames.insert(name);
    for (const auto& [name, n] : terminalsPerCentre) centreNames.insert(name);
    const CentreAcc none;
    for (const auto& name : centreNames) {
        auto it = m.centres.find(name);
        const CentreAcc& c = it == m.centres.end() ? none : it->second;
        CentreResults out;
        out.total = m.finishGroup(c.total, name, name);
        out.services = m.finishServices(c.services, /*withUnused=*/false);
        out.comments = c.comments;
        keepNewest(out.comments, kRecentComments);
        if (auto n = terminalsPerCentre.find(name); n != terminalsPerCentre.end()) out.terminals = n->second;
        r.centres.push_back(std::move(out));
    }
    return r;
}

Results aggregateResults(const std::vector<StoredRow>& rows, const std::vector<Terminal>& terminals,
                         const MissingSeqs& missingSeqs, const ResultsOptions& options) {
    ResultsBuilder builder(options);
    for (const auto& row : rows) builder.add(row);
    return builder.finish(terminals, missingSeqs);
}

}  // namespace otklik::hub
