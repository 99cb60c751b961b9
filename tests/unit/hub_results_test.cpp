// The results page: numbers summed on a hand-made set of responses (means, distributions,
// reason shares, channels, gaps of terminals) and the HTML built from them, which must stay
// inert whatever a centre name, a terminal id or a visitor's comment holds.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "sync/hub/results.h"
#include "sync/hub/results_page.h"
#include "sync/protocol/questionnaire.h"

using namespace otklik;
using namespace otklik::hub;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795334400000;  // 2026-11-22T08:00:00Z
constexpr int64_t kMin = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMin;

Questionnaire defaultQuestionnaire() {
    auto load = loadQuestionnaire(std::string(OTKLIK_SOURCE_DIR) + "/assets/questionnaires/default.json");
    EXPECT_TRUE(load.problems.empty());
    return *load.questionnaire;
}

// A row described by what differs from a default one: R().seq(2).service("documents")…
struct R {
    std::string terminal_ = "t1";
    std::string centre_ = "МФЦ Владивосток";
    int64_t seq_ = 1;
    std::string service_;
    std::string channel_ = "touch";
    std::string status_ = "complete";
    int64_t completedAtMs_ = kNow - kDay;
    json answers_ = json::object();
    json flags_ = json::array();
    std::string continues_;

    R& terminal(std::string v) { terminal_ = std::move(v); return *this; }
    R& centre(std::string v) { centre_ = std::move(v); return *this; }
    R& seq(int64_t v) { seq_ = v; return *this; }
    R& service(std::string v) { service_ = std::move(v); return *this; }
    R& qr() { channel_ = "qr"; return *this; }
    R& partial() { status_ = "partial"; return *this; }
    R& completedAt(int64_t v) { completedAtMs_ = v; return *this; }
    R& answers(json v) { answers_ = std::move(v); return *this; }
    R& flags(json v) { flags_ = std::move(v); return *this; }
    R& continues(std::string id) { continues_ = std::move(id); channel_ = "qr"; return *this; }
};

StoredRow row(const R& spec) {
    static int counter = 0;
    StoredRow r;
    r.id = "019ab1c2-0000-7000-8000-" + std::to_string(100000000000 + ++counter);
    r.terminalId = spec.terminal_;
    r.centre = spec.centre_;
    r.seq = spec.seq_;
    r.service = spec.service_;
    r.channel = spec.channel_;
    r.status = spec.status_;
    r.completedAtMs = spec.completedAtMs_;
    r.receivedAtMs = spec.completedAtMs_ + 1000;
    json body{{"id", r.id},          {"seq", spec.seq_},           {"terminal_id", spec.terminal_}, {"questionnaire_id", "default"},
              {"questionnaire_version", "2026-11-22.1"},       {"service", spec.service_},      {"channel", spec.channel_},
              {"language", "ru"},    {"started_at_ms", spec.completedAtMs_ - 20000},           {"completed_at_ms", spec.completedAtMs_},
              {"status", spec.status_},  {"presses", 1},           {"flags", spec.flags_},          {"answers", spec.answers_}};
    std::string comment;
    for (const auto& [k, v] : spec.answers_.items())
        if (v.is_string()) comment += (comment.empty() ? "" : "\n") + v.get<std::string>();
    body["comment"] = comment;
    if (!spec.continues_.empty()) body["continues"] = spec.continues_;
    r.body = body.dump();
    return r;
}

