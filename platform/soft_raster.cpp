// Span rasteriser for ImGui draw lists (see soft_raster.h for why).
#include "soft_raster.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace otklik::raster {

namespace {

struct Rgba {
    int r, g, b, a;
};

Rgba unpack(ImU32 c) {
    return {static_cast<int>(c & 0xFF), static_cast<int>((c >> 8) & 0xFF), static_cast<int>((c >> 16) & 0xFF),
            static_cast<int>(c >> 24)};
}

// x / 255, exact for 0..255*255.
inline int div255(int x) { return (x + 1 + (x >> 8)) >> 8; }

// Source over destination; src channels not premultiplied.
inline void blend(uint32_t& dst, int r, int g, int b, int a) {
    if (a <= 0) return;
    if (a >= 255) {
        dst = static_cast<uint32_t>(r << 16 | g << 8 | b);
        return;
    }
    int dr = (dst >> 16) & 0xFF, dg = (dst >> 8) & 0xFF, db = dst & 0xFF;
    dr += div255((r - dr) * a);
    dg += div255((g - dg) * a);
    db += div255((b - db) * a);
    dst = static_cast<uint32_t>(dr << 16 | dg << 8 | db);
}

struct Clip {
    int x0, y0, x1, y1;  // pixel bounds, x1/y1 exclusive
};

// The first pixel whose centre is at or right of `edge`.
inline int firstPixel(float edge) { return static_cast<int>(std::ceil(edge - 0.5f)); }

// Texel lookup, nearest, colour-modulated, as RGBA 0..255.
inline Rgba sample(const Texture& t, float u, float v, const Rgba& c) {
    int x = std::clamp(static_cast<int>(u * t.width), 0, t.width - 1);
    int y = std::clamp(static_cast<int>(v * t.height), 0, t.height - 1);
    return {c.r, c.g, c.b, div255(c.a * t.alpha[static_cast<size_t>(y) * t.width + x])};
}

// Bilinear alpha of an alpha-only texture: text drawn smaller than its atlas size.
inline int sampleAlphaBilinear(const Texture& t, float u, float v) {
    float x = u * t.width - 0.5f, y = v * t.height - 0.5f;
    int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
    float fx = x - x0, fy = y - y0;
    auto at = [&](int xx, int yy) -> float {
        xx = std::clamp(xx, 0, t.width - 1);
        yy = std::clamp(yy, 0, t.height - 1);
        return t.alpha[static_cast<size_t>(yy) * t.width + xx];
    };
    float top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
    float bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
    return static_cast<int>(top * (1 - fy) + bottom * fy + 0.5f);
}

void fillSolidRect(Target& t, const Clip& clip, float x0, float y0, float x1, float y1, const Rgba& c) {
    int ix0 = std::max(firstPixel(x0), clip.x0), ix1 = std::min(firstPixel(x1), clip.x1);
    int iy0 = std::max(firstPixel(y0), clip.y0), iy1 = std::min(firstPixel(y1), clip.y1);
    if (ix0 >= ix1 || iy0 >= iy1 || c.a == 0) return;
    uint32_t opaque = static_cast<uint32_t>(c.r << 16 | c.g << 8 | c.b);
    for (int y = iy0; y < iy1; ++y) {
        uint32_t* row = t.pixels + static_cast<size_t>(y) * t.stride;
        if (c.a == 255) std::fill(row + ix0, row + ix1, opaque);
        else
            for (int x = ix0; x < ix1; ++x) blend(row[x], c.r, c.g, c.b, c.a);
    }
}

void blitTexturedRect(Target& t, const Clip& clip, const Texture& tex, const ImDrawVert& a, const ImDrawVert& c, const Rgba& col) {
    float x0 = a.pos.x, y0 = a.pos.y, x1 = c.pos.x, y1 = c.pos.y;
    int ix0 = std::max(firstPixel(x0), clip.x0), ix1 = std::min(firstPixel(x1), clip.x1);
    int iy0 = std::max(firstPixel(y0), clip.y0), iy1 = std::min(firstPixel(y1), clip.y1);
    if (ix0 >= ix1 || iy0 >= iy1) return;
    float du = (c.uv.x - a.uv.x) / (x1 - x0), dv = (c.uv.y - a.uv.y) / (y1 - y0);
    // At the atlas's own size a glyph maps texel to pixel; smaller text needs filtering.
    bool scaled = (std::fabs(du * tex.width - 1.0f) > 0.02f || std::fabs(dv * tex.height - 1.0f) > 0.02f);
    for (int y = iy0; y < iy1; ++y) {
        uint32_t* row = t.pixels + static_cast<size_t>(y) * t.stride;
        float v = a.uv.y + (y + 0.5f - y0) * dv;
        for (int x = ix0; x < ix1; ++x) {
            float u = a.uv.x + (x + 0.5f - x0) * du;
            if (scaled) {
                blend(row[x], col.r, col.g, col.b, div255(col.a * sampleAlphaBilinear(tex, u, v)));
            } else {
                Rgba s = sample(tex, u, v, col);
                blend(row[x], s.r, s.g, s.b, s.a);
            }
        }
    }
}

// Everything a vertex attribute does over the triangle: value = base + dx*x + dy*y.
struct Plane {
    float base = 0, dx = 0, dy = 0;
    float at(float x, float y) const { return base + dx * x + dy * y; }
};

Plane planeOf(const ImDrawVert& p0, const ImDrawVert& p1, const ImDrawVert& p2, float v0, float v1, float v2, float inverseArea) {
    float x1 = p1.pos.x - p0.pos.x, y1 = p1.pos.y - p0.pos.y, x2 = p2.pos.x - p0.pos.x, y2 = p2.pos.y - p0.pos.y;
    Plane pl;
    pl.dx = ((v1 - v0) * y2 - (v2 - v0) * y1) * inverseArea;
    pl.dy = ((v2 - v0) * x1 - (v1 - v0) * x2) * inverseArea;
    pl.base = v0 - pl.dx * p0.pos.x - pl.dy * p0.pos.y;
    return pl;
}

void fillTriangle(Target& t, const Clip& clip, const Texture* tex, const ImDrawVert& v0, const ImDrawVert& v1, const ImDrawVert& v2) {
    float area = (v1.pos.x - v0.pos.x) * (v2.pos.y - v0.pos.y) - (v2.pos.x - v0.pos.x) * (v1.pos.y - v0.pos.y);
    if (std::fabs(area) < 1e-6f) return;
    bool flat = v0.col == v1.col && v1.col == v2.col;
    // A texture sampled only at its white pixel (every shape ImGui draws) is no texture at all.
    bool textured = tex && !(v0.uv.x == v1.uv.x && v1.uv.x == v2.uv.x && v0.uv.y == v1.uv.y && v1.uv.y == v2.uv.y);
    Rgba c0 = unpack(v0.col);
    if (tex && !textured) {
        int a = tex->alpha[std::min<size_t>(tex->alpha.size() - 1, static_cast<size_t>(v0.uv.y * tex->height) * tex->width +
                                                                        static_cast<size_t>(v0.uv.x * tex->width))];
        if (a < 255) textured = true;  // not the white pixel after all: sample properly
    }
    float inv = 1.0f / area;
    Plane pr, pg, pb, pa, pu, pv;
    if (!flat) {
        Rgba c1 = unpack(v1.col), c2 = unpack(v2.col);
        pr = planeOf(v0, v1, v2, c0.r, c1.r, c2.r, inv);
        pg = planeOf(v0, v1, v2, c0.g, c1.g, c2.g, inv);
        pb = planeOf(v0, v1, v2, c0.b, c1.b, c2.b, inv);
        pa = planeOf(v0, v1, v2, c0.a, c1.a, c2.a, inv);
    }
    if (textured) {
        pu = planeOf(v0, v1, v2, v0.uv.x, v1.uv.x, v2.uv.x, inv);
        pv = planeOf(v0, v1, v2, v0.uv.y, v1.uv.y, v2.uv.y, inv);
    }
    // Sort by y and walk the two sides: each row's span is found directly, never searched for.
    const ImDrawVert* p[3] = {&v0, &v1, &v2};
    std::sort(p, p + 3, [](const ImDrawVert* a, const ImDrawVert* b) { return a->pos.y < b->pos.y; });
    float ax = p[0]->pos.x, ay = p[0]->pos.y, bx = p[1]->pos.x, by = p[1]->pos.y, cx = p[2]->pos.x, cy = p[2]->pos.y;
    int yStart = std::max(firstPixel(ay), clip.y0), yEnd = std::min(firstPixel(cy), clip.y1);
    for (int y = yStart; y < yEnd; ++y) {
        float sy = y + 0.5f;
        float xLong = ax + (cx - ax) * (sy - ay) / (cy - ay);
        float xShort = sy < by ? (by > ay ? ax + (bx - ax) * (sy - ay) / (by - ay) : bx)
                               : (cy > by ? bx + (cx - bx) * (sy - by) / (cy - by) : bx);
        float left = std::min(xLong, xShort), right = std::max(xLong, xShort);
        int x0 = std::max(firstPixel(left), clip.x0), x1 = std::min(firstPixel(right), clip.x1);
        if (x0 >= x1) continue;
        uint32_t* row = t.pixels + static_cast<size_t>(y) * t.stride;
        if (flat && !textured) {
            // The inside of every shape: one colour, often opaque.
            if (c0.a == 255) std::fill(row + x0, row + x1, static_cast<uint32_t>(c0.r << 16 | c0.g << 8 | c0.b));
            else
                for (int x = x0; x < x1; ++x) blend(row[x], c0.r, c0.g, c0.b, c0.a);
            continue;
        }
        for (int x = x0; x < x1; ++x) {
            float sx = x + 0.5f;
            Rgba c = flat ? c0
                          : Rgba{static_cast<int>(pr.at(sx, sy) + 0.5f), static_cast<int>(pg.at(sx, sy) + 0.5f),
                                 static_cast<int>(pb.at(sx, sy) + 0.5f), std::clamp(static_cast<int>(pa.at(sx, sy) + 0.5f), 0, 255)};
            if (textured) c = sample(*tex, pu.at(sx, sy), pv.at(sx, sy), c);
            blend(row[x], std::clamp(c.r, 0, 255), std::clamp(c.g, 0, 255), std::clamp(c.b, 0, 255), c.a);
        }
    }
}

// ImGui writes rectangles (solid and glyph) as vertices a,b,c,d with triangles (a,b,c)(a,c,d).
bool isAxisAlignedQuad(const ImDrawVert* v, const ImDrawIdx* idx) {
    if (idx[0] != idx[3] || idx[2] != idx[4]) return false;
    const ImDrawVert &a = v[idx[0]], &b = v[idx[1]], &c = v[idx[2]], &d = v[idx[5]];
    return a.col == b.col && a.col == c.col && a.col == d.col && a.pos.y == b.pos.y && b.pos.x == c.pos.x &&
           c.pos.y == d.pos.y && d.pos.x == a.pos.x && a.pos.x < c.pos.x && a.pos.y < c.pos.y;
}

}  // namespace

