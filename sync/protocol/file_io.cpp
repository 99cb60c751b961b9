// Whole-file reading and durable replacement, with errors in words.
#include "file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

std::string folderOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

bool writeAll(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

bool writeFileDurably(const std::string& path, const std::string& bytes, std::string& error, unsigned mode) {
    const std::string temp = path + ".tmp";
    auto failed = [&](const std::string& what) {
        error = what + ": " + std::strerror(errno) + " (is the disk full or read-only?)";
        ::unlink(temp.c_str());
        return false;
    };
    // O_NOFOLLOW: a link planted at the temporary name (a shared /tmp) is not written through.
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
    if (fd < 0) return failed("cannot create " + temp);
    // A temporary file left by a crash keeps the mode it was made with: set it, before a byte
    // is written, so a secret is never readable by others even for a moment.
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
        int saved = errno;
        ::close(fd);
        errno = saved;
        return failed("cannot set the permissions of " + temp);
    }
    // The data must be on disk before the rename makes it the file: otherwise a power cut
    // could leave the new name pointing at an empty or partial file.
    if (!writeAll(fd, bytes) || ::fsync(fd) != 0) {
        int saved = errno;
        ::close(fd);
        errno = saved;
        return failed("cannot write " + temp);
    }
    if (::close(fd) != 0) return failed("cannot write " + temp);
    if (::rename(temp.c_str(), path.c_str()) != 0) return failed("cannot rename " + temp + " to " + path);
    // The rename itself lives in the folder: sync it so the new name survives a power cut.
    int dir = ::open(folderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

}  // namespace otklik
