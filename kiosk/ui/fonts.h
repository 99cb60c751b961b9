// The font atlas: DejaVu Sans regular and bold at the few sizes the screens use, holding only
// the glyphs of the texts actually shown (questionnaire, interface strings, keyboard), which
// keeps the atlas small and start-up fast.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/metrics.h"

namespace otklik::ui {

enum class TextRole { Small, Body, Title, Huge };

class Fonts {
public:
    // Adds the fonts to the current ImGui context's atlas and builds it. False with `error`
    // naming the missing file or package.
    bool build(const FontSizes& sizes, const std::vector<std::string>& texts, std::string& error);

    [[nodiscard]] ImFont* get(TextRole role, bool largeText) const;

private:
    ImVector<ImWchar> ranges_;  // must outlive the atlas build
    ImFont* small_ = nullptr;
    ImFont* body_ = nullptr;
    ImFont* bodyLarge_ = nullptr;  // regular at title size: body text in the large mode
    ImFont* title_ = nullptr;
    ImFont* huge_ = nullptr;
};

}  // namespace otklik::ui