void draw(const ImDrawData& frame, Target& target) {
    const ImVec2 origin = frame.DisplayPos;
    for (int n = 0; n < frame.CmdListsCount; ++n) {
        const ImDrawList* list = frame.CmdLists[n];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                cmd.UserCallback(list, &cmd);
                continue;
            }
            Clip clip{std::max(0, static_cast<int>(cmd.ClipRect.x - origin.x)), std::max(0, static_cast<int>(cmd.ClipRect.y - origin.y)),
                      std::min(target.width, static_cast<int>(std::ceil(cmd.ClipRect.z - origin.x))),
                      std::min(target.height, static_cast<int>(std::ceil(cmd.ClipRect.w - origin.y)))};
            if (clip.x0 >= clip.x1 || clip.y0 >= clip.y1) continue;
            const auto* tex = static_cast<const Texture*>(cmd.GetTexID());
            const ImDrawVert* v = list->VtxBuffer.Data + cmd.VtxOffset;
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            for (unsigned i = 0; i + 2 < cmd.ElemCount;) {
                if (i + 5 < cmd.ElemCount && isAxisAlignedQuad(v, idx + i)) {
                    const ImDrawVert &a = v[idx[i]], &c = v[idx[i + 2]];
                    bool solid = a.uv.x == c.uv.x && a.uv.y == c.uv.y;
                    if (solid || !tex) fillSolidRect(target, clip, a.pos.x, a.pos.y, c.pos.x, c.pos.y, unpack(a.col));
                    else blitTexturedRect(target, clip, *tex, a, c, unpack(a.col));
                    i += 6;
                    continue;
                }
                fillTriangle(target, clip, tex, v[idx[i]], v[idx[i + 1]], v[idx[i + 2]]);
                i += 3;
            }
        }
    }
}

}  // namespace otklik::raster
