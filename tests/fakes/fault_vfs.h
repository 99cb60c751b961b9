// An SQLite VFS that behaves like the default one until told to fail: the N-th write or
// sync from now fails with a chosen error, once or from then on. Registered under its own
// name, so only connections opened with that VFS (OutboxSettings::vfs) see the faults.
#pragma once

#include <string>

namespace otklik::fakes {

class FaultVfs {
public:
    enum class Op { Write, Sync };

    // Registers (once) and returns the VFS called "faulty".
    static FaultVfs& instance();
    static constexpr const char* kName = "faulty";

    // The `nth` (1-based) operation of kind `op` from now fails with SQLite result `code`;
    // with `persistent`, every later one fails too.
    void failAt(Op op, int nth, int code, bool persistent);
    void heal();  // no more faults
    [[nodiscard]] int count(Op op) const;  // operations of that kind since the last failAt/heal
    [[nodiscard]] bool fired() const;      // whether a planned fault happened

private:
    FaultVfs() = default;
};

}  // namespace otklik::fakes
