// The frame loop draws only when something changed and sleeps until the next input or
// deadline: an idle terminal presents no frames at all.
#include <gtest/gtest.h>

#include "kiosk/app/kiosk_app.h"
#include "kiosk/config/kiosk_setup.h"
#include "tests/fakes/memory_store.h"
#include "tests/fakes/fake_display.h"

using namespace otklik;

namespace {

struct Kiosk {
    Kiosk()
        : setup(*loadKioskSetup("", defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", "/tmp")).setup),
          flow(setup.questionnaire, settings()),
          ui(setup.strings, ui::UiSettings{setup.config.centreName, "https://x.example/q", 21.5}),
          display(1280, 800),
          clock(1000, 1'795'000'000'000),
          app(flow, ui, display, clock, store) {
        std::string error;
        EXPECT_TRUE(app.start(error)) << error;
    }
    flow::Settings settings() {
        flow::Settings s;
        s.languages = setup.config.languages;
        return s;
    }
    static DisplayEvents tapAt(float x, float y) {
        DisplayEvents e;
        e.pointer.push_back(PointerEvent{PointerEvent::Kind::Down, x, y, true});
        e.pointer.push_back(PointerEvent{PointerEvent::Kind::Up, x, y, true});
        return e;
    }

    KioskSetup setup;
    flow::Flow flow;
    ui::KioskUi ui;
    fakes::FakeDisplay display;
    ManualClock clock;
    fakes::MemoryStore store;
    KioskApp app;
};

}  // namespace

TEST(EventDriven, AnIdleScreenSleepsWithoutTimeoutAndDrawsNothing) {
    Kiosk k;
    int afterStart = k.display.presented;
    EXPECT_EQ(afterStart, 1);  // the first frame
    k.display.script = {DisplayEvents{}, DisplayEvents{}};  // two wake-ups with nothing in them
    EXPECT_EQ(k.app.runInteractive(), 0);
    EXPECT_EQ(k.display.presented, afterStart) << "nothing changed, so nothing may be drawn";
    for (int timeout : k.display.waits) EXPECT_EQ(timeout, -1) << "idle: no timer may wake the kiosk";
}

TEST(EventDriven, ATapDrawsAFewFramesThenSleepsUntilTheNextDeadline) {
    Kiosk k;
    const ui::Element* face = k.ui.elements().find("rate.4");
    ASSERT_TRUE(face);
    k.display.script = {Kiosk::tapAt(face->x + face->w / 2, face->y + face->h / 2)};
    k.app.runInteractive();
    EXPECT_EQ(k.flow.selectedRating(), 4);
    // down, up, the changed screen, and the redraw without the lifted finger: a handful, not a stream
    EXPECT_GE(k.display.presented, 3);
    EXPECT_LE(k.display.presented, 6);
    // After the tap the loop waits for the acknowledgement deadline, not forever and not 0.
    ASSERT_GE(k.display.waits.size(), 2u);
    EXPECT_GT(k.display.waits.back(), 0);
    EXPECT_LE(k.display.waits.back(), 600);
}
