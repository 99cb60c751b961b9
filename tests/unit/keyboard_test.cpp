// The on-screen keyboard's model: layouts, capitals, limits.
#include <gtest/gtest.h>

#include "kiosk/flow/keyboard.h"

using namespace otklik::flow;

TEST(Keyboard, LayoutsFollowTheConfiguredLanguagesThenDigits) {
    auto layouts = layoutsFor({"ru", "uk", "en"});
    ASSERT_EQ(layouts.size(), 4u);
    EXPECT_EQ(layouts[0].code, "ru");
    EXPECT_EQ(layouts[3].code, "123");
    auto fallback = layoutsFor({"kk"});  // no Kazakh layout: Latin letters still available
    ASSERT_EQ(fallback.size(), 2u);
    EXPECT_EQ(fallback[0].code, "en");
}

TEST(Keyboard, UkrainianLayoutHasItsOwnLetters) {
    TextEntry e(layoutsFor({"uk"}));
    e.reset("uk");
    for (const char* k : {"ї", "є", "ґ", "і", "’"}) EXPECT_TRUE(e.press(k)) << k;
    EXPECT_EQ(e.text(), "Їєґі’");
    EXPECT_FALSE(e.press("ы"));  // Russian-only letter is not on the Ukrainian layout
}

TEST(Keyboard, CapitalAtSentenceStartShiftIsOneShot) {
    TextEntry e(layoutsFor({"en"}));
    e.reset("en");
    EXPECT_TRUE(e.capitals());
    e.press("h");
    e.press("i");
    EXPECT_EQ(e.text(), "Hi");
    e.press("shift");
    e.press("y");
    e.press("o");
    EXPECT_EQ(e.text(), "HiYo");
    e.press(".");
    e.press("space");
    e.press("o");
    EXPECT_EQ(e.text(), "HiYo. O");
}

TEST(Keyboard, BackspaceRemovesWholeCyrillicCharacters) {
    TextEntry e(layoutsFor({"ru"}));
    e.reset("ru");
    e.press("ж");
    e.press("ё");
    e.press("backspace");
    EXPECT_EQ(e.text(), "Ж");
    e.press("backspace");
    EXPECT_EQ(e.text(), "");
    EXPECT_FALSE(e.press("backspace"));
}

TEST(Keyboard, NoLeadingOrDoubleSpacesAndALengthLimit) {
    TextEntry e(layoutsFor({"ru"}));
    e.reset("ru");
    e.setMaxLength(3);
    EXPECT_FALSE(e.press("space"));
    e.press("а");
    e.press("space");
    EXPECT_FALSE(e.press("space"));
    e.press("б");
    EXPECT_FALSE(e.press("в"));
    EXPECT_EQ(e.length(), 3u);
}

TEST(Keyboard, LayoutKeyCyclesAndLanguageSelectsItsLayout) {
    TextEntry e(layoutsFor({"ru", "en"}));
    e.reset("en");
    EXPECT_EQ(e.layout().code, "en");
    e.press("layout");
    EXPECT_EQ(e.layout().code, "123");
    EXPECT_TRUE(e.press("7"));
    e.press("layout");
    EXPECT_EQ(e.layout().code, "ru");
    e.selectLanguage("en");
    EXPECT_EQ(e.layout().code, "en");
}

TEST(Keyboard, UpperCaseCoversEveryLetterOnTheLayouts) {
    for (const auto& layout : layoutsFor({"ru", "uk", "en"})) {
        if (layout.code == "123") continue;
        for (const auto& row : layout.rows) {
            for (const auto& key : row) {
                bool letter = key.size() > 1 || (key[0] >= 'a' && key[0] <= 'z');
                if (letter && key != "’") {
                    EXPECT_NE(upperCase(key), key) << key;
                }
            }
        }
    }
}