// Centre A (Владивосток): five responses; centre B (Київ): two.
std::vector<StoredRow> handMadeSet() {
    std::vector<StoredRow> rows;
    rows.push_back(row(R().seq(1).service("job_search").answers(
        {{"overall", 5}, {"service", {"job_search"}}, {"waiting_time", 4}, {"staff", 5}})));
    rows.push_back(row(R().seq(2).service("job_search").answers({{"overall", 4}, {"service", {"job_search"}}, {"waiting_time", 2}})));
    rows.push_back(row(R().seq(3).service("documents").qr().flags({"repeated"}).answers(
        {{"overall", 1}, {"service", {"documents"}}, {"waiting_time", 1}, {"reasons", {"waited_long", "no_seats"}},
         {"comment", "Долго, негде сесть"}})));
    rows.push_back(row(R().seq(4).partial().answers({{"overall", 2}, {"reasons", {"no_seats"}}})));
    rows.push_back(row(R().seq(6).partial()));  // walked away before rating
    rows.push_back(row(R().terminal("kyiv-1").centre("ЦНАП Київ").seq(1).service("documents").qr().flags({"large_text"}).answers(
        {{"overall", 3}, {"premises", 3}, {"reasons", {"temperature"}}})));
    rows.push_back(row(R().terminal("kyiv-1").centre("ЦНАП Київ").seq(2).service("documents").answers({{"overall", 5}, {"premises", 5}})));
    return rows;
}

std::vector<Terminal> handMadeTerminals() {
    Terminal a;
    a.id = "t1";
    a.centre = "МФЦ Владивосток";
    a.lastSeenMs = kNow - 3 * kMin;
    a.clockOffsetMs = 1500;
    a.highWaterSeq = 4;
    a.maxSeq = 6;
    a.reportedUnsent = 2;
    a.reportedOldestUnsentS = 120;
    a.version = "0.1.0";
    Terminal b;
    b.id = "kyiv-1";
    b.centre = "ЦНАП Київ";
    b.lastSeenMs = kNow - 2 * kDay;
    b.highWaterSeq = 2;
    b.maxSeq = 2;
    b.revokedAtMs = kNow - kDay;
    Terminal c;
    c.id = "quiet-1";
    c.centre = "Школа № 42";
    return {a, b, c};
}

ResultsOptions options(int64_t nowMs, int64_t sinceMs = 0) {
    ResultsOptions o;
    o.nowMs = nowMs;
    o.sinceMs = sinceMs;
    return o;
}

const GroupResults* findGroup(const std::vector<GroupResults>& groups, const std::string& key) {
    for (const auto& g : groups)
        if (g.key == key) return &g;
    return nullptr;
}

const CentreResults* findCentre(const Results& r, const std::string& name) {
    for (const auto& c : r.centres)
        if (c.total.key == name) return &c;
    return nullptr;
}

const ScaleStats* findScale(const GroupResults& g, const std::string& id) {
    for (const auto& s : g.criteria)
        if (s.id == id) return &s;
    return nullptr;
}

Results aggregateHandMade(const Questionnaire* q, std::vector<std::string>* asked = nullptr) {
    ResultsOptions options;
    options.questionnaire = q;
    options.sinceMs = kNow - 30 * kDay;
    options.nowMs = kNow;
    auto missing = [asked](const std::string& id) {
        if (asked) asked->push_back(id);
        return id == "t1" ? std::vector<int64_t>{5} : std::vector<int64_t>{};
    };
    return aggregateResults(handMadeSet(), handMadeTerminals(), missing, options);
}

std::string base64Sha256(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    unsigned char out[64] = {};
    EVP_EncodeBlock(out, digest, int(length));
    return reinterpret_cast<char*>(out);
}

}  // namespace

TEST(HubResults, MainQuestionMeanAndDistribution) {
    Questionnaire q = defaultQuestionnaire();
    Results r = aggregateHandMade(&q);
    EXPECT_EQ(r.total.responses, 7);
    EXPECT_EQ(r.total.main.answered, 6);  // one partial response has no rating
    EXPECT_EQ(r.total.main.sum, 5 + 4 + 1 + 2 + 3 + 5);
    EXPECT_DOUBLE_EQ(r.total.main.mean(), 20.0 / 6.0);
    EXPECT_EQ(r.total.main.distribution, (std::array<int64_t, 5>{1, 1, 1, 1, 2}));
    EXPECT_DOUBLE_EQ(r.total.main.lowShare(), 2.0 / 6.0);
    EXPECT_DOUBLE_EQ(r.total.main.highShare(), 3.0 / 6.0);
    EXPECT_DOUBLE_EQ(r.total.main.share(5), 2.0 / 6.0);
    EXPECT_EQ(r.total.main.label, "How satisfied are you with the service today?");
    EXPECT_EQ(r.total.firstCompletedMs, kNow - kDay);
}

