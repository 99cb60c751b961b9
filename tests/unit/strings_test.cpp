// Interface strings (assets/i18n/ui.json): the shipped file has every key the screens use in
// every language, and a broken one is refused with the language and key at fault.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "kiosk/config/ui_string_keys.h"
#include "sync/protocol/strings.h"

using namespace otklik;
namespace fs = std::filesystem;

namespace {

const fs::path kUiJson = fs::path(OTKLIK_SOURCE_DIR) / "assets" / "i18n" / "ui.json";
const std::vector<std::string> kLangs = {"ru", "uk", "en"};
const std::vector<std::string> kKeys = {"nav.back", "nav.next", "thanks.title"};

StringsLoad parseSafely(const std::string& text, const std::vector<std::string>& keys = kKeys,
                        const std::vector<std::string>& langs = {"en"}) {
    StringsLoad load{std::nullopt, Problems("ui.json")};
    EXPECT_NO_THROW(load = parseStrings(text, "ui.json", keys, langs));
    EXPECT_EQ(load.strings.has_value(), load.problems.empty()) << load.problems.describe();
    for (const auto& p : load.problems.list()) {
        EXPECT_EQ(p.file, "ui.json");
        EXPECT_FALSE(p.message.empty());
        EXPECT_FALSE(p.fix.empty()) << p.describe();
    }
    return load;
}

struct BadStrings {
    const char* what;
    const char* text;
    const char* place;
    const char* message;
    const char* fix;
};

const BadStrings kBadStrings[] = {
    {"empty", "", "", "the file is empty", "restore the file"},
    {"syntax", "{\"en\": {\"nav.back\": \"Back\"\n\"nav.next\": \"Next\"}}", "line 2, column 10", "not valid JSON", "missing comma"},
    {"top_level_list", "[\"en\"]", "top level", "is a list, expected an object", "{\"<language>\""},
    {"language_code", R"({"en": {"nav.back": "B", "nav.next": "N", "thanks.title": "T"}, "English": {}})", "English",
     "is not a language code", "two- or three-letter"},
    {"section_not_object", R"({"en": ["Back", "Next"]})", "en", "is a list, expected an object of strings", "{\"key\": \"text\""},
    {"value_not_text", R"({"en": {"nav.back": "B", "nav.next": 2, "thanks.title": "T"}})", "en.nav.next",
     "is a whole number, expected text", "double quotes"},
    {"language_missing", R"({"ru": {"nav.back": "Назад"}})", "en", "language missing", "add a \"en\" section"},
    {"key_missing", R"({"en": {"nav.back": "B", "thanks.title": "T"}})", "en.nav.next", "string missing", "add \"nav.next\""},
    {"key_misspelt", R"({"en": {"nav.back": "B", "nav.nxet": "N", "thanks.title": "T"}})", "en.nav.next", "string missing",
     "rename \"nav.nxet\" to \"nav.next\""},
};

std::ostream& operator<<(std::ostream& out, const BadStrings& c) { return out << c.what; }

class UiStringsBad : public ::testing::TestWithParam<BadStrings> {};

}  // namespace

TEST_P(UiStringsBad, IsRefusedWithPlaceMessageAndFix) {
    const BadStrings& c = GetParam();
    auto load = parseSafely(c.text);
    EXPECT_FALSE(load.strings);
    const auto& list = load.problems.list();
    auto it = std::find_if(list.begin(), list.end(), [&](const Problem& p) {
        return p.place == c.place && p.message.find(c.message) != std::string::npos;
    });
    ASSERT_NE(it, list.end()) << "expected at \"" << c.place << "\": " << c.message << "\ngot:\n" << load.problems.describe();
    EXPECT_NE(it->fix.find(c.fix), std::string::npos) << it->describe();
}

INSTANTIATE_TEST_SUITE_P(Inputs, UiStringsBad, ::testing::ValuesIn(kBadStrings),
                         [](const ::testing::TestParamInfo<BadStrings>& info) { return std::string(info.param.what); });

TEST(UiStrings, ShippedFileHasEveryKeyInEveryLanguage) {
    auto load = loadStrings(kUiJson.string(), uiStringKeys(), kLangs);
    ASSERT_TRUE(load.strings) << load.problems.describe();
    // JSON objects keep no order, so neither does languages(); compare as sets.
    EXPECT_EQ(std::set<std::string>(load.strings->languages().begin(), load.strings->languages().end()),
              std::set<std::string>(kLangs.begin(), kLangs.end()));
    for (const auto& lang : kLangs)
        for (const auto& key : uiStringKeys()) {
            EXPECT_TRUE(load.strings->has(key, lang)) << lang << " " << key;
            EXPECT_FALSE(load.strings->get(key, lang).empty()) << lang << " " << key;
        }
}

