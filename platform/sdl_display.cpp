// The Display on SDL2: a fullscreen or windowed window, or the offscreen driver when
// headless. Frames are rasterised by our own span rasteriser (soft_raster.h) into a picture
// buffer and copied to the window's framebuffer surface; SDL draws nothing itself. Mouse and
// finger input become PointerEvents.
#include <SDL.h>

#include <list>
#include <optional>
#include <vector>

#include "platform/display.h"
#include "platform/png.h"
#include "platform/soft_raster.h"

namespace otklik {

namespace {

class SdlDisplay final : public Display {
public:
    ~SdlDisplay() override {
        if (window_) SDL_DestroyWindow(window_);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    }

    bool open(const DisplayOptions& options, std::string& error) {
        headless_ = options.headless;
        fullscreen_ = options.fullscreen && !options.headless;
        if (headless_) SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
        // The window's framebuffer must be a plain memory surface (XShm on X11), not an
        // OpenGL texture in disguise: half the memory, no GL start-up (platform-notes.md).
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        // Touch and mouse arrive separately; we turn both into one pointer ourselves.
        SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
        SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
            error = std::string("cannot start the video system: ") + SDL_GetError() +
                    (headless_ ? "" : " (no display? run with --headless, or set DISPLAY)");
            return false;
        }
        // Our own event type for wake(): SDL_PushEvent is documented as callable from any thread.
        Uint32 registered = SDL_RegisterEvents(1);
        wakeEvent_ = registered == static_cast<Uint32>(-1) ? static_cast<Uint32>(SDL_USEREVENT) : registered;
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

    void* uploadAlphaTexture(const unsigned char* alpha, int w, int h) override {
        textures_.push_back(raster::Texture{w, h, std::vector<uint8_t>(alpha, alpha + static_cast<size_t>(w) * h)});
        return &textures_.back();
    }

    void releaseTexture(void* texture) override {
        textures_.remove_if([&](const raster::Texture& t) { return &t == texture; });
    }

    void wake() override {
        SDL_Event e{};
        e.type = wakeEvent_;
        SDL_PushEvent(&e);  // a full queue drops it, but a full queue wakes the loop anyway
    }

    void present(const ImDrawData& frame) override {
        if (SDL_Surface* direct = directSurface()) {
            // Draw straight into the window's framebuffer: no copy, no second 8 MB buffer.
            SDL_LockSurface(direct);
            raster::Target target{static_cast<uint32_t*>(direct->pixels), width_, height_, direct->pitch / 4};
            raster::draw(frame, target);
            SDL_UnlockSurface(direct);
            SDL_UpdateWindowSurface(window_);
            return;
        }
        raster::Target target{picture_.data(), width_, height_, width_};
        raster::draw(frame, target);
        if (!headless_) show();
    }

    bool savePng(const std::string& path, std::string& error) override {
        const uint32_t* pixels = picture_.data();
        int stride = width_;
        if (SDL_Surface* direct = directSurface()) {
            pixels = static_cast<const uint32_t*>(direct->pixels);
            stride = direct->pitch / 4;
        }
        std::vector<unsigned char> rgb(static_cast<size_t>(width_) * height_ * 3);
        for (int y = 0; y < height_; ++y) {
            for (int x = 0; x < width_; ++x) {
                uint32_t p = pixels[static_cast<size_t>(y) * stride + x];
                unsigned char* out = &rgb[(static_cast<size_t>(y) * width_ + x) * 3];
                out[0] = static_cast<unsigned char>(p >> 16);
                out[1] = static_cast<unsigned char>(p >> 8);
                out[2] = static_cast<unsigned char>(p);
            }
        }
        return writePngRgb(path, rgb.data(), width_, height_, error);
    }

private:
    // Works out the picture size from the panel and the wanted orientation.
    bool layout(std::string& error) {
        SDL_GetWindowSize(window_, &panelWidth_, &panelHeight_);
        bool panelPortrait = panelHeight_ > panelWidth_;
        rotate_ = (orientation_ == Orientation::Portrait && !panelPortrait) || (orientation_ == Orientation::Landscape && panelPortrait);
        width_ = rotate_ ? panelHeight_ : panelWidth_;
        height_ = rotate_ ? panelWidth_ : panelHeight_;
        if (!headless_ && !SDL_GetWindowSurface(window_)) {
            error = std::string("cannot draw into the window: ") + SDL_GetError();
            return false;
        }
        // Our own picture buffer only where the window's cannot be drawn into directly.
        if (directSurface()) picture_ = {};
        else picture_.assign(static_cast<size_t>(width_) * height_, 0);
        return true;
    }

    // The window's framebuffer when it can take our pixels as they are: upright, 32-bit XRGB.
    SDL_Surface* directSurface() const {
        if (headless_ || rotate_) return nullptr;
        SDL_Surface* surface = SDL_GetWindowSurface(window_);
        if (!surface || surface->format->format != SDL_PIXELFORMAT_RGB888 || surface->w != width_ || surface->h != height_) return nullptr;
        return surface;
    }

    // Copies the picture to the window's framebuffer (turned a quarter if asked) and shows it.
    void show() {
        SDL_Surface* surface = SDL_GetWindowSurface(window_);
        if (!surface) return;
        if (!rotate_) {
            SDL_ConvertPixels(width_, height_, SDL_PIXELFORMAT_RGB888, picture_.data(), width_ * 4, surface->format->format,
                              surface->pixels, surface->pitch);
        } else if (surface->format->BytesPerPixel == 4) {
            // Clockwise quarter turn: picture (x, y) lands on panel (panelWidth - 1 - y, x).
            SDL_LockSurface(surface);
            auto* dst = static_cast<uint32_t*>(surface->pixels);
            int stride = surface->pitch / 4;
            for (int y = 0; y < height_; ++y)
                for (int x = 0; x < width_; ++x) dst[static_cast<size_t>(x) * stride + (panelWidth_ - 1 - y)] = picture_[static_cast<size_t>(y) * width_ + x];
            SDL_UnlockSurface(surface);
        }
        SDL_UpdateWindowSurface(window_);
    }

    // Panel pixel -> picture pixel (undoing the quarter turn).
    void toPicture(float px, float py, float& x, float& y) const {
        if (!rotate_) {
            x = px;
            y = py;
            return;
        }
        x = py;
        y = static_cast<float>(panelWidth_ - 1) - px;
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
                // Development windows close with Escape; a fullscreen kiosk ignores keys but
                // Ctrl+Alt+S, which opens service mode from a technician's USB keyboard.
                if (!fullscreen_ && e.key.keysym.sym == SDLK_ESCAPE) out.quit = true;
                if (e.key.keysym.sym == SDLK_s && (e.key.keysym.mod & KMOD_CTRL) && (e.key.keysym.mod & KMOD_ALT)) out.serviceKey = true;
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
    std::vector<uint32_t> picture_;          // the upright picture, 0x00RRGGBB
    std::list<raster::Texture> textures_;    // stable addresses: ImGui holds pointers to them
    Orientation orientation_ = Orientation::Auto;
    bool headless_ = false;
    bool fullscreen_ = false;
    bool rotate_ = false;
    int panelWidth_ = 0, panelHeight_ = 0;
    int width_ = 0, height_ = 0;
    std::optional<SDL_FingerID> finger_;
    Uint32 wakeEvent_ = SDL_USEREVENT;
};

}  // namespace

std::unique_ptr<Display> openSdlDisplay(const DisplayOptions& options, std::string& error) {
    auto display = std::make_unique<SdlDisplay>();
    if (!display->open(options, error)) return nullptr;
    return display;
}

}  // namespace otklik