TEST(HubResults, PerCentreAndPerService) {
    Questionnaire q = defaultQuestionnaire();
    Results r = aggregateHandMade(&q);

    // Centres by name, including one that has a terminal but no responses.
    ASSERT_EQ(r.centres.size(), 3u);
    const CentreResults* vlad = findCentre(r, "МФЦ Владивосток");
    const CentreResults* kyiv = findCentre(r, "ЦНАП Київ");
    const CentreResults* school = findCentre(r, "Школа № 42");
    ASSERT_TRUE(vlad && kyiv && school);
    EXPECT_EQ(vlad->total.responses, 5);
    EXPECT_DOUBLE_EQ(vlad->total.main.mean(), 12.0 / 4.0);
    EXPECT_EQ(vlad->total.partial, 2);
    EXPECT_EQ(kyiv->total.responses, 2);
    EXPECT_DOUBLE_EQ(kyiv->total.main.mean(), 4.0);
    EXPECT_EQ(school->total.responses, 0);
    EXPECT_EQ(school->terminals, 1);

    // Services across centres: most responses first, "not named" last, unrated ones listed.
    ASSERT_GE(r.services.size(), 3u);
    EXPECT_EQ(r.services[0].key, "documents");
    EXPECT_EQ(r.services[0].label, "Documents");
    EXPECT_EQ(r.services[0].responses, 3);
    EXPECT_DOUBLE_EQ(r.services[0].main.mean(), 3.0);
    EXPECT_EQ(r.services[1].key, "job_search");
    EXPECT_EQ(r.services[1].main.distribution, (std::array<int64_t, 5>{0, 0, 0, 1, 1}));
    EXPECT_EQ(r.services.back().key, "");
    EXPECT_EQ(r.services.back().label, kServiceNotNamed);
    EXPECT_EQ(r.services.back().responses, 2);
    const GroupResults* meals = findGroup(r.services, "school_meals");
    ASSERT_TRUE(meals);
    EXPECT_EQ(meals->responses, 0);
    EXPECT_EQ(meals->label, "School meals");

    // A centre's services are only those rated there.
    ASSERT_EQ(kyiv->services.size(), 1u);
    EXPECT_EQ(kyiv->services[0].key, "documents");
    EXPECT_EQ(kyiv->services[0].qr, 1);
    EXPECT_EQ(vlad->services.size(), 3u);
}

TEST(HubResults, CriteriaMeansInQuestionnaireOrder) {
    Questionnaire q = defaultQuestionnaire();
    Results r = aggregateHandMade(&q);
    std::vector<std::string> ids;
    for (const auto& c : r.total.criteria) ids.push_back(c.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"waiting_time", "service_time", "staff", "premises", "information"}));

    const ScaleStats* waiting = findScale(r.total, "waiting_time");
    EXPECT_EQ(waiting->answered, 3);
    EXPECT_DOUBLE_EQ(waiting->mean(), (4 + 2 + 1) / 3.0);
    EXPECT_EQ(waiting->label, "Rate the waiting time");
    EXPECT_EQ(findScale(r.total, "service_time")->answered, 0);
    EXPECT_DOUBLE_EQ(findScale(r.total, "service_time")->mean(), 0.0);
    EXPECT_DOUBLE_EQ(findScale(r.total, "premises")->mean(), 4.0);
    // Kyiv answered premises only; its table still lists every criterion.
    const CentreResults* kyiv = findCentre(r, "ЦНАП Київ");
    EXPECT_EQ(kyiv->total.criteria.size(), 5u);
    EXPECT_EQ(findScale(kyiv->total, "premises")->distribution, (std::array<int64_t, 5>{0, 0, 1, 0, 1}));
}

