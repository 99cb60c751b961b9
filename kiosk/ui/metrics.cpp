// Layout metrics from the picture size and the panel size.
#include "metrics.h"

#include <algorithm>
#include <cmath>

namespace otklik::ui {

FontSizes fontSizesFor(int width, int height) {
    float unit = std::min(width, height) / 100.0f;
    // Rounded to whole pixels so glyphs sit on the pixel grid.
    auto px = [&](float units) { return std::round(std::max(units * unit, 12.0f)); };
    return FontSizes{px(2.9f), px(3.7f), px(5.4f), px(8.0f)};
}

Metrics computeMetrics(int width, int height, double diagonalInches, bool largeText, float borderMm) {
    Metrics m;
    m.width = static_cast<float>(width);
    m.height = static_cast<float>(height);
    m.portrait = height > width;
    double diagonalPx = std::sqrt(static_cast<double>(width) * width + static_cast<double>(height) * height);
    m.pxPerMm = static_cast<float>(diagonalPx / (diagonalInches * 25.4));
    m.unit = std::min(width, height) / 100.0f;
    m.touch = std::ceil(std::max(m.mm(kMinTouchMm), 9.0f * m.unit));
    m.gap = std::round(std::max(1.6f * m.unit, m.mm(2.5f)));
    m.pad = std::round(1.8f * m.unit);
    m.rounding = std::round(1.2f * m.unit);
    m.border = std::max(1.0f, std::round(std::max(m.mm(borderMm), 0.2f * m.unit)));
    FontSizes f = fontSizesFor(width, height);
    if (largeText) {
        m.fontSmall = f.body;
        m.fontBody = f.title;
        m.fontTitle = f.huge;
        m.fontHuge = f.huge;
        // Bigger targets too, where the glass has room for them: on a small tablet the
        // screens would no longer fit and 15 mm is kept instead.
        float shortSideMm = std::min(width, height) / m.pxPerMm;
        if (shortSideMm >= 150.0f) m.touch = std::ceil(m.touch * 1.2f);
    } else {
        m.fontSmall = f.small;
        m.fontBody = f.body;
        m.fontTitle = f.title;
        m.fontHuge = f.huge;
    }
    return m;
}

}  // namespace otklik::ui
