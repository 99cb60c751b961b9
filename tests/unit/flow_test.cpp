// The visitor's journey without a screen: transitions, conditions, timeouts, repeated
// presses, language switching and the hand-over to storage.
#include <gtest/gtest.h>

#include "kiosk/flow/flow.h"
#include "sync/protocol/questionnaire.h"

using namespace otklik;
using namespace otklik::flow;

namespace {

Questionnaire defaultQuestionnaire() {
    auto load = loadQuestionnaire(std::string(OTKLIK_SOURCE_DIR) + "/assets/questionnaires/default.json");
    EXPECT_TRUE(load.questionnaire) << load.problems.describe();
    return *load.questionnaire;
}

Settings settings() {
    Settings s;
    s.terminalId = "t-1";
    s.bootId = "boot";
    s.languages = {"ru", "uk", "en"};
    s.idleTimeoutMs = 30000;
    s.thanksMs = 5000;
    s.repeatIntervalMs = 600;
    return s;
}

// A flow with a clock the test moves by hand, storing into a vector.
class FlowTest : public ::testing::Test {
protected:
    FlowTest() : q(defaultQuestionnaire()), flow(q, settings()) {}

    Instant at() const { return {mono, wall}; }
    void pass(int64_t ms) {
        // Move time in steps so every deadline on the way fires in order, as the app does.
        int64_t end = mono + ms;
        while (mono < end) {
            int64_t step = end - mono;
            if (auto d = flow.nextDeadline()) step = std::clamp<int64_t>(*d - mono, 1, end - mono);
            mono += step;
            wall += step;
            flow.tick(at());
            deliver();
        }
    }
    void deliver(bool ok = true) {
        if (auto r = flow.takeFinished()) {
            stored.push_back(*r);
            flow.stored(ok, at());
        }
    }
    void act(const std::function<void(Flow&, Instant)>& f) {
        f(flow, at());
        deliver();
    }
    std::string currentId() const { return flow.current() ? flow.current()->id : ""; }

    Questionnaire q;
    Flow flow;
    int64_t mono = 1'000'000;
    int64_t wall = 1'795'000'000'000;
    std::vector<Response> stored;
};

}  // namespace

TEST_F(FlowTest, StartsIdleWithTheDefaultLanguageAndNothingOpen) {
    EXPECT_EQ(flow.screen(), Screen::Idle);
    EXPECT_EQ(flow.language(), "ru");
    EXPECT_FALSE(flow.nextDeadline());
    EXPECT_EQ(flow.selectedRating(), 0);
}

TEST_F(FlowTest, OneTapCountsEvenIfTheVisitorWalksAway) {
    act([](Flow& f, Instant t) { f.rate(4, t); });
    pass(700);
    EXPECT_EQ(flow.screen(), Screen::Question);
    EXPECT_EQ(currentId(), "service");
    pass(30000);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].status, ResponseStatus::Partial);
    EXPECT_EQ(stored[0].answers.at("overall").rating, 4);
    EXPECT_EQ(flow.screen(), Screen::Idle);  // a partial response is not thanked: nobody is there
}

