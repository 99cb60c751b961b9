// The parts every visitor screen shares: top bar, bottom navigation, progress, QR card.
#include <algorithm>
#include <cmath>

#include "kiosk/ui/screens.h"

namespace otklik::ui {

const std::string& Frame::t(const LocalizedText& text) const {
    static const std::string none;
    if (auto it = text.find(lang()); it != text.end()) return it->second;
    if (auto it = text.find("*"); it != text.end()) return it->second;
    return text.empty() ? none : text.begin()->second;
}

void drawTopBar(Frame& f, Rect& screen) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const auto& languages = f.flow.settings().languages;
    float pad = m.pad;
    float spacing = m.gap * 0.6f;
    std::string toggleLabel = f.s(f.flow.largeText() ? "large.off" : "large.on");
    auto widthOf = [&](const std::string& label, TextRole role) {
        return std::max(m.touch * 1.4f, c.textWidth(role, label) + 2 * pad);
    };
    const char* nameKey = "language.name";
    auto rowWidth = [&](TextRole role, bool withToggle) {
        float w = withToggle ? widthOf(toggleLabel, role) : -spacing;
        for (const auto& code : languages) w += widthOf(f.strings.get(nameKey, code), role) + spacing;
        return w;
    };

    // Buttons sit at the right: language buttons, then the large-text toggle, within reach of
    // a visitor in a wheelchair too. When they leave too little room for the centre's name the
    // name gets a row of its own; when even that is too narrow the toggle joins the name's row.
    float usable = m.width - 2 * pad;
    TextRole role = TextRole::Body;
    bool twoRows = rowWidth(role, true) + m.width * 0.25f > usable;
    // Two rows of buttons would leave too little of a low screen (a 7" tablet in the large
    // mode): the languages then show short names ("РУС", "УКР", "ENG") and keep one row.
    bool compact = twoRows && 2 * (m.touch + pad * 1.2f) > m.height * 0.25f;
    if (compact) nameKey = "language.short";
    if (compact) twoRows = rowWidth(role, true) + m.width * 0.2f > usable;
    bool toggleOnTop = twoRows && rowWidth(role, true) > usable;
    if (toggleOnTop && rowWidth(role, false) > usable) role = TextRole::Small;

    float rowH = m.touch + pad * 1.2f;
    Rect bar = screen.takeTop(twoRows ? rowH * 2 : rowH);
    // Delivery without TLS checks (development only) turns the whole bar red and puts the
    // warning where the centre's name goes: seen on every screen, at no cost to the layout,
    // which on a 7" panel has not a millimetre to spare.
    bool insecure = f.settings.insecureBanner;
    c.fill(bar, insecure ? c.theme.danger : c.theme.header);
    if (!insecure && c.theme.header == c.theme.background) c.fill(Rect{bar.x, bar.bottom() - m.border, bar.w, m.border}, c.theme.surfaceBorder);

    Rect first = Rect{bar.x, bar.y, bar.w, rowH}.inset(pad, (rowH - m.touch) / 2);
    Rect buttons = twoRows ? Rect{bar.x, bar.y + rowH, bar.w, rowH}.inset(pad, (rowH - m.touch) / 2) : first;
    Rect name = first;
    float toggleW = widthOf(toggleLabel, role);
    Rect toggle;
    if (toggleOnTop) {
        toggle = name.takeRight(toggleW);
        name.takeRight(m.gap);
    }
    float langsW = rowWidth(role, !toggleOnTop);
    float x = twoRows ? buttons.x + (buttons.w - langsW) / 2 : buttons.right() - langsW;
    if (!twoRows) name.w = std::max(0.0f, x - m.gap - name.x);
    for (const auto& code : languages) {
        const std::string& label = f.strings.get(nameKey, code);
        float w = widthOf(label, role);
        if (c.button("lang." + code, label, Rect{x, buttons.y, w, m.touch}, ButtonStyle::Header, true, code == f.lang(), "language"))
            f.act(UiAction::Kind::Language, code);
        x += w + spacing;
    }
    if (!toggleOnTop) toggle = Rect{x, buttons.y, toggleW, m.touch};
    if (c.button("a11y.large", toggleLabel, toggle, ButtonStyle::Header, true, f.flow.largeText(), "toggle"))
        f.act(UiAction::Kind::LargeText);
    Align nameAlign = twoRows && !toggleOnTop ? Align::Center : Align::Left;
    if (insecure) {
        const std::string& warning = f.s("dev.insecure");
        c.text(TextRole::Body, warning, name, c.theme.dangerText, nameAlign);
        c.note("banner.insecure", "alert", warning, bar);
        return;
    }
    c.line(TextRole::Body, f.t(f.settings.centreName), name, c.theme.headerText, nameAlign);
}