TEST(HubResults, ReasonSharesOfAllResponses) {
    Questionnaire q = defaultQuestionnaire();
    Results r = aggregateHandMade(&q);
    ASSERT_EQ(r.total.choices.size(), 1u);
    const ChoiceStats& reasons = r.total.choices[0];
    EXPECT_EQ(reasons.id, "reasons");
    EXPECT_EQ(reasons.label, "What went wrong?");
    EXPECT_EQ(reasons.answered, 3);
    ASSERT_EQ(reasons.options.size(), 8u);  // every option listed, zeros included
    EXPECT_EQ(reasons.options[0].id, "no_seats");  // most picked first
    EXPECT_EQ(reasons.options[0].label, "No seats");
    EXPECT_EQ(reasons.options[0].picked, 2);
    EXPECT_DOUBLE_EQ(reasons.options[0].share, 2.0 / 7.0);
    // Ties keep the questionnaire's order.
    EXPECT_EQ(reasons.options[1].id, "waited_long");
    EXPECT_EQ(reasons.options[2].id, "temperature");
    EXPECT_DOUBLE_EQ(reasons.options[2].share, 1.0 / 7.0);
    EXPECT_EQ(reasons.options[3].picked, 0);

    const CentreResults* kyiv = findCentre(r, "ЦНАП Київ");
    EXPECT_DOUBLE_EQ(kyiv->total.choices[0].options[0].share, 0.5);
}

TEST(HubResults, ChannelsPartialAndFlags) {
    Results r = aggregateHandMade(nullptr);
    EXPECT_EQ(r.total.touch, 5);
    EXPECT_EQ(r.total.qr, 2);
    EXPECT_EQ(r.total.partial, 2);
    EXPECT_EQ(r.total.repeated, 1);
    EXPECT_EQ(r.total.largeText, 1);
    EXPECT_EQ(r.total.comments, 1);
}

// A visitor who began on the terminal and went on on the phone is one response: the phone's
// answers win per question, the terminal's fill the rest, whichever row arrives first.
TEST(HubResults, AContinuationOnThePhoneMergesWithTheTerminalsPartialResponse) {
    StoredRow terminal = row(R().seq(1).service("job_search").partial().answers(
        {{"overall", 2}, {"service", {"job_search"}}, {"waiting_time", 1}, {"staff", 3}}));
    StoredRow phone = row(R().seq(-1).continues(terminal.id).completedAt(kNow - kDay + 5 * kMin).answers(
        {{"overall", 4}, {"staff", 5}, {"comment", "Дописала с телефона"}}));
    for (bool phoneFirst : {false, true}) {
        SCOPED_TRACE(phoneFirst ? "phone row first" : "terminal row first");
        std::vector<StoredRow> rows = phoneFirst ? std::vector<StoredRow>{phone, terminal} : std::vector<StoredRow>{terminal, phone};
        rows.push_back(row(R().seq(2).service("documents").answers({{"overall", 5}})));
        Results r = aggregateResults(rows, handMadeTerminals(), {}, options(kNow));
        EXPECT_EQ(r.total.responses, 2) << "the continued visitor counts once";
        EXPECT_EQ(r.total.partial, 0) << "finished on the phone";
        EXPECT_EQ(r.total.qr, 1);
        EXPECT_EQ(r.total.main.answered, 2);
        EXPECT_EQ(r.total.main.sum, 4 + 5) << "the phone's rating wins";
        const ScaleStats* waiting = findScale(r.total, "waiting_time");
        ASSERT_NE(waiting, nullptr);
        EXPECT_EQ(waiting->sum, 1) << "the terminal's answer fills what the phone left out";
        const ScaleStats* staff = findScale(r.total, "staff");
        ASSERT_NE(staff, nullptr);
        EXPECT_EQ(staff->answered, 1);
        EXPECT_EQ(staff->sum, 5);
        const GroupResults* jobs = findGroup(r.services, "job_search");
        ASSERT_NE(jobs, nullptr) << "the terminal's service";
        EXPECT_EQ(jobs->responses, 1);
        const CentreResults* centre = findCentre(r, "МФЦ Владивосток");
        ASSERT_NE(centre, nullptr);
        ASSERT_EQ(centre->comments.size(), 1u);
        EXPECT_EQ(centre->comments[0].text, "Дописала с телефона");
    }
}

