// The service PIN: trivial PINs refused, the file holds only a slow salted hash (mode 0600),
// five wrong entries lock the pad for 1 minute, doubling up to 1 hour, on the simulated clock
// and across a restart, every attempt counted; a recovery code works on that terminal, that
// day, once; a PIN set on the hub is taken only when it is the newer one.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "kiosk/service/pin_guard.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/utc_time.h"
#include "tests/fakes/temp_dir.h"

using namespace otklik;
using namespace otklik::service;

namespace {

constexpr int kFastIterations = 1000;  // the rules, not the hash's cost, are under test here
constexpr const char* kPin = "482915";
const RecoveryIdentity kIdentity{"mfc-01", "hP3q2v0kF0Wk8Wc6lq3m1e0cX9TqGf5yQ2rBz7nYx4A"};

std::string readFile(const std::string& path) {
    std::string error;
    return readWholeFile(path, error).value_or("");
}

}  // namespace

TEST(ServicePin, TrivialPinsAreRefusedWithTheReason) {
    EXPECT_EQ(pinProblem("482915"), "");
    EXPECT_EQ(pinProblem("904417382265"), "");
    EXPECT_NE(pinProblem("12345").find("6 to 12 digits"), std::string::npos);
    EXPECT_NE(pinProblem("1234567890123").find("6 to 12 digits"), std::string::npos);
    EXPECT_NE(pinProblem("48291a").find("digits only"), std::string::npos);
    EXPECT_NE(pinProblem("777777").find("the same"), std::string::npos);
    EXPECT_NE(pinProblem("123456").find("run up"), std::string::npos);
    EXPECT_NE(pinProblem("890123").find("run up"), std::string::npos);
    EXPECT_NE(pinProblem("987654").find("run down"), std::string::npos);
    EXPECT_NE(pinProblem("121212").find("repeats \"12\""), std::string::npos);
    EXPECT_NE(pinProblem("408408").find("repeats \"408\""), std::string::npos);
}