void drawNavBar(Frame& f, Rect& screen) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    flow::Forward forward = f.flow.forward();
    bool next = forward != flow::Forward::Skip;
    bool back = f.flow.canGoBack();
    bool finish = f.flow.canFinish() && !f.flow.isLastQuestion();
    const std::string& backLabel = f.s("nav.back");
    const std::string& forwardLabel = f.s(next ? (f.flow.isLastQuestion() ? "nav.done" : "nav.next") : "nav.skip");
    const std::string& finishLabel = f.s("nav.finish");

    // Width a button needs for its label at full size, with room for its chevron.
    auto needed = [&](const std::string& label, bool icon) {
        return std::max(m.touch * 2.2f, c.textWidth(TextRole::Body, label) + 2.5f * m.pad + (icon ? m.touch * 0.45f : 0.0f));
    };
    float rowW = m.width - 3 * m.pad;
    float oneRow = (back ? needed(backLabel, true) : 0) + needed(forwardLabel, true) + (finish ? needed(finishLabel, false) : 0) +
                   2 * m.gap;
    // When three buttons do not fit one row at full size (portrait, large text), Finish gets
    // a row of its own above Back and Next, which stay at the bottom, nearest the hand.
    bool twoRows = finish && oneRow > rowW;
    float rowH = m.touch + 2 * m.pad;
    Rect bar = screen.takeBottom(twoRows ? rowH + m.touch + m.pad : rowH);
    c.fill(bar.takeTop(m.border), c.theme.surfaceBorder);
    Rect inner = bar.inset(m.pad * 1.5f, m.pad - m.border / 2);
    Rect bottom = inner.takeBottom(m.touch);
    const float fullW = bottom.w;
    auto widthOf = [&](const std::string& label, bool icon, float share) { return std::min(needed(label, icon), fullW * share); };

    float share = twoRows || !finish ? 0.48f : 0.32f;
    if (back) {
        Rect r = bottom.takeLeft(widthOf(backLabel, true, share));
        if (c.button("nav.back", backLabel, r, ButtonStyle::Secondary, true, false, "button", Icon::ChevronLeft))
            f.act(UiAction::Kind::Back);
    }
    Rect r = bottom.takeRight(widthOf(forwardLabel, true, share));
    bool enabled = forward != flow::Forward::Blocked;
    if (c.button(next ? "nav.next" : "nav.skip", forwardLabel, r, next ? ButtonStyle::Primary : ButtonStyle::Secondary, enabled,
                 false, "button", Icon::ChevronRight))
        f.act(next ? UiAction::Kind::Next : UiAction::Kind::Skip);
    if (finish) {
        float w = widthOf(finishLabel, false, twoRows ? 0.6f : 0.32f);
        Rect row = twoRows ? inner.takeTop(m.touch) : Rect{inner.x, bottom.y, inner.w, m.touch};
        Rect mid{row.x + (row.w - w) / 2, row.y, w, m.touch};
        if (c.button("nav.finish", finishLabel, mid, ButtonStyle::Secondary)) f.act(UiAction::Kind::Finish);
    }
}

void drawProgress(Frame& f, Rect& area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    int index = f.flow.progressIndex(), total = f.flow.progressTotal();
    std::string label = f.strings.format("progress", f.lang(), {{"n", std::to_string(index)}, {"total", std::to_string(total)}});
    Rect row = area.takeTop(c.lineHeight(TextRole::Small) * 1.3f);
    c.line(TextRole::Small, label, row, c.theme.mutedText);
    Rect track = area.takeTop(std::max(4.0f, m.unit * 0.8f));
    c.fill(track, c.theme.surfaceBorder, track.h / 2);
    Rect done = track;
    done.w = track.w * static_cast<float>(index) / static_cast<float>(std::max(total, 1));
    c.fill(done, c.theme.primary, track.h / 2);
    area.takeTop(m.gap * 1.2f);
}

void drawQrCard(Frame& f, const Rect& card) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    c.fill(card, c.theme.surface, m.rounding);
    c.outline(card, c.theme.surfaceBorder, m.border, m.rounding);
    Rect inner = card.inset(m.pad);
    const std::string& title = f.s("idle.qr_title");
    const std::string& hint = f.s("idle.qr_hint");
    bool beside = inner.w > inner.h * 1.6f;  // a wide, low card: text beside the code
    if (beside) {
        Rect code = inner.takeLeft(inner.h);
        if (f.qr.matrix) {
            Rect drawn = c.qr(*f.qr.matrix, code);
            c.note("qr", "qr", f.qr.url, drawn);
        }
        inner.takeLeft(m.gap);
        Rect titleBox = inner.takeTop(inner.h * 0.5f);
        c.text(TextRole::Title, title, titleBox, c.theme.surfaceText, Align::Left);
        c.text(TextRole::Small, hint, inner, c.theme.mutedText, Align::Left);
        return;
    }
    float titleH = std::min(c.textHeight(TextRole::Body, title, inner.w) + m.pad, inner.h * 0.25f);
    c.text(TextRole::Body, title, inner.takeTop(titleH), c.theme.surfaceText);
    float hintH = std::min(c.textHeight(TextRole::Small, hint, inner.w) + m.pad * 0.5f, inner.h * 0.25f);
    Rect hintBox = inner.takeBottom(hintH);
    c.text(TextRole::Small, hint, hintBox, c.theme.mutedText);
    if (f.qr.matrix) {
        Rect drawn = c.qr(*f.qr.matrix, inner);
        c.note("qr", "qr", f.qr.url, drawn);
    }
}

}  // namespace otklik::ui
