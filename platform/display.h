// Where frames go and touches come from. One interface, one implementation per environment
// (an SDL window or the same SDL code on its offscreen driver for headless runs); the app
// reaches the screen only through it. No SDL type appears here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/orientation.h"

struct ImDrawData;

namespace otklik {

// One pointer transition in screen pixels. Mouse, touch and scripted taps all become these,
// and the app feeds them to the UI one transition per frame.
struct PointerEvent {
    enum class Kind { Down, Up, Move };
    Kind kind = Kind::Move;
    float x = 0;
    float y = 0;
    bool touch = false;  // a finger: no hover once it lifts
};

struct DisplayEvents {
    std::vector<PointerEvent> pointer;
    bool quit = false;      // window closed or SIGTERM
    bool redraw = false;    // exposed or resized: draw again
    bool serviceKey = false; // Ctrl+Alt+S on a keyboard: the technician asks for service mode
};

class Display {
public:
    virtual ~Display() = default;

    // Picture size in pixels as the app lays it out (after any rotation).
    [[nodiscard]] virtual int width() const = 0;
    [[nodiscard]] virtual int height() const = 0;
    // Blocks until something happens or timeoutMs passes (-1: no timeout) and returns events.
    virtual DisplayEvents wait(int timeoutMs) = 0;
    // Takes a coverage image (the font atlas: one byte per pixel, white ink); the result is
    // ImGui's texture id for it.
    [[nodiscard]] virtual void* uploadAlphaTexture(const unsigned char* alpha, int width, int height) = 0;
    // Frees a texture from uploadAlphaTexture that nothing draws with any more (the old font
    // atlas after the fonts were rebuilt for a new questionnaire).
    virtual void releaseTexture(void* texture) = 0;
    // Thread-safe: makes a wait() in progress, or the next one, return at once with no events,
    // so another thread (the sync thread with a new config) can have the frame loop look again.
    virtual void wake() = 0;
    // Rasterises a finished ImGui frame and shows it.
    virtual void present(const ImDrawData& frame) = 0;
    // Writes the last presented picture as PNG. False with `error` set on failure.
    [[nodiscard]] virtual bool savePng(const std::string& path, std::string& error) = 0;
};

struct DisplayOptions {
    bool headless = false;    // offscreen driver: no window, no input
    int width = 0;            // 0: the desktop size (fullscreen) or 1280x800
    int height = 0;
    bool fullscreen = true;
    // When the panel's shape differs from this, the picture is turned a quarter clockwise
    // (a monitor mounted on its side) and touches are turned back to match.
    Orientation orientation = Orientation::Auto;
};

// Opens the SDL display; nullptr with `error` set when the video system cannot start.
std::unique_ptr<Display> openSdlDisplay(const DisplayOptions& options, std::string& error);

}  // namespace otklik
