// Frame drawing primitives and widgets.
#include "canvas.h"

#include <algorithm>
#include <cmath>

namespace otklik::ui {

namespace {
constexpr float kPi = 3.14159265f;
}  // namespace

Rect Rect::takeTop(float height) {
    height = std::min(height, h);
    Rect out{x, y, w, height};
    y += height;
    h -= height;
    return out;
}

Rect Rect::takeBottom(float height) {
    height = std::min(height, h);
    h -= height;
    return {x, y + h, w, height};
}

Rect Rect::takeLeft(float width) {
    width = std::min(width, w);
    Rect out{x, y, width, h};
    x += width;
    w -= width;
    return out;
}

Rect Rect::takeRight(float width) {
    width = std::min(width, w);
    w -= width;
    return {x + w, y, width, h};
}

Canvas::Canvas(ImDrawList& draw, const Theme& theme_, const Metrics& metrics, const Fonts& fonts, bool largeText,
               ElementTree& tree)
    : theme(theme_), m(metrics), draw_(draw), fonts_(fonts), large_(largeText), tree_(tree) {}

Canvas::Press Canvas::area(const std::string& id, const Rect& r, const char* role, const std::string& label,
                           bool enabled, bool selected) {
    tree_.add(Element{id, role, label, r.x, r.y, r.w, r.h, enabled, selected});
    Press press;
    if (!enabled || r.w < 1 || r.h < 1) return press;
    ImGui::SetCursorScreenPos(r.min());
    press.clicked = ImGui::InvisibleButton(id.c_str(), ImVec2(r.w, r.h));
    press.held = ImGui::IsItemActive() && ImGui::IsItemHovered();
    return press;
}

bool Canvas::button(const std::string& id, const std::string& label, const Rect& r, ButtonStyle style, bool enabled,
                    bool selected, const char* role, Icon icon) {
    Press p = area(id, r, role, label, enabled, selected);
    Rgb bg, fg;
    bool border = false;
    switch (style) {
        case ButtonStyle::Primary:
            bg = theme.primary;
            fg = theme.primaryText;
            border = theme.primary == theme.background;
            break;
        case ButtonStyle::Header:
            bg = selected ? theme.headerText : theme.headerButton;
            fg = selected ? theme.header : theme.headerButtonText;
            border = true;
            break;
        case ButtonStyle::Secondary:
        default:
            bg = selected ? theme.primary : (p.held ? theme.pressed : theme.surface);
            fg = selected ? theme.primaryText : theme.surfaceText;
            border = true;
            break;
    }
    int alpha = enabled ? 255 : 110;
    fill(r, bg, m.rounding, alpha);
    if (p.held && style != ButtonStyle::Secondary) fill(r, 0x000000, m.rounding, 50);
    if (border) outline(r, style == ButtonStyle::Header ? theme.headerButtonText : theme.surfaceBorder, m.border, m.rounding);
    Rect textBox = r.inset(m.pad, m.pad * 0.3f);
    if (icon != Icon::None) {
        float size = std::min(r.h * 0.36f, m.touch * 0.3f);
        float stroke = std::max(2.0f, m.unit * 0.45f);
        bool left = icon == Icon::ChevronLeft;
        Rect iconBox = left ? textBox.takeLeft(size) : textBox.takeRight(size);
        chevron(iconBox.center(), size, left, fg, stroke);
        if (left) textBox.takeLeft(m.pad * 0.5f);
        else textBox.takeRight(m.pad * 0.5f);
    }
    text(TextRole::Body, label, textBox, fg, Align::Center);
    if (!enabled) fill(r, theme.background, m.rounding, 90);
    return p.clicked;
}

void Canvas::note(const std::string& id, const char* role, const std::string& label, const Rect& r) {
    tree_.add(Element{id, role, label, r.x, r.y, r.w, r.h, true, false});
}

std::optional<ImVec2> Canvas::pointerDown() const {
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.MouseDown[0]) return std::nullopt;
    return io.MousePos;
}

void Canvas::fill(const Rect& r, Rgb color, float rounding, int alpha) {
    draw_.AddRectFilled(r.min(), r.max(), toImColor(color, alpha), rounding);
}

void Canvas::outline(const Rect& r, Rgb color, float thickness, float rounding) {
    float half = thickness / 2;
    draw_.AddRect(ImVec2(r.x + half, r.y + half), ImVec2(r.right() - half, r.bottom() - half), toImColor(color), rounding,
                  0, thickness);
}

void Canvas::circle(ImVec2 c, float radius, Rgb color, int alpha) {
    draw_.AddCircleFilled(c, radius, toImColor(color, alpha), 0);
}

void Canvas::ring(ImVec2 c, float radius, Rgb color, float thickness) {
    draw_.AddCircle(c, radius, toImColor(color), 0, thickness);
}

float Canvas::lineHeight(TextRole role) const { return font(role)->FontSize; }

