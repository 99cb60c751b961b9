// The Display on SDL2: a fullscreen or windowed window, or the offscreen driver when
// headless; SDL's software renderer; mouse and finger input turned into PointerEvents.
#include <SDL.h>
#include <imgui.h>

#include <optional>
#include <vector>

#include "platform/display.h"
#include "platform/imgui_sdl_renderer.h"
#include "platform/png.h"

namespace otklik {

namespace {

class SdlDisplay final : public Display {
public:
    ~SdlDisplay() override {
        for (SDL_Texture* t : textures_) SDL_DestroyTexture(t);
        if (target_) SDL_DestroyTexture(target_);
        if (renderer_) SDL_DestroyRenderer(renderer_);
        if (window_) SDL_DestroyWindow(window_);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    }

    bool open(const DisplayOptions& options, std::string& error) {
        headless_ = options.headless;
        fullscreen_ = options.fullscreen && !options.headless;
        if (headless_) SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
        // Without this the software renderer on X11 silently goes through an OpenGL texture:
        // twice the memory and a slower frame (platform-notes.md).
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        // Touch and mouse arrive separately; we turn both into one pointer ourselves.
        SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
        SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
            error = std::string("cannot start the video system: ") + SDL_GetError() +
                    (headless_ ? "" : " (no display? run with --headless, or set DISPLAY)");
            return false;
        }
        int w = options.width, h = options.height;
        Uint32 flags = SDL_WINDOW_SHOWN;
        if (fullscreen_) {
            SDL_DisplayMode mode{};
            if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
                w = mode.w;
                h = mode.h;
            }
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        } else if (!headless_) {
            flags |= SDL_WINDOW_RESIZABLE;
        }
        if (w <= 0 || h <= 0) {
            w = 1280;
            h = 800;
        }
        window_ = SDL_CreateWindow("Otklik", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
        if (!window_) {
            error = std::string("cannot open a window: ") + SDL_GetError();
            return false;
        }
        renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
        if (!renderer_) {
            error = std::string("cannot create the renderer: ") + SDL_GetError();
            return false;
        }
        if (fullscreen_) SDL_ShowCursor(SDL_DISABLE);  // a touch kiosk has no pointer to show
        orientation_ = options.orientation;
        return layout(error);
    }

    int width() const override { return width_; }
    int height() const override { return height_; }

    DisplayEvents wait(int timeoutMs) override {
        DisplayEvents out;
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, timeoutMs < 0 ? -1 : timeoutMs)) handle(e, out);
        while (SDL_PollEvent(&e)) handle(e, out);
        return out;
    }

    DisplayEvents poll() override {
        DisplayEvents out;
        SDL_Event e;
        while (SDL_PollEvent(&e)) handle(e, out);
        return out;
    }

    void* uploadTexture(const unsigned char* rgba, int w, int h) override {
        SDL_Texture* t = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC, w, h);
        if (!t) return nullptr;
        SDL_UpdateTexture(t, nullptr, rgba, w * 4);
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        textures_.push_back(t);
        return t;
    }

    void present(const ImDrawData& frame) override {
        if (target_) SDL_SetRenderTarget(renderer_, target_);
        SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
        SDL_RenderClear(renderer_);
        renderImGuiFrame(renderer_, frame);
        if (target_) {
            if (headless_) return;  // screenshots read the upright picture from the target
            SDL_SetRenderTarget(renderer_, nullptr);
            SDL_RenderClear(renderer_);
            SDL_Rect dst{(panelWidth_ - width_) / 2, (panelHeight_ - height_) / 2, width_, height_};
            SDL_RenderCopyEx(renderer_, target_, nullptr, &dst, 90.0, nullptr, SDL_FLIP_NONE);
        }
        if (!headless_) SDL_RenderPresent(renderer_);
    }

    bool savePng(const std::string& path, std::string& error) override {
        if (target_) SDL_SetRenderTarget(renderer_, target_);
        std::vector<unsigned char> pixels(static_cast<size_t>(width_) * height_ * 3);
        int rc = SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_RGB24, pixels.data(), width_ * 3);
        if (target_) SDL_SetRenderTarget(renderer_, nullptr);
        if (rc != 0) {
            error = std::string("cannot read the picture: ") + SDL_GetError();
            return false;
        }
        return writePngRgb(path, pixels.data(), width_, height_, error);
    }

