// A follow-up question: ratings (faces, stars), yes/no and choice lists laid out as large
// tiles. Single answers move on by themselves; several answers need Next.
#include <algorithm>
#include <cmath>

#include "kiosk/ui/screens.h"

namespace otklik::ui {

namespace {

void drawScale(Frame& f, const Question& q, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const Answer* a = f.flow.answer(q.id);
    int rating = a ? a->rating : 0;
    float captionH = std::min(c.lineHeight(TextRole::Body) * 2.4f, area.h * 0.4f);
    float cellW = std::min((area.w - 4 * m.gap) / 5, m.touch * 3.2f);
    float symbol = std::max(0.0f, std::min(cellW * 0.85f, area.h - captionH - m.pad * 2));
    float contentH = symbol + captionH + m.pad;
    float x0 = area.x + (area.w - (5 * cellW + 4 * m.gap)) / 2;
    float y = area.y + std::max(0.0f, (area.h - contentH) / 2);
    float captionSize = 1e9f;
    for (int v = 1; v <= 5; ++v)
        captionSize = std::min(captionSize, c.fitSize(TextRole::Body, f.s("face." + std::to_string(v)), Rect{0, 0, cellW + m.gap, captionH}));
    for (int v = 1; v <= 5; ++v) {
        // The whole column is the target: a finger slightly above or below the star still counts.
        Rect cell{x0 + (v - 1) * (cellW + m.gap), area.y, cellW, area.h};
        const std::string& caption = f.s("face." + std::to_string(v));
        bool isFaces = q.type == QuestionType::Faces;
        auto press = c.area("answer." + std::to_string(v), cell, isFaces ? "face" : "star",
                            std::to_string(v) + " — " + caption, true, v == rating);
        if (press.clicked) f.act(UiAction::Kind::Choose, std::to_string(v));
        ImVec2 centre(cell.center().x, y + symbol / 2 + m.pad * 0.5f);
        if (isFaces) {
            c.face(centre, symbol / 2, v, v == rating, press.held);
        } else {
            if (press.held) c.circle(centre, symbol / 2, c.theme.pressed);
            // Stars up to the chosen one are filled, as everyone knows from shop ratings.
            c.star(centre, symbol * (press.held ? 0.43f : 0.47f), v <= rating);
        }
        c.text(TextRole::Body, caption, Rect{cell.x - m.gap / 2, y + symbol + m.pad, cell.w + m.gap, captionH}, c.theme.text,
               Align::Center, captionSize);
    }
}

struct Choice {
    std::string id;
    std::string label;
};

// Tiles in as few columns as keep every tile at least a touch target high.
void drawChoices(Frame& f, const Question& q, const std::vector<Choice>& choices, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const Answer* a = f.flow.answer(q.id);
    bool multi = q.type == QuestionType::Multi;
    int n = static_cast<int>(choices.size());
    int maxCols = m.portrait ? 2 : 4;
    // The fewest columns whose rows fit at a comfortable height; failing that, at the 15 mm
    // minimum (a small tablet in the large text mode).
    auto fits = [&](int cols, float tileH) {
        int rows = (n + cols - 1) / cols;
        return rows * tileH + (rows - 1) * m.gap <= area.h;
    };
    float minH = std::ceil(m.mm(kMinTouchMm));
    int cols = 1;
    while (cols < maxCols && !fits(cols, m.touch * 1.35f)) ++cols;
    if (!fits(cols, m.touch * 1.35f)) {
        cols = 1;
        while (cols < maxCols && !fits(cols, minH)) ++cols;
    }
    if (!m.portrait && n > 3 && cols < 2) cols = 2;  // a single wide column looks empty in landscape
    int rows = (n + cols - 1) / cols;
    float tileH = std::clamp((area.h - (rows - 1) * m.gap) / rows, minH, m.touch * 1.8f);
    float tileW = (area.w - (cols - 1) * m.gap) / cols;
    if (cols == 1) tileW = std::min(tileW, std::max(m.width * 0.5f, m.touch * 6));
    float blockW = cols * tileW + (cols - 1) * m.gap;
    float x0 = area.x + (area.w - blockW) / 2;
    for (int i = 0; i < n; ++i) {
        int col = i % cols, row = i / cols;
        Rect tile{x0 + col * (tileW + m.gap), area.y + row * (tileH + m.gap), tileW, tileH};
        bool selected = a && std::find(a->selected.begin(), a->selected.end(), choices[i].id) != a->selected.end();
        auto press = c.area("answer." + choices[i].id, tile, multi ? "checkbox" : "option", choices[i].label, true, selected);
        if (press.clicked) f.act(UiAction::Kind::Choose, choices[i].id);
        Rgb bg = selected && !multi ? c.theme.primary : (press.held ? c.theme.pressed : c.theme.surface);
        Rgb fg = selected && !multi ? c.theme.primaryText : c.theme.surfaceText;
        c.fill(tile, bg, m.rounding);
        c.outline(tile, selected ? c.theme.focusRing : c.theme.surfaceBorder, selected ? m.border * 2 : m.border, m.rounding);
        Rect label = tile.inset(m.pad, m.pad * 0.4f);
        if (multi) {
            float box = std::min(tileH * 0.5f, m.touch * 0.5f);
            Rect boxRect{label.x, tile.center().y - box / 2, box, box};
            c.fill(boxRect, selected ? c.theme.primary : c.theme.surface, m.rounding * 0.4f);
            c.outline(boxRect, selected ? c.theme.primary : c.theme.surfaceText, m.border * 1.5f, m.rounding * 0.4f);
            if (selected) c.checkMark(boxRect.center(), box * 0.6f, c.theme.primaryText, std::max(2.0f, box * 0.12f));
            label.takeLeft(box + m.pad);
            c.text(TextRole::Body, choices[i].label, label, fg, Align::Left);
        } else {
            c.text(TextRole::Body, choices[i].label, label, fg, Align::Center);
        }
    }
}

void drawYesNo(Frame& f, const Question& q, Rect area) {
    std::vector<Choice> choices = {{"yes", f.s("answer.yes")}, {"no", f.s("answer.no")}};
    Canvas& c = f.c;
    const Metrics& m = c.m;
    float tileW = std::min(area.w * 0.36f, m.touch * 4.5f);
    float tileH = std::min(area.h * 0.6f, m.touch * 2.2f);
    float x0 = area.x + (area.w - (2 * tileW + m.gap * 2)) / 2;
    const Answer* a = f.flow.answer(q.id);
    for (int i = 0; i < 2; ++i) {
        Rect tile{x0 + i * (tileW + m.gap * 2), area.y + (area.h - tileH) / 2, tileW, tileH};
        bool selected = a && !a->selected.empty() && a->selected.front() == choices[i].id;
        if (c.button("answer." + choices[i].id, choices[i].label, tile, ButtonStyle::Secondary, true, selected, "option"))
            f.act(UiAction::Kind::Choose, choices[i].id);
    }
}

}  // namespace

void drawQuestion(Frame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const Question* q = f.flow.current();
    if (!q) return;
    drawNavBar(f, area);
    Rect content = area.inset(m.pad * 2, m.pad * 1.5f);
    drawProgress(f, content);

    const std::string& text = f.t(q->text);
    float titleH = std::min(c.textHeight(TextRole::Title, text, content.w) + m.pad, content.h * 0.28f);
    Rect title = content.takeTop(titleH);
    c.text(TextRole::Title, text, title, c.theme.text);
    c.note("question", "heading", text, title);
    std::string hint = !q->hint.empty() ? f.t(q->hint) : (q->type == QuestionType::Multi ? f.s("multi.hint") : "");
    if (!hint.empty()) c.text(TextRole::Body, hint, content.takeTop(c.lineHeight(TextRole::Body) * 1.5f), c.theme.mutedText);
    content.takeTop(m.gap);

    switch (q->type) {
        case QuestionType::Faces:
        case QuestionType::Stars: drawScale(f, *q, content); break;
        case QuestionType::YesNo: drawYesNo(f, *q, content); break;
        case QuestionType::Single:
        case QuestionType::Multi:
        case QuestionType::Service: {
            std::vector<Choice> choices;
            const auto& options = q->type == QuestionType::Service ? f.flow.questionnaire().services : q->options;
            for (const auto& o : options) choices.push_back({o.id, f.t(o.label)});
            drawChoices(f, *q, choices, content);
            break;
        }
        case QuestionType::Text: break;  // drawn by the comment screen
    }
}

}  // namespace otklik::ui
