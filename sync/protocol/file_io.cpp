// Whole-file reading with errors in words.
#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace otklik {

std::optional<std::string> readWholeFile(const std::string& path, std::string& error) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return std::nullopt;
    }
    if (S_ISDIR(st.st_mode)) {
        error = "is a directory, expected a file";
        return std::nullopt;
    }
    constexpr off_t kMaxConfigBytes = 4 * 1024 * 1024;  // far above any real questionnaire
    if (st.st_size > kMaxConfigBytes) {
        error = "is larger than 4 MiB; this is not a configuration file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace otklik
