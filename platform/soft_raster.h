// Our software rasteriser for ImGui frames: spans instead of bounding boxes, fast paths for
// the axis-aligned rectangles and glyphs that make up most of a kiosk screen, and straight
// 32-bit pixels. SDL's software renderer tests every pixel of each triangle's bounding box,
// which for ImGui's long thin fan triangles (rounded tiles, circles) cost 30-70 ms a frame
// at 1920x1080; this does the same picture in a few milliseconds.
#pragma once

#include <cstdint>
#include <vector>

struct ImDrawData;

namespace otklik::raster {

// An image ImGui draws from: the font atlas, white ink with coverage in one byte a pixel
// (ImGui's own white pixel for solid shapes included).
struct Texture {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> alpha;
};

// A picture in 0x00RRGGBB pixels (SDL_PIXELFORMAT_RGB888 / XRGB8888).
struct Target {
    uint32_t* pixels = nullptr;
    int width = 0;
    int height = 0;
    int stride = 0;  // pixels per row
};

// Draws the frame over whatever `target` holds. ImTextureID values must be Texture*.
void draw(const ImDrawData& frame, Target& target);

}  // namespace otklik::raster
