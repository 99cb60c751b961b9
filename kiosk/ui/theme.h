// Colours of the visitor screens: the normal theme and the high-contrast one of the large
// text mode. Every text colour is paired with its background so tests can check contrast.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace otklik::ui {

// 0xRRGGBB
using Rgb = uint32_t;

struct Theme {
    Rgb background;      // screen
    Rgb text;            // main text on background
    Rgb mutedText;       // hints on background
    Rgb surface;         // tiles and secondary buttons
    Rgb surfaceText;
    Rgb surfaceBorder;
    Rgb pressed;         // tile while a finger is on it
    Rgb primary;         // main action buttons, selected tiles
    Rgb primaryText;
    Rgb header;          // top bar
    Rgb headerText;
    Rgb headerButton;    // language buttons in the top bar
    Rgb headerButtonText;
    Rgb focusRing;       // selected face / star outline
    Rgb star;            // filled star
    Rgb starEmpty;
    Rgb faceInk;         // eyes and mouth of the faces
    Rgb faces[5];        // face colours, worst to best
    Rgb success;         // thank-you mark
    Rgb warning;         // unavailable screen mark
    Rgb danger;          // the development-mode banner
    Rgb dangerText;
    Rgb goodText;        // a passed check, on background (service screens)
    Rgb badText;         // a failed check, on background
    float borderWidthMm; // tile outlines; thicker in high contrast

    struct TextPair {
        std::string name;
        Rgb foreground;
        Rgb background;
    };
    // Every text colour with the background it is drawn on.
    [[nodiscard]] std::vector<TextPair> textPairs() const;
};

const Theme& normalTheme();
const Theme& highContrastTheme();

// WCAG 2 contrast ratio between two colours, 1..21.
double contrastRatio(Rgb a, Rgb b);

// ImGui colour (ABGR in memory order) from 0xRRGGBB and alpha 0..255.
uint32_t toImColor(Rgb rgb, int alpha = 255);

}  // namespace otklik::ui
