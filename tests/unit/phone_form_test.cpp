// The phone form's pure parts: language choice, form decoding, answers checked against the
// questionnaire (show_if included), the stored JSON, and the page (size, no script, labels).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sync/hub/phone_form.h"
#include "sync/hub/phone_page.h"

namespace otklik::hub {
namespace {

const PhoneAssets& assets() {
    static const PhoneAssets loaded = [] {
        std::string error;
        auto a = loadPhoneAssets(OTKLIK_SOURCE_DIR "/assets", error);
        if (!a) throw std::runtime_error(error);
        return std::move(*a);
    }();
    return loaded;
}

TEST(PhoneLanguage, QueryBeatsAcceptLanguageWhichBeatsTheDefault) {
    std::vector<std::string> offered = {"ru", "uk", "en"};
    EXPECT_EQ(chooseLanguage("en", "uk-UA,uk;q=0.9", offered), "en");
    EXPECT_EQ(chooseLanguage("", "uk-UA,uk;q=0.9,ru;q=0.8", offered), "uk");
    EXPECT_EQ(chooseLanguage("", "de-DE,de;q=0.9,en;q=0.3,ru;q=0.5", offered), "ru") << "the highest q among offered";
    EXPECT_EQ(chooseLanguage("fr", "fr-FR", offered), "ru") << "nothing offered matches: the questionnaire's first";
    EXPECT_EQ(chooseLanguage("", "EN-gb", offered), "en");
    EXPECT_EQ(chooseLanguage("", "", {}), "en");
}

TEST(PhoneForm, DecodesFormBodiesAndRefusesBrokenEscapes) {
    auto fields = parseFormBody("a=1&b=x+y&b=%D0%94&c=&d");
    ASSERT_TRUE(fields);
    EXPECT_EQ(fields->count("b"), 2u);
    EXPECT_EQ(fields->find("a")->second, "1");
    EXPECT_EQ(std::next(fields->find("b"))->second, "Д");
    EXPECT_EQ(fields->find("c")->second, "");
    EXPECT_TRUE(fields->count("d"));
    EXPECT_FALSE(parseFormBody("a=%4"));
    EXPECT_FALSE(parseFormBody("a=%zz"));
}

TEST(PhoneForm, KeepsOnlyValidAnswersAndDropsThoseWhoseConditionFails) {
    const Questionnaire& q = assets().defaultQuestionnaire;
    auto fields = *parseFormBody("overall=5&service=nonsense&waiting_time=9&staff=4&reasons=crowded&reasons=bogus&comment=+hi%0D%0Athere+");
    Answers a = answersFromForm(q, fields);
    EXPECT_EQ(a.at("overall").rating, 5);
    EXPECT_FALSE(a.count("service")) << "an option the questionnaire does not offer";
    EXPECT_FALSE(a.count("waiting_time")) << "a rating outside 1-5";
    EXPECT_EQ(a.at("staff").rating, 4);
    EXPECT_FALSE(a.count("reasons")) << "\"what went wrong\" is asked only after a rating of 2 or less";
    EXPECT_EQ(a.at("comment").text, "hi\nthere");

    Answers low = answersFromForm(q, *parseFormBody("overall=4&staff=2&reasons=crowded&reasons=bogus&reasons=no_seats&service=documents"));
    EXPECT_EQ(low.at("reasons").selected, (std::vector<std::string>{"no_seats", "crowded"})) << "known options, questionnaire order";
    EXPECT_EQ(serviceOf(q, low), "documents");
}

TEST(PhoneForm, TextIsCutAtTheQuestionsLengthInCharacters) {
    const Questionnaire& q = assets().defaultQuestionnaire;
    std::string body = "overall=3&comment=";
    for (int i = 0; i < 600; ++i) body += "%D0%AF";  // Я, two bytes each
    Answers a = answersFromForm(q, *parseFormBody(body));
    EXPECT_EQ(a.at("comment").text.size(), 500u * 2);
}

TEST(PhoneForm, StoredJsonIsAQrResponseWithoutSeqAndNamesWhatItContinues) {
    const Questionnaire& q = assets().defaultQuestionnaire;
    PhoneSubmission s{"01a20246-7804-7af1-b529-70811271dc04", "mfc-01", "uk", &q, answersFromForm(q, *parseFormBody("overall=2&service=other")),
                      1'800'000'000'000, std::string("01a20246-7804-7af1-b529-70811271dc05")};
    auto j = nlohmann::json::parse(phoneResponseJson(s));
    EXPECT_EQ(j["channel"], "qr");
    EXPECT_EQ(j["service"], "other");
    EXPECT_EQ(j["terminal_id"], "mfc-01");
    EXPECT_EQ(j["questionnaire_id"], "default");
    EXPECT_FALSE(j.contains("seq"));
    EXPECT_EQ(j["continues"], "01a20246-7804-7af1-b529-70811271dc05");
    EXPECT_EQ(j["clock_offset_ms"], 0);
}

TEST(PhonePage, IsSmallHasNoScriptAndLabelsEveryControl) {
    const Questionnaire& q = assets().defaultQuestionnaire;
    for (const char* lang : {"ru", "uk", "en"}) {
        PhoneFormView view{&q, &assets().strings, lang, {"ru", "uk", "en"}, "МФЦ «Мои документы», Владивосток", true, "phone.missing_main", {}, {}};
        PhonePage page = renderPhoneForm(view);
        EXPECT_LT(page.html.size(), 50u * 1024) << lang;
        EXPECT_EQ(page.html.find("<script"), std::string::npos);
        EXPECT_NE(page.html.find(std::string("<html lang=\"") + lang + "\""), std::string::npos);
        EXPECT_NE(page.html.find("МФЦ «Мои документы», Владивосток"), std::string::npos);
        // Every input has a label for it, every choice group a legend.
        size_t inputs = 0, labels = 0;
        for (size_t p = 0; (p = page.html.find("<input ", p)) != std::string::npos; ++p) ++inputs;
        for (size_t p = 0; (p = page.html.find("<label for=", p)) != std::string::npos; ++p) ++labels;
        EXPECT_EQ(inputs + 1, labels) << "one label per input plus the textarea's";
        EXPECT_NE(page.html.find(":has(#q0-r1:checked,#q0-r2:checked"), std::string::npos) << "reasons hidden until a low rating";
        EXPECT_NE(page.contentSecurityPolicy.find("style-src 'sha256-"), std::string::npos);
        EXPECT_EQ(page.contentSecurityPolicy.find("script-src"), std::string::npos);
    }
}

TEST(PhonePage, RefusalsAreInTheVisitorsLanguage) {
    PhonePage page = renderPhoneMessage(assets().strings, "uk", {"ru", "uk", "en"}, "phone.expired.title", "phone.expired.text");
    EXPECT_NE(page.html.find("<html lang=\"uk\""), std::string::npos);
    EXPECT_NE(page.html.find("Термін дії коду минув"), std::string::npos);
    EXPECT_NE(page.html.find("href=\"?lang=en\""), std::string::npos) << "the language switch keeps the path (the token)";
    EXPECT_LT(page.html.size(), 10u * 1024);
}

}  // namespace
}  // namespace otklik::hub
