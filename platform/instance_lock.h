// One kiosk per data folder: the running kiosk holds an advisory lock on <data_dir>/kiosk.lock
// for its whole life (the kernel drops it when the process dies, even by SIGKILL). A second
// kiosk on the same folder refuses to start, and commands that write the outbox (`requeue`)
// refuse while a kiosk runs, because the outbox has exactly one writer (docs/outbox.md).
#pragma once

#include <optional>
#include <string>

namespace otklik {

class InstanceLock {
public:
    // Takes the lock without waiting; nullopt with `error` set (who holds it) when another
    // process has it. A folder where the lock file cannot be made (read-only, unwritable)
    // yields a lock that holds nothing and a `warning`: the kiosk must still start there, to
    // show that storage is unavailable, and the outbox refuses to write anyway.
    static std::optional<InstanceLock> acquire(const std::string& dataDir, std::string& error, std::string* warning = nullptr);
    // True when some process holds the lock now (a kiosk is running on this folder).
    static bool heldByOther(const std::string& dataDir);

    InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    InstanceLock& operator=(InstanceLock&&) = delete;
    InstanceLock(const InstanceLock&) = delete;
    ~InstanceLock();

private:
    explicit InstanceLock(int fd) : fd_(fd) {}
    int fd_;
};

// Holds an exclusive flock(2) on `path` (created if needed) for its lifetime, waiting for it:
// for read-modify-write of a small file that the kiosk and a command may change at once.
class FileLock {
public:
    explicit FileLock(const std::string& path);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_;
};

}  // namespace otklik
