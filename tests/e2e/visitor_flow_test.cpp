// The real otklik-kiosk binary, headless, driven by scripts through the visitor journeys a
// terminal sees every day. Responses are read back from what the kiosk stored.
#include <gtest/gtest.h>

#include "kiosk_process.h"

using namespace otklik::e2e;
using nlohmann::json;

namespace {

std::string heading(const json& tree) {
    for (const auto& e : tree["elements"])
        if (e["role"] == "heading") return e["label"];
    return "";
}

const json* element(const json& tree, const std::string& id) {
    for (const auto& e : tree["elements"])
        if (e["id"] == id) return &e;
    return nullptr;
}

}  // namespace

TEST(VisitorFlow, OneTapIsStoredEvenWhenTheVisitorWalksAway) {
    auto run = runKiosk("one_tap", R"(
        expect idle
        tap rate.4
        wait 700
        expect question
        wait 30000   # nobody touches the screen any more
        expect idle
    )");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    ASSERT_EQ(run.responses.size(), 1u) << run.log;
    const json& r = run.responses[0];
    EXPECT_EQ(r["status"], "partial");
    EXPECT_EQ(r["answers"]["overall"], 4);
    EXPECT_EQ(r["answers"].size(), 1u);
    EXPECT_EQ(r["terminal_id"], "test-terminal-07");
    EXPECT_NE(run.log.find("stored response " + r["id"].get<std::string>() + " seq 1"), std::string::npos) << run.log;
}

TEST(VisitorFlow, FullQuestionnaireIsStoredCompleteWithEveryAnswer) {
    auto run = runKiosk("full", R"(
        tap rate.2
        wait 700
        tree service.json
        tap answer.career_guidance
        tap answer.3
        tap answer.4
        tap answer.2
        tap answer.5
        tap answer.4
        expect question
        tree reasons.json
        tap answer.waited_long
        tap answer.temperature
        tap nav.next
        expect comment
        tap key.д
        tap key.а
        tap nav.next
        expect thanks
        wait 5000
        expect idle
    )");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    ASSERT_EQ(run.responses.size(), 1u);
    const json& r = run.responses[0];
    EXPECT_EQ(r["status"], "complete");
    EXPECT_EQ(r["service"], "career_guidance");
    json expected = {{"overall", 2},      {"service", {"career_guidance"}}, {"waiting_time", 3},
                     {"service_time", 4}, {"staff", 2},                     {"premises", 5},
                     {"information", 4},  {"reasons", {"waited_long", "temperature"}},
                     {"comment", "Да"}};
    EXPECT_EQ(r["answers"], expected);
    EXPECT_EQ(heading(run.tree("service.json")), "Какую услугу вы получили?");
    auto reasons = run.tree("reasons.json");
    EXPECT_EQ(heading(reasons), "Что пошло не так?");
    EXPECT_EQ(reasons["screen"], "question");
}

TEST(VisitorFlow, LowRatingRevealsTheReasonsAndAHighOneDoesNot) {
    std::string skipToAfterCriteria = "wait 700\ntap nav.skip\ntap nav.skip\ntap nav.skip\ntap nav.skip\ntap nav.skip\ntap nav.skip\ntree after.json\n";
    auto low = runKiosk("low_rating", "tap rate.1\n" + skipToAfterCriteria);
    ASSERT_EQ(low.exitCode, 0) << low.log;
    auto lowTree = low.tree("after.json");
    EXPECT_EQ(heading(lowTree), "Что пошло не так?");
    for (const char* id : {"answer.waited_long", "answer.no_seats", "answer.crowded", "answer.temperature",
                           "answer.staff_impolite", "answer.service_not_received", "answer.no_information", "answer.other"})
        EXPECT_TRUE(element(lowTree, id)) << id;

    auto high = runKiosk("high_rating", "tap rate.5\n" + skipToAfterCriteria);
    ASSERT_EQ(high.exitCode, 0) << high.log;
    auto highTree = high.tree("after.json");
    EXPECT_EQ(highTree["screen"], "comment");
    EXPECT_FALSE(element(highTree, "answer.waited_long"));
}

TEST(VisitorFlow, CommentTypedInCyrillicIsStoredAsTyped) {
    std::string typing = "tap rate.3\nwait 700\n";
    for (int i = 0; i < 6; ++i) typing += "tap nav.skip\n";
    typing += "expect comment\n";
    for (const char* k : {"м", "е", "с", "т", "space", "н", "е", "т", ",", "space", "ж", "д", "ё", "м", "space", "ч", "а", "с"})
        typing += std::string("tap key.") + k + "\n";
    auto ok = runKiosk("cyrillic", typing + "tree typed.json\ntap nav.next\nexpect thanks\n");
    ASSERT_EQ(ok.exitCode, 0) << ok.log;
    ASSERT_EQ(ok.responses.size(), 1u);
    EXPECT_EQ(ok.responses[0]["answers"]["comment"], "Мест нет, ждём час");
    EXPECT_EQ(ok.responses[0]["comment"], "Мест нет, ждём час");
    auto tree = ok.tree("typed.json");
    const json* box = element(tree, "comment.text");
    ASSERT_TRUE(box);
    EXPECT_EQ((*box)["label"], "Мест нет, ждём час");

    // "ї" is Ukrainian: not on the Russian layout. The script fails with a clear message.
    auto wrong = runKiosk("cyrillic_wrong_layout", typing + "tap key.ї\n");
    EXPECT_EQ(wrong.exitCode, 1);
    EXPECT_NE(wrong.log.find("no element \"key.ї\" on the comment screen"), std::string::npos) << wrong.log;
}

