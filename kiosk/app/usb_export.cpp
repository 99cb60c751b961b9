// Finding the USB stick and writing the export to it (see usb_export.h).
#include "usb_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

#include "sync/client/outbox_export.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/utc_time.h"

namespace otklik {

namespace fs = std::filesystem;

namespace {

bool writableFolder(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ::access(path.c_str(), W_OK) == 0;
}

// A mount point: on another device than the folder holding it.
bool mountPoint(const fs::path& path) {
    struct stat self {}, parent {};
    return ::stat(path.c_str(), &self) == 0 && ::stat(path.parent_path().c_str(), &parent) == 0 && self.st_dev != parent.st_dev;
}

// One file written in pieces, hashed as it goes, fsynced at the end.
class HashedFile {
public:
    explicit HashedFile(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {}
    ~HashedFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool write(const std::string& line) {
        std::string text = line + "\n";
        hash_.add(text);
        size_t done = 0;
        while (ok() && done < text.size()) {
            ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) failed_ = errno ? errno : EIO;
            else done += static_cast<size_t>(n);
        }
        return ok();
    }
    // fsync and close; the stick may be pulled out right after the screen says "done".
    bool finish() {
        if (ok() && ::fsync(fd_) != 0) failed_ = errno;
        if (fd_ >= 0 && ::close(fd_) != 0 && ok()) failed_ = errno;
        fd_ = -1;
        return failed_ == 0;
    }
    [[nodiscard]] bool ok() const { return fd_ >= 0 && failed_ == 0; }
    [[nodiscard]] std::string error() const { return "cannot write " + path_ + ": " + std::strerror(failed_ ? failed_ : errno); }
    std::string hex() { return hash_.hex(); }

private:
    std::string path_;
    int fd_;
    int failed_ = 0;
    Sha256 hash_;
};

}  // namespace

std::string findUsbStick(const std::string& configured) {
    if (!configured.empty()) return writableFolder(configured) ? configured : "";
    std::error_code ec;
    for (const char* root : {"/media", "/run/media"}) {
        // udisks2: /media/<user>/<label>; usbmount and fstab entries: /media/<name>.
        for (const auto& first : fs::directory_iterator(root, ec)) {
            if (mountPoint(first.path()) && writableFolder(first.path())) return first.path().string();
            std::error_code inner;
            for (const auto& second : fs::directory_iterator(first.path(), inner))
                if (mountPoint(second.path()) && writableFolder(second.path())) return second.path().string();
        }
    }
    return "";
}

service::UsbExportResult exportToUsb(const std::string& dataDir, const std::string& stick, const std::string& terminalId, int64_t nowMs) {
    service::UsbExportResult out;
    if (stick.empty() || !writableFolder(stick)) {
        out.message = "no USB stick is mounted (or it is read-only): insert one";
        return out;
    }
    sqlite::Error error;
    auto store = OutboxStore::openReadOnly(dataDir, error);
    if (!store) {
        out.message = "the responses cannot be read: " + error.message;
        return out;
    }
    const fs::path folder = fs::path(stick) / ("otklik-" + (terminalId.empty() ? std::string("not-enrolled") : terminalId) + "-" + utcFileStamp(nowMs));
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) {
        out.message = "cannot make " + folder.string() + ": " + ec.message() + " (is the stick full or read-only?)";
        return out;
    }
    HashedFile csv((folder / "responses.csv").string()), jsonl((folder / "responses.jsonl").string());
    bool written = csv.write(exportCsvHeader());
    error = store->forEach(std::nullopt, [&](const StoredResponse& s) {
        if (!written) return;
        written = csv.write(exportCsvLine(s)) && jsonl.write(exportJsonLine(s));
        ++out.responses;
    });
    const bool closed = csv.finish() & jsonl.finish();
    if (error) {
        out.message = "reading the responses stopped: " + error.message;
        return out;
    }
    if (!written || !closed) {
        out.message = (!csv.ok() ? csv.error() : jsonl.error()) + " (is the stick full or pulled out?)";
        return out;
    }
    HashedFile sums((folder / "SHA256SUMS").string());
    if (!sums.write(csv.hex() + "  responses.csv") || !sums.write(jsonl.hex() + "  responses.jsonl") || !sums.finish()) {
        out.message = sums.error();
        return out;
    }
    int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    out.ok = true;
    out.folder = folder.string();
    out.message = std::to_string(out.responses) + " responses written to " + out.folder;
    return out;
}

}  // namespace otklik