TEST(HubResults, ContinuationsWithoutTheirPartialCountOnTheirOwnAndPartialsStayPartial) {
    StoredRow complete = row(R().seq(1).answers({{"overall", 3}}));
    std::vector<StoredRow> rows = {
        complete,
        row(R().seq(-1).continues(complete.id).answers({{"overall", 5}})),      // the visitor also pressed Done
        row(R().seq(-2).continues("019ab1c2-0000-7000-8000-999999999999").answers({{"overall", 1}})),  // not in this period
        row(R().seq(2).partial().answers({{"overall", 2}})),                       // walked away, never went on
    };
    Results r = aggregateResults(rows, handMadeTerminals(), {}, options(kNow));
    EXPECT_EQ(r.total.responses, 4);
    EXPECT_EQ(r.total.partial, 1);
    EXPECT_EQ(r.total.qr, 2);
    EXPECT_EQ(r.total.main.sum, 3 + 5 + 1 + 2);
}

TEST(HubResults, WithoutQuestionnaireIdsAreLabels) {
    Results r = aggregateHandMade(nullptr);
    EXPECT_EQ(r.total.main.id, "overall");
    EXPECT_EQ(r.total.main.answered, 6);
    EXPECT_EQ(r.questionnaireId, "");
    std::set<std::string> criteria;
    for (const auto& c : r.total.criteria) {
        criteria.insert(c.id);
        EXPECT_EQ(c.label, c.id);
    }
    EXPECT_EQ(criteria, (std::set<std::string>{"premises", "staff", "waiting_time"}));
    ASSERT_EQ(r.total.choices.size(), 1u);  // "service" is the row's service, not a choice
    EXPECT_EQ(r.total.choices[0].options[0].label, "no_seats");
    EXPECT_EQ(r.services[0].label, "documents");
}

TEST(HubResults, MainQuestionIdComesFromTheQuestionnaire) {
    std::string text = R"({"format": 1, "id": "clinic", "version": "1", "languages": ["en"],
        "main": {"id": "visit", "text": {"en": "How was your visit?"}},
        "questions": [{"id": "overall", "type": "stars", "text": {"en": "Overall comfort"}}]})";
    auto load = parseQuestionnaire(text, "clinic.json");
    ASSERT_TRUE(load.problems.empty());
    ResultsOptions options;
    options.questionnaire = &*load.questionnaire;
    options.nowMs = kNow;
    Results r = aggregateResults({row(R().answers({{"visit", 2}, {"overall", 5}})), row(R().answers({{"visit", 4}}))}, {}, nullptr, options);
    EXPECT_EQ(r.total.main.id, "visit");
    EXPECT_DOUBLE_EQ(r.total.main.mean(), 3.0);
    ASSERT_EQ(r.total.criteria.size(), 1u);
    EXPECT_EQ(r.total.criteria[0].label, "Overall comfort");
    EXPECT_DOUBLE_EQ(r.total.criteria[0].mean(), 5.0);
    EXPECT_EQ(r.questionnaireId, "clinic");
}

TEST(HubResults, OutOfRangeRatingsAreNotCounted) {
    ResultsOptions options;
    options.nowMs = kNow;
    Results r = aggregateResults({row(R().answers({{"overall", 7}, {"staff", 0}, {"premises", -3}})),
                                  row(R().answers({{"overall", json(uint64_t(4294967297ull))}}))},
                                 {}, nullptr, options);
    EXPECT_EQ(r.total.responses, 2);
    EXPECT_EQ(r.total.main.answered, 0);
    EXPECT_TRUE(r.total.criteria.empty());
}