TEST(UiStrings, ShippedTranslationsUseTheSamePlaceholders) {
    // A translator who renames "{n}" would make the screen show the raw token.
    auto load = loadStrings(kUiJson.string(), uiStringKeys(), kLangs);
    ASSERT_TRUE(load.strings) << load.problems.describe();
    const std::regex token(R"(\{[a-z_]+\})");
    auto tokens = [&](const std::string& s) {
        std::set<std::string> out;
        for (auto it = std::sregex_iterator(s.begin(), s.end(), token); it != std::sregex_iterator(); ++it) out.insert(it->str());
        return out;
    };
    for (const auto& key : uiStringKeys())
        for (const auto& lang : kLangs)
            EXPECT_EQ(tokens(load.strings->get(key, lang)), tokens(load.strings->get(key, kLangs.front()))) << key << " " << lang;
}

TEST(UiStrings, EveryMistakeIsReportedOnce) {
    auto load = parseSafely(R"({"en": {"nav.back": null}, "de": 5})", kKeys, {"en", "de"});
    const auto& list = load.problems.list();
    ASSERT_EQ(list.size(), 4u) << load.problems.describe();
    EXPECT_EQ(list[0].place, "de");  // not an object
    EXPECT_EQ(list[1].place, "en.nav.back");
    EXPECT_EQ(list[1].message, "is null, expected text");
    EXPECT_EQ(list[2].place, "en.nav.next");
    EXPECT_EQ(list[3].place, "en.thanks.title");
}

TEST(UiStrings, ExtraLanguagesAndKeysAreKept) {
    auto load = parseSafely(R"({"en": {"nav.back": "Back", "nav.next": "Next", "thanks.title": "Thanks", "hub.only": "x"},
                               "de": {"nav.back": "Zurück"}})");
    ASSERT_TRUE(load.strings) << load.problems.describe();
    EXPECT_EQ(load.strings->get("hub.only", "en"), "x");
    EXPECT_EQ(load.strings->get("nav.back", "de"), "Zurück");
}

TEST(UiStrings, LookupFallsBackToTheFirstLanguageThenTheKey) {
    Strings s;
    s.addLanguage("ru");
    s.addLanguage("en");
    s.addLanguage("ru");  // listed once
    s.set("nav.back", "ru", "Назад");
    s.set("nav.back", "en", "Back");
    s.set("only.ru", "ru", "Только");
    EXPECT_EQ(s.languages(), (std::vector<std::string>{"ru", "en"}));
    EXPECT_EQ(s.get("nav.back", "en"), "Back");
    EXPECT_EQ(s.get("only.ru", "en"), "Только");
    EXPECT_EQ(s.get("no.such", "en"), "no.such");
    EXPECT_TRUE(s.has("only.ru", "ru"));
    EXPECT_FALSE(s.has("only.ru", "en"));
    auto all = s.allTexts();
    EXPECT_EQ(all.size(), 3u);
    EXPECT_NE(std::find(all.begin(), all.end(), "Назад"), all.end());
}

TEST(UiStrings, FormatReplacesEveryPlaceholder) {
    Strings s;
    s.addLanguage("en");
    s.set("progress", "en", "Question {n} of {total}; {n} done");
    EXPECT_EQ(s.format("progress", "en", {{"n", "2"}, {"total", "5"}}), "Question 2 of 5; 2 done");
    // A value holding its own placeholder is not expanded again.
    EXPECT_EQ(s.format("progress", "en", {{"n", "{n}"}, {"total", "5"}}), "Question {n} of 5; {n} done");
    EXPECT_EQ(s.format("progress", "en", {}), "Question {n} of {total}; {n} done");
}

TEST(UiStrings, MissingFileSaysWhereUiJsonShouldBe) {
    auto load = loadStrings("/nonexistent/i18n/ui.json", kKeys, {"en"});
    EXPECT_FALSE(load.strings);
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_EQ(load.problems.list()[0].file, "/nonexistent/i18n/ui.json");
    EXPECT_NE(load.problems.list()[0].message.find("cannot open"), std::string::npos);
    EXPECT_NE(load.problems.list()[0].fix.find("assets_dir"), std::string::npos);
}

TEST(UiStrings, GarbageAndDeepNestingAreProblems) {
    for (const std::string& text : {std::string("\xff\xfe{\0}", 5), std::string(100000, '['),
                                    "{\"en\": " + std::string(100000, '[') + std::string(100000, ']') + "}",
                                    std::string("{\"en\": {\"nav.back\": \"\xc3\"}}")}) {
        auto load = parseSafely(text);
        EXPECT_FALSE(load.problems.empty());
    }
}
