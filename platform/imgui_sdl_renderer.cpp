// ImGui draw lists -> SDL_RenderGeometryRaw, one call per draw command.
#include "imgui_sdl_renderer.h"

#include <SDL.h>
#include <imgui.h>

#include <cmath>

namespace otklik {

void renderImGuiFrame(SDL_Renderer* renderer, const ImDrawData& frame) {
    const ImVec2 origin = frame.DisplayPos;
    const int width = static_cast<int>(frame.DisplaySize.x);
    const int height = static_cast<int>(frame.DisplaySize.y);
    for (int n = 0; n < frame.CmdListsCount; ++n) {
        const ImDrawList* list = frame.CmdLists[n];
        const ImDrawVert* vertices = list->VtxBuffer.Data;
        const ImDrawIdx* indices = list->IdxBuffer.Data;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                cmd.UserCallback(list, &cmd);
                continue;
            }
            // Clip to the command's rectangle (ImGui scissoring), within the picture.
            float x0 = std::max(cmd.ClipRect.x - origin.x, 0.0f);
            float y0 = std::max(cmd.ClipRect.y - origin.y, 0.0f);
            float x1 = std::min(cmd.ClipRect.z - origin.x, static_cast<float>(width));
            float y1 = std::min(cmd.ClipRect.w - origin.y, static_cast<float>(height));
            if (x1 <= x0 || y1 <= y0) continue;
            SDL_Rect clip{static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0)};
            SDL_RenderSetClipRect(renderer, &clip);

            const ImDrawVert* first = vertices + cmd.VtxOffset;
            // ImDrawVert is {pos, uv, col}; col is RGBA bytes in memory, as SDL_Color.
            static_assert(sizeof(ImU32) == sizeof(SDL_Color), "ImGui colour and SDL_Color must match");
            SDL_RenderGeometryRaw(renderer, static_cast<SDL_Texture*>(cmd.GetTexID()),
                                  &first->pos.x, sizeof(ImDrawVert),
                                  reinterpret_cast<const SDL_Color*>(&first->col), sizeof(ImDrawVert),
                                  &first->uv.x, sizeof(ImDrawVert),
                                  list->VtxBuffer.Size - static_cast<int>(cmd.VtxOffset),
                                  indices + cmd.IdxOffset, static_cast<int>(cmd.ElemCount), sizeof(ImDrawIdx));
        }
    }
    SDL_RenderSetClipRect(renderer, nullptr);
}

}  // namespace otklik