TEST(HubResults, UnreadableBodiesAreCountedApart) {
    StoredRow bad = row(R());
    bad.body = "[]";
    StoredRow worse = row(R());
    worse.body = "{truncated";
    ResultsOptions options;
    Results r = aggregateResults({bad, worse, row(R().answers({{"overall", 4}}))}, {}, nullptr, options);
    EXPECT_EQ(r.unreadable, 2);
    EXPECT_EQ(r.total.responses, 1);
}

TEST(HubResults, TerminalHealthAndGaps) {
    std::vector<std::string> asked;
    Results r = aggregateHandMade(nullptr, &asked);
    EXPECT_EQ(asked, (std::vector<std::string>{"t1"})) << "only terminals with maxSeq > highWaterSeq are asked";
    ASSERT_EQ(r.terminals.size(), 3u);
    // By centre (М < Ц < Ш in code point order), then id.
    EXPECT_EQ(r.terminals[0].id, "t1");
    EXPECT_EQ(r.terminals[1].id, "kyiv-1");
    EXPECT_EQ(r.terminals[2].id, "quiet-1");

    const TerminalHealth& t1 = r.terminals[0];
    EXPECT_EQ(t1.lastSeenAgeMs, 3 * kMin);
    EXPECT_EQ(t1.gapCount, 1);
    EXPECT_FALSE(t1.gapCountIsLowerBound);
    EXPECT_EQ(t1.missing, (std::vector<int64_t>{5}));
    EXPECT_EQ(t1.responsesInPeriod, 5);
    EXPECT_EQ(t1.reportedUnsent, 2);
    EXPECT_EQ(t1.clockOffsetMs, 1500);
    EXPECT_FALSE(t1.revoked);

    const TerminalHealth& quiet = r.terminals[2];
    EXPECT_FALSE(quiet.lastSeenMs);
    EXPECT_FALSE(quiet.hasGaps());
    const TerminalHealth& kyiv = r.terminals[1];
    EXPECT_TRUE(kyiv.revoked);
    EXPECT_EQ(kyiv.responsesInPeriod, 2);
}

TEST(HubResults, ManyGapsAreCappedAndMarkedAsALowerBound) {
    Terminal t;
    t.id = "lossy";
    t.centre = "C";
    t.highWaterSeq = 10;
    t.maxSeq = 500;
    ResultsOptions options;
    options.nowMs = kNow;
    auto missing = [](const std::string&) {
        std::vector<int64_t> v;
        for (int64_t s = 11; s < 11 + kMissingListLimit + 1; ++s) v.push_back(s);
        return v;
    };
    Results r = aggregateResults({}, {t}, missing, options);
    ASSERT_EQ(r.terminals.size(), 1u);
    EXPECT_TRUE(r.terminals[0].gapCountIsLowerBound);
    EXPECT_EQ(r.terminals[0].missing.size(), size_t(kMissingListLimit));
    EXPECT_EQ(r.terminals[0].gapCount, kMissingListLimit + 1);

    // Without a callback the mark itself proves one gap.
    Results bare = aggregateResults({}, {t}, nullptr, options);
    EXPECT_EQ(bare.terminals[0].missing, (std::vector<int64_t>{11}));
    EXPECT_TRUE(bare.terminals[0].gapCountIsLowerBound);
}

TEST(HubResults, CentreFilterLimitsTerminals) {
    ResultsOptions options;
    options.nowMs = kNow;
    options.centreFilter = "ЦНАП Київ";
    std::vector<StoredRow> rows;
    for (const auto& r : handMadeSet())
        if (r.centre == options.centreFilter) rows.push_back(r);
    Results r = aggregateResults(rows, handMadeTerminals(), nullptr, options);
    ASSERT_EQ(r.terminals.size(), 1u);
    EXPECT_EQ(r.terminals[0].id, "kyiv-1");
    ASSERT_EQ(r.centres.size(), 1u);
    EXPECT_EQ(r.centreFilter, "ЦНАП Київ");
}

