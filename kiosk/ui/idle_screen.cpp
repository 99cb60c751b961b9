// The first screen: the main question answered with one tap on a face, and the QR code for
// visitors who would rather rate on their own phone.
#include <algorithm>
#include <cmath>

#include "kiosk/ui/screens.h"

namespace otklik::ui {

namespace {

std::string caption(Frame& f, int value) {
    const auto& labels = f.flow.questionnaire().faceLabels;
    return labels.size() == 5 ? f.t(labels[value - 1]) : f.s("face." + std::to_string(value));
}

// One face with its caption: a single tap target.
void drawFace(Frame& f, int value, const Rect& cell, const Rect& faceBox, const Rect& captionBox, Align align, float size) {
    Canvas& c = f.c;
    std::string text = caption(f, value);
    bool selected = value == f.flow.selectedRating();
    auto press = c.area("rate." + std::to_string(value), cell, "face", text, true, selected);
    if (press.clicked) f.act(UiAction::Kind::Rate, {}, value);
    c.face(faceBox.center(), std::min(faceBox.w, faceBox.h) / 2, value, selected, press.held);
    c.text(TextRole::Body, text, captionBox, c.theme.text, align, size);
}

// Five faces in a row, worst to best, captions underneath in one shared size.
void drawFaceRow(Frame& f, const Rect& row) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    float captionH = c.lineHeight(TextRole::Body) * 2.4f;
    float cellW = (row.w - 4 * m.gap) / 5;
    float captionSize = 1e9f;
    for (int v = 1; v <= 5; ++v)
        captionSize = std::min(captionSize, c.fitSize(TextRole::Body, caption(f, v), Rect{0, 0, cellW + m.gap, captionH}));
    float diameter = std::min(cellW * 0.9f, row.h - captionH - m.pad);
    float y = row.y + (row.h - (diameter + captionH + m.pad)) / 2;
    for (int v = 1; v <= 5; ++v) {
        // The whole column is the target, however the face and caption sit in it.
        Rect cell{row.x + (v - 1) * (cellW + m.gap), row.y, cellW, row.h};
        Rect faceBox{cell.center().x - diameter / 2, y + m.pad * 0.5f, diameter, diameter};
        Rect captionBox{cell.x - m.gap / 2, y + diameter + m.pad, cell.w + m.gap, captionH};
        drawFace(f, v, cell, faceBox, captionBox, Align::Center, captionSize);
    }
}

// Five rows, best at the top, each a face with its caption beside it.
void drawFaceList(Frame& f, const Rect& area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    float rowH = std::clamp((area.h - 4 * m.gap) / 5, m.touch, m.touch * 2.2f);
    float rowW = std::min(area.w, rowH * 5.5f);
    float x = area.x + (area.w - rowW) / 2;
    float y = area.y + (area.h - (5 * rowH + 4 * m.gap)) / 2;
    for (int v = 5; v >= 1; --v) {
        Rect cell{x, y, rowW, rowH};
        Rect rest = cell;
        Rect faceBox = rest.takeLeft(rowH).inset(m.pad * 0.3f);
        rest.takeLeft(m.gap);
        drawFace(f, v, cell, faceBox, rest, Align::Left, 0);
        y += rowH + m.gap;
    }
}

}  // namespace

void drawIdle(Frame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const std::string& hint = f.s("idle.tap_hint");
    Rect content = area.inset(m.pad * 2);
    if (f.undeliveredMark) {
        // For technicians only (docs/technician.md): a small amber dot in the bottom-left
        // corner while responses wait and nothing was delivered for over an hour. It asks
        // nothing of a visitor and looks like part of the frame.
        float d = std::max(4.0f, m.mm(2.5f));
        Rect dot{area.x + m.pad * 0.6f, area.bottom() - m.pad * 0.6f - d, d, d};
        c.circle(dot.center(), d / 2, c.theme.warning);
        c.note("mark.undelivered", "text", "undelivered for over an hour", dot);
    }

    // The large mode on a portrait screen lists the faces one per row (drawFaceList): they
    // need five touch targets of height, and the QR card gets what is left.
    const std::string& question = f.t(f.flow.questionnaire().main.text);
    bool list = f.flow.largeText() && m.portrait;
    float titleH = std::min(c.textHeight(TextRole::Title, question, content.w * 0.92f) + m.pad * 2, content.h * 0.3f);
    float hintH = c.lineHeight(TextRole::Body) * 2.6f;
    float listH = 5 * m.touch * 1.15f + 4 * m.gap;

    Rect qrCard;
    if (m.portrait) {
        float cardH = std::min(content.h * 0.3f, content.w * 0.42f);
        if (list) cardH = std::max(content.h * 0.12f, std::min(cardH, content.h - titleH - hintH - listH - m.gap * 2));
        qrCard = content.takeBottom(cardH);
        content.takeBottom(m.gap * 2);
    } else {
        // In the large mode the captions under the faces need the width more than the code.
        qrCard = content.takeRight(std::min(content.w * (f.flow.largeText() ? 0.22f : 0.27f), content.h * 0.78f));
        qrCard = Rect{qrCard.x, qrCard.y + (content.h - std::min(content.h, qrCard.w * 1.45f)) / 2, qrCard.w,
                      std::min(content.h, qrCard.w * 1.45f)};
        content.takeRight(m.gap * 2);
    }
    drawQrCard(f, qrCard);

    // Title, faces and hint form one block, centred in what the QR card leaves.
    float rowFacesH = (content.w - 4 * m.gap) / 5 + c.lineHeight(TextRole::Body) * 2.4f + m.pad * 2;
    float facesH = std::max(0.0f, std::min(content.h - titleH - hintH, list ? listH : rowFacesH));
    float blockH = titleH + facesH + hintH;
    content.takeTop(std::max(0.0f, (content.h - blockH) / 2));
    Rect title = content.takeTop(titleH);
    c.text(TextRole::Title, question, title.inset(content.w * 0.04f, 0), c.theme.text);
    c.note("question", "heading", question, title);
    Rect faces = content.takeTop(facesH);
    Rect hintBox = content.takeTop(hintH);
    c.text(TextRole::Body, hint, hintBox, c.theme.mutedText);
    if (list) drawFaceList(f, faces);
    else drawFaceRow(f, faces);
}

}  // namespace otklik::ui
