// zlib behind gzip.h.
#include "gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace otklik {

std::string gzipCompress(std::string_view data) {
    z_stream z{};
    // windowBits 15 + 16: write a gzip header and trailer instead of zlib's.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib deflateInit2 failed");
    std::string out(deflateBound(&z, data.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
    return out;
}

GunzipError gunzip(std::string_view data, size_t maxBytes, std::string& out) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("zlib inflateInit2 failed");
    std::string result;
    char chunk[16384];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    GunzipError error = GunzipError::None;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(chunk);
        z.avail_out = sizeof chunk;
        int rc = inflate(&z, Z_NO_FLUSH);
        size_t produced = sizeof chunk - z.avail_out;
        if (result.size() + produced > maxBytes) {
            error = GunzipError::TooLarge;
            break;
        }
        result.append(chunk, produced);
        if (rc == Z_STREAM_END) {
            // Anything after the gzip member is not ours to ignore silently.
            if (z.avail_in != 0) error = GunzipError::Malformed;
            break;
        }
        if (rc != Z_OK || (z.avail_in == 0 && produced == 0)) {
            error = GunzipError::Malformed;
            break;
        }
    }
    inflateEnd(&z);
    if (error == GunzipError::None) out = std::move(result);
    return error;
}

}  // namespace otklik
