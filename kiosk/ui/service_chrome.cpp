// What every service screen shares: the top bar with the title and language buttons, the
// bottom bar with Back, notices, and the words of notices.
#include <algorithm>

#include "kiosk/ui/service_screens.h"

namespace otklik::ui {

const std::string& ServiceFrame::textLang(const std::string& key) const {
    static const std::string english = "en";
    return strings.has(key, lang()) ? lang() : english;
}

std::string ServiceFrame::f(const std::string& key, const std::vector<std::pair<std::string, std::string>>& values) const {
    std::map<std::string, std::string> map(values.begin(), values.end());
    return strings.format(key, textLang(key), map);
}

std::string ServiceFrame::say(const service::Notice& notice) const {
    if (notice.empty()) return "";
    std::string text = f(notice.key, notice.values);
    if (!notice.detail.empty()) text += " — " + notice.detail;
    return text;
}

void drawServiceTopBar(ServiceFrame& f, Rect& screen, const std::string& title) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    float rowH = m.touch + m.pad * 1.2f;
    Rect bar = screen.takeTop(rowH);
    c.fill(bar, c.theme.header);
    Rect inner = bar.inset(m.pad, (rowH - m.touch) / 2);
    // Short names when the full ones leave the title too little room (a portrait 7" panel).
    auto widthOf = [&](const std::string& label) { return std::max(m.touch * 1.2f, c.textWidth(TextRole::Small, label) + 2 * m.pad); };
    const char* nameKey = "language.name";
    float langsW = 0;
    for (const auto& code : f.languages) langsW += widthOf(f.strings.get(nameKey, code)) + m.gap * 0.5f;
    if (langsW > inner.w * 0.6f) {
        nameKey = "language.short";
        langsW = 0;
        for (const auto& code : f.languages) langsW += widthOf(f.strings.get(nameKey, code)) + m.gap * 0.5f;
    }
    float x = inner.right() - langsW + m.gap * 0.5f;
    for (const auto& code : f.languages) {
        const std::string& label = f.strings.get(nameKey, code);
        float w = widthOf(label);
        if (c.button("lang." + code, label, Rect{x, inner.y, w, m.touch}, ButtonStyle::Header, true, code == f.lang(), "language"))
            f.act(ServiceAction::Kind::Language, code);
        x += w + m.gap * 0.5f;
    }
    Rect titleBox{inner.x, inner.y, std::max(0.0f, inner.w - langsW - m.gap), m.touch};
    c.line(TextRole::Body, title, titleBox, c.theme.headerText);
    c.note("service.title", "heading", title, titleBox);
}

Rect drawServiceBottomBar(ServiceFrame& f, Rect& screen, const char* backId) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect bar = screen.takeBottom(m.touch + 2 * m.pad);
    c.fill(bar.takeTop(m.border), c.theme.surfaceBorder);
    Rect inner = bar.inset(m.pad * 1.5f, m.pad - m.border / 2);
    float w = std::max(m.touch * 2.2f, c.textWidth(TextRole::Body, f.s("svc.back")) + 2.5f * m.pad + m.touch * 0.45f);
    Rect back = inner.takeLeft(std::min(w, inner.w * 0.45f));
    if (c.button(backId, f.s("svc.back"), back, ButtonStyle::Secondary, true, false, "button", Icon::ChevronLeft))
        f.act(ServiceAction::Kind::Back);
    inner.takeLeft(m.gap);
    return inner;
}

void drawServiceNotice(ServiceFrame& f, const Rect& r, const std::string& text, bool good, bool bad) {
    if (text.empty()) return;
    Canvas& c = f.c;
    Rgb color = bad ? c.theme.badText : good ? c.theme.goodText : c.theme.mutedText;
    c.text(TextRole::Small, text, r, color, Align::Left);
    c.note("service.notice", "text", text, r);
}

}  // namespace otklik::ui
