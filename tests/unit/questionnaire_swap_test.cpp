// A new questionnaire is applied only between visitors: the flow refuses it mid-visitor, the
// frame loop takes it at the first moment the idle screen is at rest, rebuilds the fonts and
// wakes for it; every response carries the version the visitor actually answered under.
#include <gtest/gtest.h>

#include <deque>

#include "kiosk/app/kiosk_app.h"
#include "kiosk/config/kiosk_setup.h"
#include "kiosk/flow/flow.h"
#include "tests/fakes/fake_display.h"
#include "tests/fakes/memory_store.h"
#include "tests/unit/questionnaire_variants.h"

using namespace otklik;

namespace {

Questionnaire version(const std::string& v) {
    auto load = parseQuestionnaire(variants::questionnaireVersion(v), "test");
    EXPECT_TRUE(load.questionnaire) << load.problems.describe();
    return *load.questionnaire;
}

flow::Settings settings() {
    flow::Settings s;
    s.terminalId = "t-1";
    s.languages = {"ru", "uk", "en"};
    return s;
}

// Offers queued questionnaires; counts when the app asked.
class QueuedUpdates final : public QuestionnaireUpdates {
public:
    std::optional<Questionnaire> take() override {
        ++asked;
        if (queue.empty()) return std::nullopt;
        Questionnaire q = queue.front();
        queue.pop_front();
        return q;
    }
    bool waitArrived(int64_t) override { return !queue.empty(); }

    std::deque<Questionnaire> queue;
    int asked = 0;
};

ScriptStep step(ScriptStep::Kind kind, std::string argument, int64_t ms = 0) {
    ScriptStep s;
    s.kind = kind;
    s.argument = std::move(argument);
    s.ms = ms;
    return s;
}
ScriptStep tap(const std::string& id) { return step(ScriptStep::Kind::Tap, id); }
ScriptStep wait(int64_t ms) { return step(ScriptStep::Kind::Wait, "", ms); }
ScriptStep expect(const std::string& screen) { return step(ScriptStep::Kind::Expect, screen); }

}  // namespace

TEST(QuestionnaireSwap, TheFlowRefusesItMidVisitorAndTakesItAtRest) {
    flow::Flow f(version("v1"), settings());
    flow::Instant t{1000, 1'795'000'000'000};
    EXPECT_TRUE(f.atRest());
    f.rate(2, t);
    EXPECT_FALSE(f.atRest());
    EXPECT_FALSE(f.replaceQuestionnaire(version("v2"))) << "a visitor is answering v1";
    t = {t.monoMs + 700, t.wallMs + 700};
    f.tick(t);  // the face acknowledged: on to the follow-up questions
    ASSERT_EQ(f.screen(), flow::Screen::Question);
    EXPECT_FALSE(f.replaceQuestionnaire(version("v2")));
    f.finish(t);
    EXPECT_FALSE(f.replaceQuestionnaire(version("v2"))) << "v1's response is not stored yet";
    auto r = f.takeFinished();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->questionnaireVersion, "v1");
    f.stored(true, t);  // the thank-you screen
    EXPECT_FALSE(f.replaceQuestionnaire(version("v2"))) << "still thanking the visitor";
    f.tick({t.monoMs + 10'000, t.wallMs + 10'000});
    ASSERT_EQ(f.screen(), flow::Screen::Idle);
    uint64_t before = f.revision();
    EXPECT_TRUE(f.replaceQuestionnaire(version("v2")));
    EXPECT_GT(f.revision(), before) << "the idle screen is drawn again";
    f.rate(4, {t.monoMs + 20'000, t.wallMs + 20'000});
    f.tick({t.monoMs + 20'700, t.wallMs + 20'700});
    f.finish({t.monoMs + 21'000, t.wallMs + 21'000});
    EXPECT_EQ(f.takeFinished()->questionnaireVersion, "v2");
}

struct App {
    App()
        : setup(*loadKioskSetup("", defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", "/tmp")).setup),
          flow(version("v1"), settings()),
          ui(setup.strings, ui::UiSettings{setup.config.centreName, "https://x.example/q", 21.5}),
          display(1280, 800),
          clock(1000, 1'795'000'000'000),
          app(flow, ui, display, clock, store) {
        app.setQuestionnaireUpdates(&updates);
        std::string error;
        EXPECT_TRUE(app.start(error)) << error;
    }

    KioskSetup setup;
    flow::Flow flow;
    ui::KioskUi ui;
    fakes::FakeDisplay display;
    ManualClock clock;
    fakes::MemoryStore store;
    QueuedUpdates updates;
    KioskApp app;
};

TEST(QuestionnaireSwap, TheAppAppliesItAtTheNextIdleScreenNotMidVisitor) {
    App a;
    // A visitor starts under v1; v2 arrives while they are on the follow-up questions.
    ASSERT_EQ(a.app.runScript({tap("rate.2"), wait(700), expect("question")}), 0);
    a.updates.queue.push_back(version("v2"));
    ASSERT_EQ(a.app.runScript({wait(1000), expect("question")}), 0);
    EXPECT_EQ(a.updates.queue.size(), 1u) << "never taken mid-visitor";
    EXPECT_EQ(a.flow.questionnaire().version, "v1");
    // They finish; the thank-you screen runs out; at idle v2 is taken and the fonts rebuilt.
    ASSERT_EQ(a.app.runScript({tap("nav.finish"), expect("thanks")}), 0);
    EXPECT_EQ(a.flow.questionnaire().version, "v1") << "not while thanking";
    ASSERT_EQ(a.app.runScript({wait(6000), expect("idle")}), 0);
    EXPECT_TRUE(a.updates.queue.empty());
    EXPECT_EQ(a.flow.questionnaire().version, "v2");
    EXPECT_EQ(a.display.released, 1) << "the old font atlas is freed";
    // The next visitor answers v2.
    ASSERT_EQ(a.app.runScript({tap("rate.5"), wait(700), tap("nav.finish"), wait(6000), expect("idle")}), 0);
    ASSERT_EQ(a.store.responses().size(), 2u);
    EXPECT_EQ(a.store.responses()[0].questionnaireVersion, "v1");
    EXPECT_EQ(a.store.responses()[1].questionnaireVersion, "v2");
}

TEST(QuestionnaireSwap, AWakeAtTheIdleScreenAppliesItAndRedraws) {
    App a;
    int presented = a.display.presented;
    a.updates.queue.push_back(version("v2"));
    a.display.script = {DisplayEvents{}};  // what wake() makes the display's wait return
    EXPECT_EQ(a.app.runInteractive(), 0);
    EXPECT_EQ(a.flow.questionnaire().version, "v2");
    EXPECT_GT(a.display.presented, presented) << "the idle screen is drawn with the new texts";
    // The new question text is drawn with glyphs the old atlas may not have held.
    const ui::Element* q = a.ui.elements().find("rate.1");
    EXPECT_TRUE(q);
}

TEST(QuestionnaireSwap, NothingIsAskedOfTheUpdatesWhileAVisitorIsBusy) {
    App a;
    ASSERT_EQ(a.app.runScript({wait(10)}), 0);
    int atIdle = a.updates.asked;
    EXPECT_GT(atIdle, 0);
    ASSERT_EQ(a.app.runScript({tap("rate.3"), wait(700), tap("nav.finish")}), 0);
    int during = a.updates.asked;
    ASSERT_EQ(a.app.runScript({wait(1000)}), 0);
    EXPECT_EQ(a.updates.asked, during) << "the thank-you screen is not at rest";
}
