// Writing screenshots as PNG files.
#pragma once

#include <string>

namespace otklik {

// rgb: width*height*3 bytes, rows top to bottom. False with `error` set on failure.
bool writePngRgb(const std::string& path, const unsigned char* rgb, int width, int height, std::string& error);

}  // namespace otklik