float Canvas::textWidth(TextRole role, const std::string& s) const {
    ImFont* f = font(role);
    return f->CalcTextSizeA(f->FontSize, 1e9f, 0, s.c_str(), s.c_str() + s.size()).x;
}

float Canvas::textHeight(TextRole role, const std::string& s, float width) const {
    ImFont* f = font(role);
    return drawWrapped(f, f->FontSize, s, {0, 0, width, 1e9f}, 0, Align::Left, false, nullptr);
}

float Canvas::drawWrapped(ImFont* f, float size, const std::string& s, const Rect& r, Rgb color, Align align,
                          bool draw, bool* brokeWord) const {
    const char* text = s.c_str();
    const char* end = text + s.size();
    float scale = size / f->FontSize;
    float lineH = size * 1.18f;  // a little air between lines helps older readers
    // First pass: measure lines so the block can be centred vertically.
    struct Line {
        const char* b;
        const char* e;
        float w;
    };
    Line lines[48];
    int count = 0;
    if (brokeWord) *brokeWord = false;
    for (const char* p = text; p < end && count < 48;) {
        const char* wrap = f->CalcWordWrapPositionA(scale, p, end, std::max(r.w, 1.0f));
        if (wrap == p) wrap = p + 1;  // a word wider than the box: break it rather than loop
        while (wrap < end && (static_cast<unsigned char>(*wrap) & 0xC0) == 0x80) ++wrap;  // whole characters only
        // A line that ends inside a word means the word alone is wider than the box.
        if (brokeWord && wrap < end && wrap[-1] != ' ' && wrap[-1] != '\n' && *wrap != ' ' && *wrap != '\n' &&
            wrap[-1] != '-' && wrap[-1] != ',' && wrap[-1] != '/')
            *brokeWord = true;
        const char* lineEnd = wrap;
        while (lineEnd > p && (lineEnd[-1] == ' ' || lineEnd[-1] == '\n')) --lineEnd;
        float w = f->CalcTextSizeA(size, 1e9f, 0, p, lineEnd).x;
        lines[count++] = {p, lineEnd, w};
        p = wrap;
        while (p < end && (*p == ' ' || *p == '\n')) ++p;
    }
    float total = count == 0 ? 0 : (count - 1) * lineH + size;
    if (!draw) return total;
    float y = r.y + (valignTop_ ? 0.0f : std::max(0.0f, (r.h - total) / 2));
    // A top-aligned text too long for its box shows its end: what was typed last matters most.
    if (valignTop_ && total > r.h) y = r.bottom() - total;
    for (int i = 0; i < count; ++i) {
        if (y < r.y - 1) {
            y += lineH;
            continue;
        }
        float x = r.x;
        if (align == Align::Center) x = r.x + (r.w - lines[i].w) / 2;
        if (align == Align::Right) x = r.right() - lines[i].w;
        draw_.AddText(f, size, ImVec2(std::round(x), std::round(y)), toImColor(color), lines[i].b, lines[i].e);
        y += lineH;
    }
    return total;
}

float Canvas::fitSize(TextRole role, const std::string& s, const Rect& r) const {
    ImFont* f = font(role);
    float size = f->FontSize;
    // Shrink (to 60% at most) until the text fits the height and no word is split.
    float minSize = size * 0.6f;
    for (;;) {
        bool broke = false;
        float h = drawWrapped(f, size, s, r, 0, Align::Left, false, &broke);
        if ((h <= r.h && !broke) || size <= minSize) return size;
        size = std::max(minSize, std::floor(size * 0.93f));
    }
}

float Canvas::text(TextRole role, const std::string& s, const Rect& r, Rgb color, Align align, float size) {
    if (size <= 0) size = fitSize(role, s, r);
    return drawWrapped(font(role), size, s, r, color, align, true, nullptr);
}

float Canvas::textTop(TextRole role, const std::string& s, const Rect& r, Rgb color, Align align) {
    valignTop_ = true;
    float h = text(role, s, r, color, align);
    valignTop_ = false;
    return h;
}

void Canvas::line(TextRole role, const std::string& s, const Rect& r, Rgb color, Align align) {
    ImFont* f = font(role);
    std::string shown = s;
    if (textWidth(role, shown) > r.w) {
        // Cut whole UTF-8 characters until it fits with an ellipsis.
        while (!shown.empty() && textWidth(role, shown + "…") > r.w) {
            shown.pop_back();
            while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
            if (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0xC0) shown.pop_back();
        }
        shown += "…";
    }
    float w = textWidth(role, shown);
    float x = align == Align::Left ? r.x : align == Align::Center ? r.x + (r.w - w) / 2 : r.right() - w;
    float y = r.y + (r.h - f->FontSize) / 2;
    draw_.AddText(f, f->FontSize, ImVec2(std::round(x), std::round(y)), toImColor(color), shown.c_str());
}

