// Draws ImGui frames with SDL_RenderGeometry. Written here rather than compiled from the
// ImGui package's example backend, which Debian ships only under /usr/share/doc (often
// stripped on small images). Adapter header: SDL types are allowed here and nowhere above.
#pragma once

struct SDL_Renderer;
struct ImDrawData;

namespace otklik {

void renderImGuiFrame(SDL_Renderer* renderer, const ImDrawData& frame);

}  // namespace otklik
