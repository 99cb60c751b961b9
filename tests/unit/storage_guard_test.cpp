// The kiosk when storage fails: the visitor is not thanked, the unavailable screen follows a
// brief retry, the response is kept and stored once storage works again, and the kiosk
// returns to the first screen by itself. Real app loop and outbox; only the disk is faked.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "kiosk/app/kiosk_app.h"
#include "kiosk/config/kiosk_setup.h"
#include "sync/client/outbox.h"
#include "tests/fakes/fake_display.h"
#include "tests/fakes/fault_vfs.h"
#include "tests/fakes/temp_dir.h"

using namespace otklik;
using fakes::FaultVfs;
namespace fs = std::filesystem;

namespace {

ScriptStep step(ScriptStep::Kind kind, std::string argument = {}, int64_t ms = 0) {
    return ScriptStep{kind, std::move(argument), ms, 0};
}
ScriptStep tap(const std::string& id) { return step(ScriptStep::Kind::Tap, id); }
ScriptStep wait(int64_t ms) { return step(ScriptStep::Kind::Wait, {}, ms); }
ScriptStep expect(const std::string& screen) { return step(ScriptStep::Kind::Expect, screen); }

struct Kiosk {
    explicit Kiosk(const std::string& dir)
        : setup(*loadKioskSetup("", defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", dir)).setup),
          flow(setup.questionnaire, settings()),
          ui(setup.strings, ui::UiSettings{setup.config.centreName, "https://x.example/q", 21.5}),
          display(1280, 800),
          clock(1000, 1'795'000'000'000),
          outbox(OutboxSettings{dir, FaultVfs::kName, 90, 512LL << 20, 80}, clock),
          app(flow, ui, display, clock, outbox) {}
    bool start() {
        std::string error;
        bool ok = app.start(error);
        EXPECT_TRUE(ok) << error;
        return ok;
    }
    flow::Settings settings() {
        flow::Settings s;
        s.languages = setup.config.languages;
        return s;
    }

    KioskSetup setup;
    flow::Flow flow;
    ui::KioskUi ui;
    fakes::FakeDisplay display;
    ManualClock clock;
    Outbox outbox;
    KioskApp app;
};

std::string freshDir(const std::string& name) { return fakes::freshTempDir(name); }

}  // namespace

TEST(StorageGuard, DiskFullMeansNoThanksThenUnavailableThenRecoveryWithTheResponseKept) {
    FaultVfs& vfs = FaultVfs::instance();
    vfs.heal();
    std::string dir = freshDir("guard_full");
    Kiosk k(dir);
    ASSERT_TRUE(k.start());
    ASSERT_EQ(k.app.runScript({tap("rate.5"), wait(700), tap("nav.finish"), expect("thanks"), wait(5000), expect("idle")}), 0);
    EXPECT_EQ(k.outbox.summary().pending, 1);

    vfs.failAt(FaultVfs::Op::Write, 1, SQLITE_FULL, true);
    // The visitor finishes; storage fails; for the brief retries the screen does not change.
    ASSERT_EQ(k.app.runScript({tap("rate.2"), wait(700), tap("nav.finish")}), 0);
    EXPECT_EQ(k.flow.screen(), flow::Screen::Question) << "no thanks for an answer that is not stored";
    EXPECT_TRUE(k.flow.waitingForStore());
    ASSERT_EQ(k.app.runScript({wait(2000), expect("unavailable"), wait(60000), expect("unavailable")}), 0);
    EXPECT_EQ(k.outbox.summary().pending, 1);

    vfs.heal();
    ASSERT_EQ(k.app.runScript({wait(5000), expect("idle")}), 0);
    OutboxSummary s = k.outbox.summary();
    EXPECT_EQ(s.pending, 2) << "the response given while the disk was full is stored now";
    EXPECT_EQ(s.highestSeq, 2);
    ASSERT_EQ(k.app.runScript({tap("rate.4"), wait(700), tap("nav.finish"), expect("thanks")}), 0);
    EXPECT_EQ(k.outbox.summary().highestSeq, 3);
}

TEST(StorageGuard, AShortHiccupIsInvisibleToTheVisitor) {
    FaultVfs& vfs = FaultVfs::instance();
    vfs.heal();
    std::string dir = freshDir("guard_hiccup");
    Kiosk k(dir);
    ASSERT_TRUE(k.start());
    vfs.failAt(FaultVfs::Op::Sync, 1, SQLITE_IOERR_FSYNC, false);  // one failed fsync
    ASSERT_EQ(k.app.runScript({tap("rate.3"), wait(700), tap("nav.finish"), wait(300), expect("thanks")}), 0);
    EXPECT_TRUE(vfs.fired());
    EXPECT_EQ(k.outbox.summary().pending, 1);
}

TEST(StorageGuard, StorageThatCannotOpenAtStartShowsUnavailableUntilItCan) {
    FaultVfs& vfs = FaultVfs::instance();
    vfs.heal();
    std::string dir = freshDir("guard_start");
    fs::path blocker = fs::path(dir) / "data";
    std::ofstream(blocker) << "a file where the data folder should be";
    Kiosk k(blocker.string());
    ASSERT_TRUE(k.start());
    ASSERT_EQ(k.app.runScript({expect("unavailable"), tap("lang.en"), wait(6000), expect("unavailable")}), 0);
    fs::remove(blocker);
    ASSERT_EQ(k.app.runScript({wait(5000), expect("idle"), tap("rate.5"), wait(700), tap("nav.finish"), expect("thanks")}), 0);
    EXPECT_EQ(k.outbox.summary().pending, 1);
}