TEST(VisitorFlow, LanguageSwitchMidFlowKeepsTheAnswers) {
    auto run = runKiosk("language", R"(
        tap rate.2
        wait 700
        tap answer.documents
        tap lang.uk
        tree uk.json
        tap answer.4
        tap lang.en
        tree en.json
        tap nav.back
        tree back.json
        tap nav.finish
        expect thanks
        tree thanks.json
        wait 5000
        tree idle.json
    )");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    auto uk = run.tree("uk.json");
    EXPECT_EQ(uk["language"], "uk");
    EXPECT_EQ(heading(uk), "Оцініть час очікування");
    EXPECT_EQ((*element(uk, "nav.back"))["label"], "Назад");
    EXPECT_EQ((*element(uk, "nav.skip"))["label"], "Пропустити");
    auto en = run.tree("en.json");
    EXPECT_EQ(heading(en), "Rate how long the service itself took");
    auto back = run.tree("back.json");
    EXPECT_EQ(heading(back), "Rate the waiting time");
    EXPECT_TRUE((*element(back, "answer.4"))["selected"].get<bool>()) << "the earlier answer is still chosen";
    EXPECT_EQ(heading(run.tree("thanks.json")), "Thank you!");
    EXPECT_EQ(run.tree("idle.json")["language"], "ru") << "the next visitor starts in the default language";
    ASSERT_EQ(run.responses.size(), 1u);
    const json& r = run.responses[0];
    EXPECT_EQ(r["language"], "en");
    EXPECT_EQ(r["answers"]["overall"], 2);
    EXPECT_EQ(r["answers"]["service"], json({"documents"}));
    EXPECT_EQ(r["answers"]["waiting_time"], 4);
}

TEST(VisitorFlow, IdleTimeoutMidFlowKeepsAPartialResponse) {
    auto run = runKiosk("timeout", R"(
        tap rate.1
        wait 700
        tap answer.job_search
        tap answer.1
        wait 29000
        expect question
        wait 1000
        expect idle
        tree idle.json
    )");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    ASSERT_EQ(run.responses.size(), 1u);
    const json& r = run.responses[0];
    EXPECT_EQ(r["status"], "partial");
    EXPECT_EQ(r["answers"], json({{"overall", 1}, {"service", {"job_search"}}, {"waiting_time", 1}}));
    auto idle = run.tree("idle.json");
    for (int v = 1; v <= 5; ++v) EXPECT_FALSE((*element(idle, "rate." + std::to_string(v)))["selected"].get<bool>());
}

TEST(VisitorFlow, ButtonMashingBecomesOneResponseFlaggedRepeated) {
    std::string script;
    for (int i = 0; i < 8; ++i) script += std::string("tap rate.") + (i % 2 ? "1" : "5") + "\nwait 100\n";
    script += "wait 700\nexpect question\nwait 30000\nexpect idle\n";
    auto run = runKiosk("mashing", script);
    ASSERT_EQ(run.exitCode, 0) << run.log;
    ASSERT_EQ(run.responses.size(), 1u) << run.log;
    const json& r = run.responses[0];
    EXPECT_EQ(r["presses"], 8);
    EXPECT_EQ(r["flags"], json({"repeated"}));
    EXPECT_EQ(r["answers"]["overall"], 1);
}

TEST(VisitorFlow, LargeTextModeIsOfferedOnEveryScreenAndResetsAfterTheVisitor) {
    auto run = runKiosk("large", R"(
        tap a11y.large
        tree idle.json
        tap rate.5
        wait 700
        tree question.json
        tap nav.finish
        tree thanks.json
        wait 5000
        tree next.json
    )");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    for (const char* name : {"idle.json", "question.json", "thanks.json"}) {
        auto tree = run.tree(name);
        EXPECT_TRUE(tree["large_text"].get<bool>()) << name;
        ASSERT_TRUE(element(tree, "a11y.large")) << name;
        EXPECT_EQ((*element(tree, "a11y.large"))["label"], "Обычный текст") << name;
    }
    EXPECT_FALSE(run.tree("next.json")["large_text"].get<bool>());
    ASSERT_EQ(run.responses.size(), 1u);
    EXPECT_EQ(run.responses[0]["flags"], json({"large_text"}));
}