private:
    // Works out the picture size from the panel and the wanted orientation.
    bool layout(std::string& error) {
        SDL_GetRendererOutputSize(renderer_, &panelWidth_, &panelHeight_);
        bool panelPortrait = panelHeight_ > panelWidth_;
        bool rotate = (orientation_ == Orientation::Portrait && !panelPortrait) ||
                      (orientation_ == Orientation::Landscape && panelPortrait);
        width_ = rotate ? panelHeight_ : panelWidth_;
        height_ = rotate ? panelWidth_ : panelHeight_;
        if (target_) {
            SDL_DestroyTexture(target_);
            target_ = nullptr;
        }
        if (rotate) {
            target_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET, width_, height_);
            if (!target_) {
                error = std::string("cannot rotate the picture: ") + SDL_GetError();
                return false;
            }
        }
        return true;
    }

    // Panel pixel -> picture pixel (undoing the quarter turn).
    void toPicture(float px, float py, float& x, float& y) const {
        if (!target_) {
            x = px;
            y = py;
            return;
        }
        float ox = (panelWidth_ - height_) / 2.0f, oy = (panelHeight_ - width_) / 2.0f;
        x = py - oy;
        y = static_cast<float>(height_) - (px - ox);
    }

    void pointer(PointerEvent::Kind kind, float px, float py, bool touch, DisplayEvents& out) const {
        PointerEvent p;
        p.kind = kind;
        p.touch = touch;
        toPicture(px, py, p.x, p.y);
        out.pointer.push_back(p);
    }

    void handle(const SDL_Event& e, DisplayEvents& out) {
        switch (e.type) {
            case SDL_QUIT: out.quit = true; break;
            case SDL_WINDOWEVENT:
                if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                    std::string ignored;
                    layout(ignored);
                }
                out.redraw = true;
                break;
            case SDL_KEYDOWN:
                // Development windows close with Escape; a fullscreen kiosk ignores keys.
                if (!fullscreen_ && e.key.keysym.sym == SDLK_ESCAPE) out.quit = true;
                break;
            case SDL_MOUSEBUTTONDOWN:
            case SDL_MOUSEBUTTONUP:
                if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) break;
                pointer(e.type == SDL_MOUSEBUTTONDOWN ? PointerEvent::Kind::Down : PointerEvent::Kind::Up,
                        static_cast<float>(e.button.x), static_cast<float>(e.button.y), false, out);
                break;
            case SDL_MOUSEMOTION:
                if (e.motion.which == SDL_TOUCH_MOUSEID) break;
                pointer(PointerEvent::Kind::Move, static_cast<float>(e.motion.x), static_cast<float>(e.motion.y), false, out);
                break;
            case SDL_FINGERDOWN:
                // Only the first finger counts: a palm or a second hand must not press twice.
                if (finger_) break;
                finger_ = e.tfinger.fingerId;
                pointer(PointerEvent::Kind::Down, e.tfinger.x * panelWidth_, e.tfinger.y * panelHeight_, true, out);
                break;
            case SDL_FINGERMOTION:
                if (!finger_ || *finger_ != e.tfinger.fingerId) break;
                pointer(PointerEvent::Kind::Move, e.tfinger.x * panelWidth_, e.tfinger.y * panelHeight_, true, out);
                break;
            case SDL_FINGERUP:
                if (!finger_ || *finger_ != e.tfinger.fingerId) break;
                finger_.reset();
                pointer(PointerEvent::Kind::Up, e.tfinger.x * panelWidth_, e.tfinger.y * panelHeight_, true, out);
                break;
            default: break;
        }
    }

    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    SDL_Texture* target_ = nullptr;  // the upright picture when rotating
    std::vector<SDL_Texture*> textures_;
    Orientation orientation_ = Orientation::Auto;
    bool headless_ = false;
    bool fullscreen_ = false;
    int panelWidth_ = 0, panelHeight_ = 0;
    int width_ = 0, height_ = 0;
    std::optional<SDL_FingerID> finger_;
};

}  // namespace

std::unique_ptr<Display> openSdlDisplay(const DisplayOptions& options, std::string& error) {
    auto display = std::make_unique<SdlDisplay>();
    if (!display->open(options, error)) return nullptr;
    return display;
}

}  // namespace otklik
