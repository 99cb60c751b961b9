// The data folder's instance lock (see instance_lock.h): flock(2) on <data_dir>/kiosk.lock.
#include "instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace otklik {

namespace {

std::string lockPath(const std::string& dataDir) { return dataDir + "/kiosk.lock"; }

}  // namespace

std::optional<InstanceLock> InstanceLock::acquire(const std::string& dataDir, std::string& error, std::string* warning) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    const std::string path = lockPath(dataDir);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (warning) *warning = "cannot open " + path + ": " + std::strerror(errno) + " (the kiosk's user must be able to write " + dataDir + ")";
        return InstanceLock(-1);
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        std::string holder;
        std::ifstream(path) >> holder;
        ::close(fd);
        error = "another otklik-kiosk" + (holder.empty() ? std::string() : " (pid " + holder + ")") + " is running on the data folder " +
                dataDir + "; stop it first (systemctl stop otklik-kiosk)";
        return std::nullopt;
    }
    // The holder's pid, for the message above; the lock itself is what counts.
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    return InstanceLock(fd);
}

bool InstanceLock::heldByOther(const std::string& dataDir) {
    int fd = ::open(lockPath(dataDir).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;  // no kiosk ever ran here
    bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

InstanceLock::~InstanceLock() {
    if (fd_ >= 0) ::close(fd_);  // closing drops the lock
}

FileLock::FileLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    // Without the file (a read-only folder) there is nothing to protect: writes fail anyway.
    if (fd_ >= 0)
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace otklik
