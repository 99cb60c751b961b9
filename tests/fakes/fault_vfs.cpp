// Fault-injecting SQLite VFS: wraps the default VFS's files and fails planned operations.
#include "fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace otklik::fakes {

namespace {

struct Plan {
    FaultVfs::Op op = FaultVfs::Op::Write;
    int nth = 0;        // 0: no fault planned
    int code = SQLITE_OK;
    bool persistent = false;
};

std::mutex planMutex;
Plan plan;
std::atomic<int> writes{0}, syncs{0};
std::atomic<bool> faultFired{false};
sqlite3_vfs* realVfs = nullptr;
sqlite3_vfs faultyVfs;

// Our file: the real file's struct follows this header in the same allocation.
struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

FaultFile* F(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }

// Counts the operation; returns the planned error when it is the one to fail.
int injected(FaultVfs::Op op) {
    int n = (op == FaultVfs::Op::Write ? ++writes : ++syncs);
    std::lock_guard lock(planMutex);
    if (plan.nth == 0 || plan.op != op) return SQLITE_OK;
    if (n == plan.nth || (plan.persistent && n > plan.nth)) {
        faultFired = true;
        return plan.code;
    }
    return SQLITE_OK;
}

int xClose(sqlite3_file* f) {
    int rc = F(f)->real()->pMethods ? F(f)->real()->pMethods->xClose(F(f)->real()) : SQLITE_OK;
    return rc;
}
int xRead(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return F(f)->real()->pMethods->xRead(F(f)->real(), b, n, o); }
int xWrite(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
    if (int rc = injected(FaultVfs::Op::Write)) return rc;
    return F(f)->real()->pMethods->xWrite(F(f)->real(), b, n, o);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 s) { return F(f)->real()->pMethods->xTruncate(F(f)->real(), s); }
int xSync(sqlite3_file* f, int flags) {
    if (int rc = injected(FaultVfs::Op::Sync)) return rc;
    return F(f)->real()->pMethods->xSync(F(f)->real(), flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* s) { return F(f)->real()->pMethods->xFileSize(F(f)->real(), s); }
int xLock(sqlite3_file* f, int l) { return F(f)->real()->pMethods->xLock(F(f)->real(), l); }
int xUnlock(sqlite3_file* f, int l) { return F(f)->real()->pMethods->xUnlock(F(f)->real(), l); }
int xCheckReservedLock(sqlite3_file* f, int* r) { return F(f)->real()->pMethods->xCheckReservedLock(F(f)->real(), r); }
int xFileControl(sqlite3_file* f, int op, void* a) { return F(f)->real()->pMethods->xFileControl(F(f)->real(), op, a); }
int xSectorSize(sqlite3_file* f) { return F(f)->real()->pMethods->xSectorSize(F(f)->real()); }
int xDeviceCharacteristics(sqlite3_file* f) { return F(f)->real()->pMethods->xDeviceCharacteristics(F(f)->real()); }
int xShmMap(sqlite3_file* f, int i, int sz, int e, void volatile** p) { return F(f)->real()->pMethods->xShmMap(F(f)->real(), i, sz, e, p); }
int xShmLock(sqlite3_file* f, int o, int n, int fl) { return F(f)->real()->pMethods->xShmLock(F(f)->real(), o, n, fl); }
void xShmBarrier(sqlite3_file* f) { F(f)->real()->pMethods->xShmBarrier(F(f)->real()); }
int xShmUnmap(sqlite3_file* f, int d) { return F(f)->real()->pMethods->xShmUnmap(F(f)->real(), d); }
int xFetch(sqlite3_file* f, sqlite3_int64 o, int a, void** p) { return F(f)->real()->pMethods->xFetch(F(f)->real(), o, a, p); }
int xUnfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return F(f)->real()->pMethods->xUnfetch(F(f)->real(), o, p); }

const sqlite3_io_methods kMethods = {3,       xClose,      xRead,     xWrite,       xTruncate,  xSync,
                                     xFileSize, xLock,     xUnlock,   xCheckReservedLock, xFileControl,
                                     xSectorSize, xDeviceCharacteristics, xShmMap, xShmLock, xShmBarrier, xShmUnmap,
                                     xFetch,  xUnfetch};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
    FaultFile* file = F(f);
    std::memset(file, 0, sizeof(FaultFile));
    int rc = realVfs->xOpen(realVfs, name, file->real(), flags, outFlags);
    // Only a successfully opened file gets our methods (SQLite closes only those).
    file->base.pMethods = file->real()->pMethods ? &kMethods : nullptr;
    return rc;
}

}  // namespace

FaultVfs& FaultVfs::instance() {
    static FaultVfs vfs;
    static std::once_flag once;
    std::call_once(once, [] {
        realVfs = sqlite3_vfs_find(nullptr);
        faultyVfs = *realVfs;
        faultyVfs.zName = kName;
        faultyVfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + realVfs->szOsFile;
        faultyVfs.xOpen = xOpen;
        faultyVfs.pNext = nullptr;
        sqlite3_vfs_register(&faultyVfs, 0);
    });
    return vfs;
}

void FaultVfs::failAt(Op op, int nth, int code, bool persistent) {
    std::lock_guard lock(planMutex);
    plan = Plan{op, nth, code, persistent};
    writes = 0;
    syncs = 0;
    faultFired = false;
}

void FaultVfs::heal() {
    std::lock_guard lock(planMutex);
    plan = Plan{};
    writes = 0;
    syncs = 0;
}

int FaultVfs::count(Op op) const { return op == Op::Write ? writes.load() : syncs.load(); }
bool FaultVfs::fired() const { return faultFired.load(); }

}  // namespace otklik::fakes
