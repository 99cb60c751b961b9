// Sizes of everything on screen, from the picture size in pixels and the panel's physical
// diagonal, so layouts hold from 800x480 to 3840x2160 and touch targets stay >= 15 mm.
#pragma once

namespace otklik::ui {

struct Metrics {
    float width = 0, height = 0;
    bool portrait = false;
    float pxPerMm = 0;
    float unit = 0;        // 1% of the short side: the design grid
    float touch = 0;       // smallest side of anything tappable
    float gap = 0;         // space between tiles
    float pad = 0;         // inner padding of tiles and bars
    float rounding = 0;    // corner radius of tiles and buttons
    float border = 0;      // outline thickness
    // Font pixel sizes. The large text mode moves every role one size up.
    float fontSmall = 0, fontBody = 0, fontTitle = 0, fontHuge = 0;

    [[nodiscard]] float mm(float millimetres) const { return millimetres * pxPerMm; }
};

// The smallest touch target the product allows, in millimetres.
inline constexpr float kMinTouchMm = 15.0f;

Metrics computeMetrics(int width, int height, double diagonalInches, bool largeText, float borderMm);

// Font sizes the atlas must hold for this picture (normal and large mode together).
struct FontSizes {
    float small, body, title, huge;
};
FontSizes fontSizesFor(int width, int height);

}  // namespace otklik::ui
