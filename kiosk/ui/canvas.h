// Drawing and hit-testing for one frame: rectangles, wrapped text, tappable areas that
// register themselves in the element tree, and the product's own widgets (faces, stars,
// check marks, QR). Screens are written with this, never with raw ImGui calls.
#pragma once

#include <optional>
#include <string>

#include <imgui.h>

#include "kiosk/ui/elements.h"
#include "kiosk/ui/fonts.h"
#include "kiosk/ui/metrics.h"
#include "kiosk/ui/qr_code.h"
#include "kiosk/ui/theme.h"

namespace otklik::ui {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;

    [[nodiscard]] float right() const { return x + w; }
    [[nodiscard]] float bottom() const { return y + h; }
    [[nodiscard]] ImVec2 min() const { return {x, y}; }
    [[nodiscard]] ImVec2 max() const { return {x + w, y + h}; }
    [[nodiscard]] ImVec2 center() const { return {x + w / 2, y + h / 2}; }
    [[nodiscard]] Rect inset(float d) const { return {x + d, y + d, w - 2 * d, h - 2 * d}; }
    [[nodiscard]] Rect inset(float dx, float dy) const { return {x + dx, y + dy, w - 2 * dx, h - 2 * dy}; }
    // Cuts a strip off one side and returns it; the rest stays in *this.
    Rect takeTop(float height);
    Rect takeBottom(float height);
    Rect takeLeft(float width);
    Rect takeRight(float width);
};

enum class Align { Left, Center, Right };
enum class ButtonStyle { Primary, Secondary, Header };
enum class Icon { None, ChevronLeft, ChevronRight };

class Canvas {
public:
    Canvas(ImDrawList& draw, const Theme& theme, const Metrics& metrics, const Fonts& fonts, bool largeText,
           ElementTree& tree);

    const Theme& theme;
    const Metrics& m;

    // --- tappable areas ---
    struct Press {
        bool clicked = false;  // released over the area: the action happens
        bool held = false;     // a finger is on it now: draw it pressed
    };
    // Registers the area in the element tree and reports taps. Disabled areas are listed but
    // never report a tap.
    Press area(const std::string& id, const Rect& r, const char* role, const std::string& label,
               bool enabled = true, bool selected = false);
    // A labelled button (area + look). Returns true when tapped.
    bool button(const std::string& id, const std::string& label, const Rect& r, ButtonStyle style,
                bool enabled = true, bool selected = false, const char* role = "button", Icon icon = Icon::None);
    // Static text worth reading in the tree (headings, text boxes, QR).
    void note(const std::string& id, const char* role, const std::string& label, const Rect& r);
    // Where a finger (or the mouse button) is down now, if it is: for surfaces that follow a
    // sliding finger rather than taps (the touch test).
    [[nodiscard]] std::optional<ImVec2> pointerDown() const;

    // --- shapes ---
    void fill(const Rect& r, Rgb color, float rounding = 0, int alpha = 255);
    void outline(const Rect& r, Rgb color, float thickness, float rounding = 0);
    void circle(ImVec2 c, float radius, Rgb color, int alpha = 255);
    void ring(ImVec2 c, float radius, Rgb color, float thickness);

    // --- text ---
    [[nodiscard]] ImFont* font(TextRole role) const { return fonts_.get(role, large_); }
    [[nodiscard]] float lineHeight(TextRole role) const;
    [[nodiscard]] float textWidth(TextRole role, const std::string& s) const;
    // Height the text takes wrapped to `width` at the role's size.
    [[nodiscard]] float textHeight(TextRole role, const std::string& s, float width) const;
    // Draws text wrapped to r.w, aligned horizontally and centred vertically in r, at `size`
    // pixels, or when size is 0 at the role's size made smaller (down to 60%) until it fits
    // r.h without splitting a word. Returns the height used.
    float text(TextRole role, const std::string& s, const Rect& r, Rgb color, Align align = Align::Center, float size = 0);
    // The size text() would pick for s in r. Siblings (captions of a row) share the smallest.
    [[nodiscard]] float fitSize(TextRole role, const std::string& s, const Rect& r) const;
    // As text(), but from the top of r instead of centred (text boxes).
    float textTop(TextRole role, const std::string& s, const Rect& r, Rgb color, Align align = Align::Left);
    // One line, cut with "…" if wider than r.w.
    void line(TextRole role, const std::string& s, const Rect& r, Rgb color, Align align = Align::Left);

    // --- product widgets ---
    void face(ImVec2 c, float radius, int value, bool selected, bool held);
    void star(ImVec2 c, float radius, bool filled);
    void checkMark(ImVec2 c, float size, Rgb color, float thickness);
    void chevron(ImVec2 c, float size, bool pointsLeft, Rgb color, float thickness);
    // Draws the code as large as fits r with whole pixels per module and the quiet zone;
    // returns the rectangle it covers.
    Rect qr(const QrMatrix& code, const Rect& r);

private:
    // Lays out (and if `draw`, draws) wrapped text; returns its height. Sets *brokeWord when a
    // single word was wider than the box and had to be split.
    float drawWrapped(ImFont* f, float size, const std::string& s, const Rect& r, Rgb color, Align align, bool draw,
                      bool* brokeWord) const;

    ImDrawList& draw_;
    const Fonts& fonts_;
    bool large_;
    ElementTree& tree_;
    bool valignTop_ = false;
};

}  // namespace otklik::ui