TEST_F(FlowTest, HighRatingsSkipTheReasonsQuestion) {
    act([](Flow& f, Instant t) { f.rate(5, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.choose("job_search", t); });
    for (int i = 0; i < 5; ++i) act([](Flow& f, Instant t) { f.choose("4", t); });
    EXPECT_EQ(currentId(), "comment");
    EXPECT_EQ(flow.screen(), Screen::Comment);
    EXPECT_EQ(flow.progressTotal(), 8);
}

TEST_F(FlowTest, AnyLowRatingRevealsTheReasons) {
    act([](Flow& f, Instant t) { f.rate(5, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.choose("job_search", t); });
    act([](Flow& f, Instant t) { f.choose("2", t); });  // waiting time: poor
    EXPECT_EQ(flow.progressTotal(), 9);
    for (int i = 0; i < 4; ++i) act([](Flow& f, Instant t) { f.choose("5", t); });
    EXPECT_EQ(currentId(), "reasons");
    act([](Flow& f, Instant t) { f.choose("no_seats", t); });
    act([](Flow& f, Instant t) { f.choose("crowded", t); });
    act([](Flow& f, Instant t) { f.choose("no_seats", t); });  // second tap unticks
    EXPECT_EQ(currentId(), "reasons");  // several answers: no automatic advance
    act([](Flow& f, Instant t) { f.next(t); });
    act([](Flow& f, Instant t) { f.next(t); });  // comment left empty: Next is Skip, nothing happens
    EXPECT_EQ(currentId(), "comment");
    act([](Flow& f, Instant t) { f.skip(t); });
    ASSERT_EQ(stored.size(), 1u);
    const Response& r = stored[0];
    EXPECT_EQ(r.status, ResponseStatus::Complete);
    EXPECT_EQ(r.service, "job_search");
    EXPECT_EQ(r.answers.at("reasons").selected, std::vector<std::string>{"crowded"});
    EXPECT_EQ(r.answers.at("waiting_time").rating, 2);
    EXPECT_FALSE(r.answers.count("comment"));
    EXPECT_EQ(flow.screen(), Screen::Thanks);
    pass(5000);
    EXPECT_EQ(flow.screen(), Screen::Idle);
}

TEST_F(FlowTest, RaisingALowRatingDropsTheReasonsGivenForIt) {
    act([](Flow& f, Instant t) { f.rate(1, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.skip(t); });  // service
    for (int i = 0; i < 5; ++i) act([](Flow& f, Instant t) { f.skip(t); });
    ASSERT_EQ(currentId(), "reasons");
    act([](Flow& f, Instant t) { f.choose("waited_long", t); });
    // Back through the criteria to the main question, which the visitor raises to 5.
    for (int i = 0; i < 7; ++i) act([](Flow& f, Instant t) { f.back(t); });
    ASSERT_EQ(flow.screen(), Screen::Idle);
    EXPECT_EQ(flow.selectedRating(), 1);
    act([](Flow& f, Instant t) { f.rate(5, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.finish(t); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].answers.at("overall").rating, 5);
    EXPECT_FALSE(stored[0].answers.count("reasons"));
    EXPECT_FALSE(stored[0].repeated);  // a correction after Back is not a repeated press
}

TEST_F(FlowTest, RepeatedPressesFoldIntoOneFlaggedResponse) {
    for (int i = 0; i < 6; ++i) {
        act([i](Flow& f, Instant t) { f.rate(i % 2 ? 1 : 5, t); });
        mono += 150;
        wall += 150;
    }
    pass(700);
    EXPECT_EQ(flow.screen(), Screen::Question);
    pass(30000);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_TRUE(stored[0].repeated);
    EXPECT_EQ(stored[0].presses, 6);
    EXPECT_EQ(stored[0].answers.at("overall").rating, 1);  // the last face pressed counts
}

TEST_F(FlowTest, PressesFurtherApartThanTheIntervalAreSeparateVisitors) {
    act([](Flow& f, Instant t) { f.rate(3, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.finish(t); });
    pass(5000);
    act([](Flow& f, Instant t) { f.rate(3, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.finish(t); });
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_NE(stored[0].id, stored[1].id);
    EXPECT_FALSE(stored[0].repeated);
    EXPECT_FALSE(stored[1].repeated);
}

TEST_F(FlowTest, LanguageSwitchMidFlowKeepsAnswersAndResetsForTheNextVisitor) {
    act([](Flow& f, Instant t) { f.rate(2, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.choose("documents", t); });
    act([](Flow& f, Instant t) { f.setLanguage("en", t); });
    EXPECT_EQ(flow.language(), "en");
    EXPECT_EQ(currentId(), "waiting_time");
    act([](Flow& f, Instant t) { f.setLanguage("de", t); });  // not configured: ignored
    EXPECT_EQ(flow.language(), "en");
    act([](Flow& f, Instant t) { f.finish(t); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].language, "en");
    EXPECT_EQ(stored[0].service, "documents");
    EXPECT_EQ(stored[0].answers.at("overall").rating, 2);
    pass(5000);
    EXPECT_EQ(flow.language(), "ru");
}

TEST_F(FlowTest, IdleTimeoutKeepsWhatWasAnswered) {
    act([](Flow& f, Instant t) { f.rate(3, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.choose("school_meals", t); });
    act([](Flow& f, Instant t) { f.choose("4", t); });
    pass(29000);
    EXPECT_TRUE(stored.empty());
    act([](Flow& f, Instant t) { f.touched(t); });  // a touch on nothing still means someone is there
    pass(29000);
    EXPECT_TRUE(stored.empty());
    pass(1000);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].status, ResponseStatus::Partial);
    EXPECT_EQ(stored[0].answers.size(), 3u);
    EXPECT_EQ(flow.screen(), Screen::Idle);
}

TEST_F(FlowTest, TypedCommentIsKeptAndCapitalisedAtTheStart) {
    act([](Flow& f, Instant t) { f.rate(5, t); });
    pass(700);
    for (int i = 0; i < 6; ++i) act([](Flow& f, Instant t) { f.skip(t); });
    ASSERT_EQ(flow.screen(), Screen::Comment);
    for (const char* k : {"с", "п", "а", "с", "и", "б", "о", "space", "в", "с", "е", "м", "."})
        act([k](Flow& f, Instant t) { f.typeKey(k, t); });
    EXPECT_EQ(flow.textEntry().text(), "Спасибо всем.");
    EXPECT_EQ(flow.forward(), Forward::Next);
    act([](Flow& f, Instant t) { f.next(t); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].answers.at("comment").text, "Спасибо всем.");
    EXPECT_EQ(stored[0].comment(), "Спасибо всем.");
}

TEST_F(FlowTest, NothingIsThankedUntilStoredAndAFailedStoreShowsUnavailable) {
    act([](Flow& f, Instant t) { f.rate(5, t); });
    pass(700);
    flow.finish(at());
    EXPECT_TRUE(flow.waitingForStore());
    EXPECT_NE(flow.screen(), Screen::Thanks);
    flow.rate(1, at());  // input while storing is ignored
    auto r = flow.takeFinished();
    ASSERT_TRUE(r);
    EXPECT_FALSE(flow.takeFinished());  // handed over once
    flow.stored(false, at());
    EXPECT_EQ(flow.screen(), Screen::Unavailable);
    flow.storageRecovered(at());
    EXPECT_EQ(flow.screen(), Screen::Idle);
}

TEST_F(FlowTest, RequiredQuestionsBlockForwardAndFinish) {
    auto load = parseQuestionnaire(R"({
      "format": 1, "id": "q", "version": "1", "languages": ["ru"],
      "main": {"id": "overall", "text": {"ru": "Оценка"}},
      "questions": [
        {"id": "visit", "type": "yesno", "optional": false, "text": {"ru": "Впервые?"}},
        {"id": "why", "type": "single", "text": {"ru": "Почему?"}, "show_if": {"question": "visit", "is": "no"},
         "options": [{"id": "a", "label": {"ru": "А"}}, {"id": "b", "label": {"ru": "Б"}}]}
      ]})", "inline.json");
    ASSERT_TRUE(load.questionnaire) << load.problems.describe();
    Settings s = settings();
    s.languages = {"ru"};
    Flow f(*load.questionnaire, s);
    f.rate(4, at());
    mono += 700;
    f.tick(at());
    EXPECT_EQ(f.forward(), Forward::Blocked);
    EXPECT_FALSE(f.canFinish());
    f.skip(at());
    EXPECT_EQ(f.current()->id, "visit");
    f.choose("yes", at());  // "why" only follows a "no": the response ends here
    ASSERT_TRUE(f.takeFinished());
}

TEST_F(FlowTest, LargeTextIsForThisVisitorOnly) {
    act([](Flow& f, Instant t) { f.toggleLargeText(t); });
    act([](Flow& f, Instant t) { f.rate(4, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.finish(t); });
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_TRUE(stored[0].largeText);
    EXPECT_TRUE(flow.largeText());
    pass(5000);
    EXPECT_FALSE(flow.largeText());
}

TEST_F(FlowTest, ResponseCarriesIdentityAndTimes) {
    int64_t start = wall;
    act([](Flow& f, Instant t) { f.rate(4, t); });
    pass(700);
    act([](Flow& f, Instant t) { f.finish(t); });
    ASSERT_EQ(stored.size(), 1u);
    const Response& r = stored[0];
    EXPECT_EQ(r.id.size(), 36u);
    EXPECT_EQ(r.id[14], '7');  // UUID version 7
    EXPECT_EQ(r.terminalId, "t-1");
    EXPECT_EQ(r.questionnaireId, "default");
    EXPECT_EQ(r.questionnaireVersion, q.version);
    EXPECT_EQ(r.startedAtMs, start);
    EXPECT_EQ(r.completedAtMs, start + 700);
    EXPECT_EQ(r.bootId, "boot");
    EXPECT_EQ(r.channel, "touch");
}

// Enrolment gives a new terminal id while a visitor is answering: their response keeps the
// id it began with, and the next visitor's carries the new one (also when the service menu
// changed something else meanwhile).
TEST_F(FlowTest, SettingsChangedMidResponseApplyFromTheNextVisitor) {
    act([](Flow& f, Instant t) { f.rate(5, t); });
    Settings enrolled = flow.nextSettings();
    enrolled.terminalId = "t-2";
    EXPECT_FALSE(flow.updateSettings(enrolled));
    Settings english = flow.nextSettings();
    english.languages = {"en", "ru", "uk"};
    EXPECT_FALSE(flow.updateSettings(english));
    EXPECT_EQ(flow.settings().terminalId, "t-1");

    pass(settings().idleTimeoutMs + 1);  // the visitor walks away: a partial response
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].terminalId, "t-1");
    EXPECT_EQ(flow.settings().terminalId, "t-2");
    EXPECT_EQ(flow.language(), "en");

    act([](Flow& f, Instant t) { f.rate(4, t); });
    pass(settings().idleTimeoutMs + 1);
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[1].terminalId, "t-2");
}