void Canvas::face(ImVec2 c, float radius, int value, bool selected, bool held) {
    if (held) radius *= 0.94f;  // pressed in under the finger
    if (selected) ring(c, radius + m.unit * 1.1f, theme.focusRing, m.unit * 0.9f);
    circle(c, radius, theme.faces[value - 1]);
    draw_.AddCircle(c, radius, toImColor(theme.faceInk, 60), 0, std::max(1.0f, radius * 0.03f));
    Rgb ink = theme.faceInk;
    float eyeR = radius * 0.11f;
    circle(ImVec2(c.x - radius * 0.34f, c.y - radius * 0.22f), eyeR, ink);
    circle(ImVec2(c.x + radius * 0.34f, c.y - radius * 0.22f), eyeR, ink);
    // Mouth: from a deep frown (1) to a broad smile (5).
    static constexpr float kCurve[5] = {-0.42f, -0.2f, 0.0f, 0.24f, 0.46f};
    float curve = kCurve[value - 1] * radius;
    float halfWidth = radius * (value == 3 ? 0.36f : 0.44f);
    float y = c.y + radius * 0.36f - curve * 0.35f;
    draw_.AddBezierQuadratic(ImVec2(c.x - halfWidth, y), ImVec2(c.x, y + curve), ImVec2(c.x + halfWidth, y),
                             toImColor(ink), radius * 0.1f, 24);
}

void Canvas::star(ImVec2 c, float radius, bool filled) {
    ImVec2 points[10];
    for (int i = 0; i < 10; ++i) {
        float angle = -kPi / 2 + i * kPi / 5;
        float rr = (i % 2 == 0) ? radius : radius * 0.45f;
        points[i] = ImVec2(c.x + std::cos(angle) * rr, c.y + std::sin(angle) * rr);
    }
    ImU32 color = toImColor(filled ? theme.star : theme.starEmpty);
    // A star is not convex: fill its inner pentagon and the five tips separately.
    ImVec2 inner[5];
    for (int i = 0; i < 5; ++i) inner[i] = points[2 * i + 1];
    draw_.AddConvexPolyFilled(inner, 5, color);
    for (int i = 0; i < 5; ++i) draw_.AddTriangleFilled(points[2 * i], points[(2 * i + 1) % 10], points[(2 * i + 9) % 10], color);
    if (!filled) draw_.AddPolyline(points, 10, toImColor(theme.surfaceBorder), ImDrawFlags_Closed, std::max(1.0f, radius * 0.05f));
}

void Canvas::checkMark(ImVec2 c, float size, Rgb color, float thickness) {
    ImVec2 pts[3] = {ImVec2(c.x - size * 0.5f, c.y + size * 0.02f), ImVec2(c.x - size * 0.14f, c.y + size * 0.36f),
                     ImVec2(c.x + size * 0.52f, c.y - size * 0.34f)};
    draw_.AddPolyline(pts, 3, toImColor(color), 0, thickness);
}

void Canvas::chevron(ImVec2 c, float size, bool pointsLeft, Rgb color, float thickness) {
    float d = pointsLeft ? 1.0f : -1.0f;
    ImVec2 pts[3] = {ImVec2(c.x + d * size * 0.25f, c.y - size * 0.5f), ImVec2(c.x - d * size * 0.25f, c.y),
                     ImVec2(c.x + d * size * 0.25f, c.y + size * 0.5f)};
    draw_.AddPolyline(pts, 3, toImColor(color), 0, thickness);
}

Rect Canvas::qr(const QrMatrix& code, const Rect& r) {
    int modules = code.size + 2 * kQrQuietZone;
    int px = static_cast<int>(std::floor(std::min(r.w, r.h) / modules));
    px = std::max(px, 1);
    float side = static_cast<float>(px * modules);
    // Whole-pixel origin: every module edge falls on a pixel edge, so the code stays crisp.
    float x0 = std::floor(r.x + (r.w - side) / 2), y0 = std::floor(r.y + (r.h - side) / 2);
    ImU32 dark = toImColor(0x000000), light = toImColor(0xFFFFFF);
    draw_.AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + side, y0 + side), light);
    for (int y = 0; y < code.size; ++y) {
        // Runs of dark modules become one rectangle each: fewer triangles to rasterise.
        for (int x = 0; x < code.size;) {
            if (!code.isDark(x, y)) {
                ++x;
                continue;
            }
            int start = x;
            while (x < code.size && code.isDark(x, y)) ++x;
            float ax = x0 + static_cast<float>((start + kQrQuietZone) * px);
            float ay = y0 + static_cast<float>((y + kQrQuietZone) * px);
            draw_.AddRectFilled(ImVec2(ax, ay), ImVec2(ax + static_cast<float>((x - start) * px), ay + static_cast<float>(px)), dark);
        }
    }
    return {x0, y0, side, side};
}

}  // namespace otklik::ui