TEST(HubResults, RecentCommentsNewestFirstAndBounded) {
    ResultsBuilder builder(options(kNow));
    for (int i = 0; i < 100; ++i)
        builder.add(row(R().seq(i + 1).completedAt(kNow - (100 - i) * kMin).answers(
            {{"overall", 1 + i % 5}, {"comment", "comment " + std::to_string(i)}})));
    Results r = builder.finish({}, nullptr);
    ASSERT_EQ(r.centres.size(), 1u);
    const auto& comments = r.centres[0].comments;
    ASSERT_EQ(comments.size(), size_t(kRecentComments));
    EXPECT_EQ(comments.front().text, "comment 99");
    EXPECT_EQ(comments.back().text, "comment " + std::to_string(100 - kRecentComments));
    EXPECT_EQ(comments.front().rating, 5);
    EXPECT_EQ(r.total.comments, 100);
}

// ---------------------------------------------------------------------------- the page

TEST(HubResults, PageIsEscapedWhateverTheInput) {
    std::vector<StoredRow> rows = {
        row(R().terminal("t\"><img src=x onerror=alert(1)>").centre("<script>alert('centre')</script>").service("<b>svc</b>").answers(
            {{"overall", 1}, {"comment", "</blockquote><script>alert(\"c\")</script>&amp;"}, {"reasons", {"<i>opt</i>"}}})),
        row(R().centre("Центр \"Южный\" & Co").answers({{"overall", 5}, {"<q>", 3}})),
    };
    Terminal t;
    t.id = "t\"><img src=x onerror=alert(1)>";
    t.centre = "<script>alert('centre')</script>";
    t.configError = "<svg onload=alert(2)>";
    t.version = "1'\"<";
    Results r = aggregateResults(rows, {t}, nullptr, options(kNow));
    ResultsPageOptions pageOptions;
    pageOptions.centres = {"<script>alert('centre')</script>"};
    std::string page = renderResultsPage(r, pageOptions);

    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<svg"), std::string::npos);
    EXPECT_EQ(page.find("<b>svc"), std::string::npos);
    EXPECT_EQ(page.find("<i>opt"), std::string::npos);
    EXPECT_EQ(page.find("<q>"), std::string::npos);
    EXPECT_EQ(page.find("</blockquote><script"), std::string::npos);
    EXPECT_NE(page.find("&lt;script&gt;alert(&#39;centre&#39;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page.find("t&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(page.find("Центр &quot;Южный&quot; &amp; Co"), std::string::npos);
    EXPECT_NE(page.find("&lt;/blockquote&gt;&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;&amp;amp;"), std::string::npos);
    // An attribute value cannot be closed from the inside either.
    EXPECT_NE(page.find("<option value=\"&lt;script&gt;alert(&#39;centre&#39;)&lt;/script&gt;\""), std::string::npos);
}

TEST(HubResults, PageStructureForAccessibilityAndCsp) {
    Questionnaire q = defaultQuestionnaire();
    Results r = aggregateHandMade(&q);
    std::string page = renderResultsPage(r);

    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(page.find("<html lang=\"en\">"), std::string::npos);
    EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
    EXPECT_NE(page.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), std::string::npos);
    EXPECT_NE(page.find("<title>Otklik — results</title>"), std::string::npos);
    EXPECT_NE(page.find("<h1>Otklik — results</h1>"), std::string::npos);
    EXPECT_NE(page.find("<th scope=\"col\""), std::string::npos);
    EXPECT_NE(page.find("<th scope=\"row\""), std::string::npos);
    EXPECT_NE(page.find("<caption>"), std::string::npos);
    EXPECT_NE(page.find("МФЦ Владивосток"), std::string::npos);
    EXPECT_NE(page.find("ЦНАП Київ"), std::string::npos);
    EXPECT_NE(page.find("Since <b>23 Oct 2026</b>"), std::string::npos);
    EXPECT_NE(page.find("3 min ago"), std::string::npos);
    EXPECT_NE(page.find("1 missing"), std::string::npos);
    EXPECT_NE(page.find("Revoked"), std::string::npos);

    // Nothing to load, nothing to run, no inline style attributes: the CSP needs one hash.
    for (const char* forbidden : {"<script", "<link", "<img", "<iframe", "style=\"", "javascript:", "http://", "https://"})
        EXPECT_EQ(page.find(forbidden), std::string::npos) << forbidden;
    EXPECT_FALSE(std::regex_search(page, std::regex(" on[a-z]+=")));
    size_t open = page.find("<style>");
    size_t close = page.find("</style>");
    ASSERT_NE(open, std::string::npos);
    EXPECT_EQ(page.substr(open + 7, close - open - 7), pageStylesheet());
    EXPECT_EQ(page.find("<style>", open + 1), std::string::npos) << "one stylesheet only";
    std::string csp = contentSecurityPolicy();
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("style-src 'sha256-" + base64Sha256(pageStylesheet()) + "'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe"), std::string::npos);

    // Every bar width used is defined, and the numbers are in the text.
    std::regex widthClass(" (w[0-9]+)\"");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), widthClass); it != std::sregex_iterator(); ++it)
        EXPECT_NE(pageStylesheet().find("." + (*it)[1].str() + "{"), std::string::npos) << (*it)[1].str();
    EXPECT_NE(page.find("aria-hidden=\"true\""), std::string::npos);
}

