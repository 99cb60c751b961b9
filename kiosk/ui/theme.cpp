// Theme colours and the WCAG contrast formula.
#include "theme.h"

#include <algorithm>
#include <cmath>

namespace otklik::ui {

namespace {

double channel(Rgb rgb, int shift) {
    double c = ((rgb >> shift) & 0xFF) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(Rgb rgb) {
    return 0.2126 * channel(rgb, 16) + 0.7152 * channel(rgb, 8) + 0.0722 * channel(rgb, 0);
}

}  // namespace

double contrastRatio(Rgb a, Rgb b) {
    double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

uint32_t toImColor(Rgb rgb, int alpha) {
    uint32_t r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
    return (static_cast<uint32_t>(alpha) << 24) | (b << 16) | (g << 8) | r;
}

std::vector<Theme::TextPair> Theme::textPairs() const {
    return {
        {"text on background", text, background},
        {"hint on background", mutedText, background},
        {"tile text", surfaceText, surface},
        {"tile text pressed", surfaceText, pressed},
        {"button text", primaryText, primary},
        {"header text", headerText, header},
        {"header button text", headerButtonText, headerButton},
        {"danger banner text", dangerText, danger},
        {"passed check", goodText, background},
        {"failed check", badText, background},
    };
}

const Theme& normalTheme() {
    static const Theme theme{
        .background = 0xF2F5F9,
        .text = 0x13233A,
        .mutedText = 0x46566B,
        .surface = 0xFFFFFF,
        .surfaceText = 0x13233A,
        .surfaceBorder = 0xB8C4D3,
        .pressed = 0xDCE6F2,
        .primary = 0x0B55A0,
        .primaryText = 0xFFFFFF,
        .header = 0x0B3F78,
        .headerText = 0xFFFFFF,
        .headerButton = 0x1C5A9C,
        .headerButtonText = 0xFFFFFF,
        .focusRing = 0x0B55A0,
        .star = 0xF2A900,
        .starEmpty = 0xC9D3DF,
        .faceInk = 0x1D2733,
        .faces = {0xE5484D, 0xF5903D, 0xF7C948, 0x8BC34A, 0x2E9E5B},
        .success = 0x2E9E5B,
        .warning = 0xD9822B,
        .danger = 0xB3261E,
        .dangerText = 0xFFFFFF,
        .goodText = 0x1B6B3A,
        .badText = 0xB3261E,
        .borderWidthMm = 0.5f,
    };
    return theme;
}

const Theme& highContrastTheme() {
    static const Theme theme{
        .background = 0x000000,
        .text = 0xFFFFFF,
        .mutedText = 0xF2F2F2,
        .surface = 0x000000,
        .surfaceText = 0xFFFFFF,
        .surfaceBorder = 0xFFFFFF,
        .pressed = 0x333333,
        .primary = 0xFFE14D,
        .primaryText = 0x000000,
        .header = 0x000000,
        .headerText = 0xFFFFFF,
        .headerButton = 0x000000,
        .headerButtonText = 0xFFE14D,
        .focusRing = 0xFFE14D,
        .star = 0xFFE14D,
        .starEmpty = 0x5C5C5C,
        .faceInk = 0x000000,
        .faces = {0xFF6B6B, 0xFFA94D, 0xFFE14D, 0xA9E34B, 0x51CF66},
        .success = 0x51CF66,
        .warning = 0xFFA94D,
        .danger = 0x8B0000,  // darker: white on it reaches 7:1 (AAA)
        .dangerText = 0xFFFFFF,
        .goodText = 0x51CF66,
        .badText = 0xFF8A80,
        .borderWidthMm = 1.0f,
    };
    return theme;
}

}  // namespace otklik::ui
