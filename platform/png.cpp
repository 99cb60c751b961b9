// PNG output through Debian's libstb (stb_image_write), which the ImGui package already needs.
#include "png.h"

#include <cerrno>
#include <cstring>
#include <stb_image_write.h>

namespace otklik {

bool writePngRgb(const std::string& path, const unsigned char* rgb, int width, int height, std::string& error) {
    errno = 0;
    if (stbi_write_png(path.c_str(), width, height, 3, rgb, width * 3) == 0) {
        error = "cannot write " + path + (errno ? std::string(": ") + std::strerror(errno) : std::string());
        return false;
    }
    return true;
}

}  // namespace otklik
