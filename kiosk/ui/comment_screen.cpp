// A free-text question: the text so far, an on-screen keyboard (Cyrillic and Latin layouts,
// digits, shift, space, backspace) sized for fingers, and where there is room a QR code to
// continue the same response on the phone.
#include <algorithm>
#include <cmath>

#include "kiosk/flow/keyboard.h"
#include "kiosk/ui/screens.h"

namespace otklik::ui {

namespace {

void drawKeyboard(Frame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const flow::TextEntry& entry = f.flow.textEntry();
    const auto& rows = entry.layout().rows;
    size_t widest = 0;
    for (const auto& row : rows) widest = std::max(widest, row.size());
    float gap = std::max(2.0f, std::round(m.unit * 0.6f));
    // Keys may go down to the 15 mm minimum here, not the roomier touch size of other tiles:
    // twelve Cyrillic letters must fit one row even in portrait.
    float minKey = m.mm(kMinTouchMm);
    // On a physically small screen (a 7" tablet) twelve 15 mm keys are wider than the glass;
    // then keys take what there is rather than run off the screen.
    float fitW = std::floor((area.w - (widest - 1) * gap) / widest);
    float keyW = std::min(std::max(std::min(fitW, m.touch * 1.25f), minKey), fitW);
    float fitH = std::floor((area.h - 3 * gap) / 4);
    float keyH = std::min(std::max(std::min(fitH, m.touch * 1.5f), minKey), fitH);
    float blockH = 4 * keyH + 3 * gap;
    float y = area.y + std::max(0.0f, (area.h - blockH) / 2);
    bool capitals = entry.capitals();
    auto key = [&](const std::string& name, const std::string& label, Rect r, bool selected = false) {
        if (c.button("key." + name, label, r, ButtonStyle::Secondary, true, selected, "key"))
            f.act(UiAction::Kind::Key, name);
    };
    for (const auto& row : rows) {
        float rowW = row.size() * keyW + (row.size() - 1) * gap;
        float x = area.x + (area.w - rowW) / 2;
        for (const auto& ch : row) {
            key(ch, capitals ? flow::upperCase(ch) : ch, Rect{x, y, keyW, keyH});
            x += keyW + gap;
        }
        y += keyH + gap;
    }
    // Bottom row: shift, layout switch, a wide space bar, backspace.
    float rowW = std::min(area.w, widest * keyW + (widest - 1) * gap);
    float x = area.x + (area.w - rowW) / 2;
    float special = std::round(keyW * 1.6f);
    key(flow::kKeyShift, "⇧", Rect{x, y, special, keyH}, entry.shiftPressed());
    key(flow::kKeyLayout, entry.nextLayout().name, Rect{x + special + gap, y, special, keyH});
    Rect back{x + rowW - special, y, special, keyH};
    Rect space{x + 2 * (special + gap), y, back.x - gap - (x + 2 * (special + gap)), keyH};
    key(flow::kKeySpace, f.s("key.space"), space);
    key(flow::kKeyBackspace, "⌫", back);
}

}  // namespace

// The smallest continuation code worth showing: about half a millimetre a module for a
// version-6 code, which a phone reads from the distance of a visitor standing at the screen.
constexpr float kContinueQrMinMm = 25.0f;

void drawContinueCard(Frame& f, Rect& area) {
    if (!f.continueQr.matrix) return;
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const std::string& title = f.s("comment.qr_title");
    int modules = f.continueQr.matrix->size + 2 * kQrQuietZone;
    // Also at least two pixels a module: with one, a camera sees the pixel grid, not the code.
    float minSide = std::max(m.mm(kContinueQrMinMm), 2.0f * static_cast<float>(modules));
    // A wide area (landscape): the card at the right, the code as tall as the heading and the
    // text box, which keep four fifths of the width. A tall one (portrait): a strip under the
    // text box, the code at most a third of the width and two fifths of the height. Either
    // way the title sits beside the code in about two lines.
    bool tall = area.h > area.w * 0.6f;
    float side = std::floor(tall ? std::min(area.w * 0.3f, area.h * 0.4f) : std::min(area.h - 2 * m.pad, area.w * 0.2f));
    if (side < minSide) return;  // the smallest screens: no card rather than an unreadable one
    float textW = std::clamp(c.textWidth(TextRole::Body, title) * 0.55f, side * 0.6f, side * 1.2f);
    Rect card = tall ? area.takeBottom(side + 2 * m.pad) : area.takeRight(side + textW + 3 * m.pad);
    if (tall) area.takeBottom(m.gap);
    else area.takeRight(m.gap);
    c.fill(card, c.theme.surface, m.rounding);
    c.outline(card, c.theme.surfaceBorder, m.border, m.rounding);
    Rect inner = card.inset(m.pad);
    Rect code = inner.takeRight(side);
    inner.takeRight(m.pad);
    c.text(TextRole::Body, title, inner, c.theme.surfaceText, Align::Left);
    Rect drawn = c.qr(*f.continueQr.matrix, code);
    c.note("qr.continue", "qr", f.continueQr.url, drawn);
}

void drawComment(Frame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const Question* q = f.flow.current();
    if (!q) return;
    drawNavBar(f, area);
    Rect content = area.inset(m.pad * 2, m.pad * 1.2f);
    drawProgress(f, content);

    // The keyboard gets its room first; the question and the text box share the rest.
    float minKey = m.mm(kMinTouchMm);
    float gap = std::max(2.0f, std::round(m.unit * 0.6f));
    // The text box needs a few lines; everything else goes to the keys (taller keys are
    // easier to hit when the screen's width already fixes how wide they can be).
    float titleAndBox = c.lineHeight(TextRole::Title) * 2.6f + c.lineHeight(TextRole::Body) * 5.5f + m.gap;
    float keyboardH = std::max({4 * minKey + 3 * gap, std::min(content.h * 0.58f, 4 * m.touch * 1.1f + 3 * gap),
                                std::min(content.h - titleAndBox, 4 * m.touch * 1.5f + 3 * gap)});
    Rect keyboard = content.takeBottom(keyboardH);
    content.takeBottom(m.gap);

    // Beside the heading and the text box together: the tallest place left for a code.
    drawContinueCard(f, content);
    const std::string& text = f.t(q->text);
    float titleH = std::min(c.textHeight(TextRole::Title, text, content.w) + m.pad * 0.5f, content.h * 0.4f);
    Rect title = content.takeTop(titleH);
    c.text(TextRole::Title, text, title, c.theme.text);
    c.note("question", "heading", text, title);

    const flow::TextEntry& entry = f.flow.textEntry();
    Rect box = content;
    c.fill(box, c.theme.surface, m.rounding);
    c.outline(box, c.theme.focusRing, m.border * 2, m.rounding);
    Rect inner = box.inset(m.pad, m.pad * 0.5f);
    std::string counter = std::to_string(entry.length()) + " / " + std::to_string(entry.maxLength());
    Rect counterBox = inner.takeBottom(std::min(inner.h * 0.4f, c.lineHeight(TextRole::Small) * 1.2f));
    c.line(TextRole::Small, counter, counterBox, c.theme.mutedText, Align::Right);
    if (entry.text().empty()) {
        const std::string& placeholder = !q->hint.empty() ? f.t(q->hint) : f.s("comment.placeholder");
        c.textTop(TextRole::Body, placeholder, inner, c.theme.mutedText);
    } else {
        // Show the end of long texts: what was just typed matters most. The bar is the caret.
        c.textTop(TextRole::Body, entry.text() + "|", inner, c.theme.surfaceText);
    }
    c.note("comment.text", "textbox", entry.text(), box);
    drawKeyboard(f, keyboard);
}

}  // namespace otklik::ui