TEST(ServicePin, TheFileHoldsOnlyASlowSaltedHash) {
    std::string dir = fakes::freshTempDir("pin-file");
    ManualClock clock(1000, 1'796'400'000'000);
    PinGuard guard(dir, clock);  // the real cost: 600,000 iterations
    std::string error;
    EXPECT_FALSE(guard.setPin("111111", "local", error));
    EXPECT_NE(error.find("the same"), std::string::npos);
    EXPECT_FALSE(guard.hasPin());
    ASSERT_TRUE(guard.setPin(kPin, "local", error)) << error;
    std::string text = readFile(dir + "/" + kPinFile);
    EXPECT_EQ(text.find(kPin), std::string::npos) << "the PIN itself is never written";
    EXPECT_NE(text.find("\"pbkdf2-sha256\""), std::string::npos);
    EXPECT_NE(text.find("600000"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/" + kPinFile).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(guard.check(kPin, kIdentity).verdict, PinVerdict::Accepted);
}

TEST(ServicePin, FiveWrongLockThePadDoublingUpToAnHourAcrossRestarts) {
    std::string dir = fakes::freshTempDir("pin-lockout");
    ManualClock clock(1000, 1'796'400'000'000);
    auto guard = std::make_unique<PinGuard>(dir, clock, kFastIterations);
    std::string error;
    ASSERT_TRUE(guard->setPin(kPin, "local", error)) << error;

    std::vector<int64_t> locks;
    for (int round = 0; round < 8; ++round) {
        for (int i = 1; i < kAttemptsBeforeLock; ++i) {
            PinCheck c = guard->check("000001", kIdentity);
            ASSERT_EQ(c.verdict, PinVerdict::Wrong);
            ASSERT_EQ(c.attemptsLeft, kAttemptsBeforeLock - i);
        }
        PinCheck locked = guard->check("000001", kIdentity);
        ASSERT_EQ(locked.verdict, PinVerdict::Wrong);
        ASSERT_EQ(locked.attemptsLeft, 0);
        locks.push_back(locked.lockedForMs / 1000);
        // While locked even the right PIN is not checked.
        EXPECT_EQ(guard->check(kPin, kIdentity).verdict, PinVerdict::Locked);
        // A restart does not lift the lock.
        clock.advance(locked.lockedForMs / 2);
        guard = std::make_unique<PinGuard>(dir, clock, kFastIterations);
        EXPECT_EQ(guard->lockedForMs(), locked.lockedForMs - locked.lockedForMs / 2);
        EXPECT_EQ(guard->check(kPin, kIdentity).verdict, PinVerdict::Locked);
        clock.advance(locked.lockedForMs - locked.lockedForMs / 2);
        EXPECT_EQ(guard->lockedForMs(), 0);
    }
    EXPECT_EQ(locks, (std::vector<int64_t>{60, 120, 240, 480, 960, 1920, 3600, 3600}));

    // The right PIN ends the doubling: the next five wrong lock for a minute again.
    EXPECT_EQ(guard->check(kPin, kIdentity).verdict, PinVerdict::Accepted);
    for (int i = 0; i < kAttemptsBeforeLock - 1; ++i) (void)guard->check("000001", kIdentity);
    EXPECT_EQ(guard->check("000001", kIdentity).lockedForMs, 60'000);

    PinCounters counts = guard->counters();
    EXPECT_EQ(counts.failures, 8 * 5 + 5);
    EXPECT_EQ(counts.lockouts, 9);
    EXPECT_EQ(counts.attempts, 8 * 5 + 8 * 2 + 1 + 5) << "every entry counts, also those refused while locked";
}

// The pad's state cannot be saved (here: the temporary file's name is taken by a folder, as
// good as a read-only or full data folder, even for root): the lock still holds while the
// kiosk runs. A file that cannot be read never means "no PIN" (that would open enrolment to
// anyone). A clock set back a year locks for at most the longest lock.
TEST(ServicePin, TheLockHoldsWhenItCannotBeSavedAndAnUnreadableFileIsNoOpenDoor) {
    std::string dir = fakes::freshTempDir("pin-faults");
    ManualClock clock(1000, 1'796'400'000'000);
    PinGuard guard(dir, clock, kFastIterations);
    std::string error;
    ASSERT_TRUE(guard.setPin(kPin, "local", error)) << error;
    const std::string file = dir + "/" + kPinFile;
    std::filesystem::create_directory(file + ".tmp");
    for (int i = 0; i < kAttemptsBeforeLock; ++i) (void)guard.check("000001", kIdentity);
    EXPECT_EQ(guard.check(kPin, kIdentity).verdict, PinVerdict::Locked);
    EXPECT_EQ(guard.lockedForMs(), 60'000);
    std::filesystem::remove(file + ".tmp");

    ManualClock setBack(1000, 1'796'400'000'000 - int64_t{365} * 24 * 3600 * 1000);
    PinGuard early(dir, setBack, kFastIterations);
    (void)guard.check("000001", kIdentity);  // saves now: the lock reaches the file
    EXPECT_EQ(early.lockedForMs(), kLongestLockMs);
    EXPECT_EQ(early.check(kPin, kIdentity).verdict, PinVerdict::Locked);

    std::filesystem::remove(file);
    std::filesystem::create_directory(file);
    PinGuard unreadable(dir, clock, kFastIterations);
    EXPECT_TRUE(unreadable.hasPin()) << "the pad is shown, not the enrolment-only menu";
    EXPECT_EQ(unreadable.check(kPin, kIdentity).verdict, PinVerdict::Locked);
}

TEST(ServicePin, ARecoveryCodeWorksOnThatTerminalThatDayOnce) {
    std::string dir = fakes::freshTempDir("pin-recovery");
    ManualClock clock(1000, 1'796'400'000'000);
    PinGuard guard(dir, clock, kFastIterations);
    std::string error;
    ASSERT_TRUE(guard.setPin(kPin, "local", error));
    std::string challenge = guard.challenge();
    ASSERT_EQ(challenge.size(), 8u);
    EXPECT_EQ(guard.challenge(), challenge) << "the same challenge all day";
    const std::string today = utcDay(clock.wallMs());
    std::string code = recoveryCode(kIdentity.qrSecret, kIdentity.terminalId, challenge, today);
    ASSERT_EQ(code.size(), 10u);

    EXPECT_EQ(guard.check(recoveryCode(kIdentity.qrSecret, "mfc-02", challenge, today), kIdentity).verdict, PinVerdict::Wrong)
        << "another terminal's code";
    EXPECT_EQ(guard.check(recoveryCode(kIdentity.qrSecret, kIdentity.terminalId, challenge, "2026-12-03"), kIdentity).verdict, PinVerdict::Wrong)
        << "yesterday's code";
    EXPECT_EQ(guard.check(code, RecoveryIdentity{kIdentity.terminalId, ""}).verdict, PinVerdict::Wrong) << "no secret, no recovery";
    EXPECT_EQ(guard.check(code, kIdentity).verdict, PinVerdict::Recovered);
    EXPECT_EQ(guard.check(code, kIdentity).verdict, PinVerdict::Wrong) << "once";
    EXPECT_NE(guard.challenge(), challenge) << "a used challenge is replaced";
    EXPECT_EQ(guard.counters().recoveries, 1);

    // The next day brings a new challenge.
    std::string next = guard.challenge();
    clock.advance(86'400'000);
    EXPECT_NE(guard.challenge(), next);
}

TEST(ServicePin, AHubPinIsTakenWhenItIsTheNewer) {
    std::string dir = fakes::freshTempDir("pin-hub");
    ManualClock clock(1000, 1'796'400'000'000);
    PinGuard guard(dir, clock, kFastIterations);
    EXPECT_EQ(guard.check(kPin, kIdentity).verdict, PinVerdict::NoPin);
    PinHash fromHub = hashPin("604182", clock.wallMs() - 1000, "hub", kFastIterations);
    EXPECT_TRUE(guard.adoptHubPin(fromHub));
    EXPECT_FALSE(guard.adoptHubPin(fromHub)) << "the same one again changes nothing";
    EXPECT_EQ(guard.check("604182", kIdentity).verdict, PinVerdict::Accepted);

    clock.advance(1000);
    std::string error;
    ASSERT_TRUE(guard.setPin(kPin, "local", error));
    EXPECT_FALSE(guard.adoptHubPin(fromHub)) << "an older hub PIN does not undo the technician's";
    EXPECT_EQ(guard.check(kPin, kIdentity).verdict, PinVerdict::Accepted);
    PinHash newer = hashPin("750931", clock.wallMs() + 5000, "hub", kFastIterations);
    EXPECT_TRUE(guard.adoptHubPin(newer));
    EXPECT_EQ(guard.check("750931", kIdentity).verdict, PinVerdict::Accepted);
}
