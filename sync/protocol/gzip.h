// gzip for request bodies: the terminal compresses batches, the hub inflates them with a hard
// cap on the output, so a small "gzip bomb" cannot fill the hub's memory. The only zlib user.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace otklik {

std::string gzipCompress(std::string_view data);

enum class GunzipError { None, Malformed, TooLarge };

// Inflates a gzip stream; stops with TooLarge as soon as the output would pass `maxBytes`.
GunzipError gunzip(std::string_view data, size_t maxBytes, std::string& out);

}  // namespace otklik
