// Accessibility rules that hold by construction: text contrast in both themes, touch target
// sizes on the configured screen.
#include <gtest/gtest.h>

#include "kiosk/ui/metrics.h"
#include "kiosk/ui/theme.h"

using namespace otklik::ui;

TEST(Theme, ContrastFormulaMatchesWcagReferencePoints) {
    EXPECT_NEAR(contrastRatio(0x000000, 0xFFFFFF), 21.0, 0.01);
    EXPECT_NEAR(contrastRatio(0xFFFFFF, 0xFFFFFF), 1.0, 0.01);
    EXPECT_NEAR(contrastRatio(0x767676, 0xFFFFFF), 4.54, 0.02);  // the classic AA grey
}

TEST(Theme, EveryTextColourHasAtLeastAaContrastInTheNormalTheme) {
    for (const auto& pair : normalTheme().textPairs())
        EXPECT_GE(contrastRatio(pair.foreground, pair.background), 4.5) << pair.name;
}

TEST(Theme, HighContrastThemeReachesAaaContrast) {
    for (const auto& pair : highContrastTheme().textPairs())
        EXPECT_GE(contrastRatio(pair.foreground, pair.background), 7.0) << pair.name;
}

TEST(Metrics, TouchTargetsAreAtLeast15MillimetresOnTheDefaultScreen) {
    for (auto [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}}) {
        Metrics m = computeMetrics(w, h, 21.5, false, 0.5f);
        EXPECT_GE(m.touch / m.pxPerMm, kMinTouchMm) << w << "x" << h;
    }
}

TEST(Metrics, SmallPhysicalScreensGetLargerPixelTargets) {
    Metrics big = computeMetrics(800, 480, 21.5, false, 0.5f);
    Metrics tablet = computeMetrics(800, 480, 7.0, false, 0.5f);
    EXPECT_GT(tablet.touch, big.touch);
    EXPECT_GE(tablet.touch / tablet.pxPerMm, kMinTouchMm);
}

TEST(Metrics, LargeTextModeMovesEveryRoleUp) {
    Metrics normal = computeMetrics(1920, 1080, 21.5, false, 0.5f);
    Metrics large = computeMetrics(1920, 1080, 21.5, true, 0.5f);
    EXPECT_GT(large.fontBody, normal.fontBody);
    EXPECT_GT(large.fontTitle, normal.fontTitle);
    EXPECT_GT(large.touch, normal.touch);
}
