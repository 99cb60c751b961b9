// Font atlas building.
#include "fonts.h"

#include <sys/stat.h>

namespace otklik::ui {

namespace {

constexpr const char* kRegular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

bool exists(const char* path) {
    struct stat st {};
    return ::stat(path, &st) == 0;
}

}  // namespace

bool Fonts::build(const FontSizes& sizes, const std::vector<std::string>& texts, std::string& error) {
    for (const char* path : {kRegular, kBold}) {
        if (!exists(path)) {
            error = std::string("font ") + path + " is missing: install the Debian package fonts-dejavu-core";
            return false;
        }
    }
    ImGuiIO& io = ImGui::GetIO();
    // A rebuild (a new questionnaire may need new glyphs) starts from an empty atlas; the old
    // fonts point into ranges_, which is rebuilt below.
    io.Fonts->Clear();
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesDefault());  // printable ASCII for ids, numbers, URLs
    for (const auto& text : texts) builder.AddText(text.c_str());
    builder.AddText("…—«»№’0123456789/%✓✗·−⌫→");
    ranges_.clear();
    builder.BuildRanges(&ranges_);

    ImFontConfig config;
    config.OversampleH = 1;  // large kiosk text needs no sub-pixel positioning; 1 keeps the atlas small
    config.OversampleV = 1;
    config.PixelSnapH = true;
    auto add = [&](const char* path, float size) {
        return io.Fonts->AddFontFromFileTTF(path, size, &config, ranges_.Data);
    };
    small_ = add(kRegular, sizes.small);
    body_ = add(kRegular, sizes.body);
    bodyLarge_ = add(kRegular, sizes.title);
    title_ = add(kBold, sizes.title);
    huge_ = add(kBold, sizes.huge);
    if (!small_ || !body_ || !bodyLarge_ || !title_ || !huge_ || !io.Fonts->Build()) {
        error = "cannot build the font atlas from DejaVu Sans";
        return false;
    }
    return true;
}

ImFont* Fonts::get(TextRole role, bool largeText) const {
    switch (role) {
        case TextRole::Small: return largeText ? body_ : small_;
        case TextRole::Body: return largeText ? bodyLarge_ : body_;
        case TextRole::Title: return largeText ? huge_ : title_;
        case TextRole::Huge: return huge_;
    }
    return body_;
}

}  // namespace otklik::ui