TEST(HubResults, EmptyPeriodSaysSo) {
    Results r = aggregateResults({}, {}, nullptr, options(kNow, kNow - kDay));
    std::string page = renderResultsPage(r);
    EXPECT_NE(page.find("No responses completed since"), std::string::npos);
    EXPECT_NE(page.find("No terminals registered"), std::string::npos);
}

TEST(HubResults, LoginPagePostsTheToken) {
    std::string page = renderLoginPage("");
    EXPECT_NE(page.find("<form class=\"form\" method=\"post\" action=\"/login\">"), std::string::npos);
    EXPECT_NE(page.find("name=\"token\" type=\"password\""), std::string::npos);
    EXPECT_NE(page.find("<label for=\"token\">"), std::string::npos);
    EXPECT_EQ(page.find("role=\"alert\""), std::string::npos);
    EXPECT_EQ(page.find("<script"), std::string::npos);

    std::string failed = renderLoginPage("Wrong token <b>\"x\"</b>");
    EXPECT_NE(failed.find("role=\"alert\">Wrong token &lt;b&gt;&quot;x&quot;&lt;/b&gt;</p>"), std::string::npos);
}

TEST(HubResults, ErrorPageEscapes) {
    std::string page = renderErrorPage(400, "bad date <2026>", "use YYYY-MM-DD & retry");
    EXPECT_NE(page.find("<title>Otklik — error 400</title>"), std::string::npos);
    EXPECT_NE(page.find("bad date &lt;2026&gt;"), std::string::npos);
    EXPECT_NE(page.find("use YYYY-MM-DD &amp; retry"), std::string::npos);
}

TEST(HubResults, Formatting) {
    EXPECT_EQ(htmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    EXPECT_EQ(formatAge(-5000), "just now");
    EXPECT_EQ(formatAge(59 * 1000), "just now");
    EXPECT_EQ(formatAge(3 * kMin), "3 min ago");
    EXPECT_EQ(formatAge(5 * 60 * kMin + 7 * kMin), "5 h ago");
    EXPECT_EQ(formatAge(3 * kDay), "3 days ago");
    EXPECT_EQ(formatDuration(45), "45 s");
    EXPECT_EQ(formatDuration(300), "5 min");
    EXPECT_EQ(formatDuration(3 * 3600), "3 h");
    EXPECT_EQ(formatDate(kNow), "2026-11-22");
}
