// Screens without questions: thank-you after a stored response, and "temporarily
// unavailable" while storage fails.
#include <algorithm>

#include "kiosk/ui/screens.h"

namespace otklik::ui {

void drawThanks(Frame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect content = area.inset(m.pad * 3);
    float mark = std::min(content.h * 0.32f, content.w * 0.3f);
    const std::string& title = f.s("thanks.title");
    const std::string& text = f.s("thanks.text");
    float titleH = c.lineHeight(TextRole::Huge) * 1.4f;
    float textH = std::min(c.textHeight(TextRole::Body, text, content.w * 0.7f) + m.pad, content.h * 0.25f);
    float total = mark + m.gap * 2 + titleH + textH;
    float y = content.y + std::max(0.0f, (content.h - total) / 2);
    ImVec2 centre(content.center().x, y + mark / 2);
    c.circle(centre, mark / 2, c.theme.success);
    c.checkMark(centre, mark * 0.5f, c.theme.background == 0x000000 ? 0x000000 : 0xFFFFFF, mark * 0.09f);
    Rect titleBox{content.x, y + mark + m.gap * 2, content.w, titleH};
    c.text(TextRole::Huge, title, titleBox, c.theme.text);
    c.note("thanks", "heading", title, titleBox);
    c.text(TextRole::Body, text, Rect{content.x + content.w * 0.15f, titleBox.bottom(), content.w * 0.7f, textH}, c.theme.mutedText);
}

void drawUnavailable(Frame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect content = area.inset(m.pad * 3);
    Rect card = m.portrait ? content.takeBottom(content.h * 0.45f) : content.takeRight(content.w * 0.35f);
    drawQrCard(f, card.inset(m.pad));
    float mark = std::min(content.h * 0.25f, content.w * 0.25f);
    ImVec2 centre(content.center().x, content.y + content.h * 0.25f);
    c.circle(centre, mark / 2, c.theme.warning);
    c.line(TextRole::Huge, "!", Rect{centre.x - mark / 2, centre.y - mark / 2, mark, mark}, c.theme.faceInk, Align::Center);
    const std::string& title = f.s("unavailable.title");
    Rect titleBox{content.x, centre.y + mark / 2 + m.gap, content.w, content.h * 0.25f};
    c.text(TextRole::Title, title, titleBox, c.theme.text);
    c.note("unavailable", "heading", title, titleBox);
    c.text(TextRole::Body, f.s("unavailable.text"), Rect{content.x, titleBox.bottom(), content.w, content.h * 0.2f}, c.theme.mutedText);
}

}  // namespace otklik::ui
