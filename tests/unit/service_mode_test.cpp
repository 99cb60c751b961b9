// Service mode's logic apart from the screens: the corner gesture's timing and corners, and
// the state machine over a fake backend — the PIN pad's outcomes, enrolment only without a
// PIN, choosing a PIN twice, closing by itself after 2 minutes without a touch, and one job at
// a time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "kiosk/service/gesture.h"
#include "kiosk/service/service_mode.h"

using namespace otklik;
using namespace otklik::service;

namespace {

PointerEvent down(float x, float y) { return {PointerEvent::Kind::Down, x, y, true}; }
PointerEvent up(float x, float y) { return {PointerEvent::Kind::Up, x, y, true}; }
PointerEvent move(float x, float y) { return {PointerEvent::Kind::Move, x, y, true}; }

// Runs the gesture's transitions with their times; true when it opened.
bool gesture(CornerGesture& g, std::initializer_list<std::pair<PointerEvent, int64_t>> steps) {
    bool opened = false;
    for (const auto& [e, t] : steps) opened = g.feed(e, t, 1920).opened || opened;
    return opened;
}

class FakeBackend final : public ServiceBackend {
public:
    StatusSnapshot status() override { return {}; }
    PinCheck checkPin(const std::string& typed) override {
        ++checks;
        if (typed == "482915") return {PinVerdict::Accepted, 5, 0};
        return {PinVerdict::Wrong, 4, 0};
    }
    bool setPin(const std::string& pin, std::string&) override {
        setTo = pin;
        pinSet = true;
        return true;
    }
    ConnectionReport testConnection() override {
        ConnectionReport r;
        r.steps.push_back({"dns", StepOutcome::Ok, "dns.ok", "fine", "", 1});
        return r;
    }
    std::string deliverNow() override { return "3 pending responses: delivery started"; }
    std::string fetchConfigNow() override { return "unchanged"; }
    EnrolOutcome enrol(const std::string&, bool) override { return {true, "", "t-9 (МФЦ)", "", std::nullopt}; }
    UsbExportResult exportToUsb() override { return {}; }
    std::string saveSettings(const SettingsValues&) override { return ""; }
    void report(const std::string& kind, const std::string&) override { reported.push_back(kind); }
    bool hasPin() override { return pinSet; }
    int64_t pinLockedForMs() override { return 0; }
    std::string recoveryChallenge() override { return "12345678"; }
    bool enrolled() override { return true; }
    std::string usbMount() override { return ""; }
    bool usbHasEnrolmentFile() override { return false; }
    SettingsValues settings() override { return {"ru", Orientation::Auto, 30, std::nullopt}; }
    std::vector<std::string> languages() override { return {"ru", "en"}; }
    void applySettings(const SettingsValues&) override {}
    void afterEnrolment() override { ++enrolments; }
    void restart() override {}
    void wake() override {}

    bool pinSet = true;
    std::string setTo;
    int checks = 0;
    int enrolments = 0;
    std::vector<std::string> reported;
};

// Lets the job in flight finish and applies it, as the frame loop would.
void settle(ServiceMode& s, int64_t now) { ASSERT_TRUE(s.waitIdle(10'000, now)); }

void type(ServiceMode& s, const std::string& digits) {
    for (char d : digits) s.pinKey(d);
}

}  // namespace

TEST(CornerGesture, HoldTopLeftThreeSecondsThenTapTopRightWithinTwo) {
    CornerGesture g({100, 3000, 2000});
    EXPECT_TRUE(gesture(g, {{down(10, 10), 0}, {up(10, 10), 3000}, {down(1900, 20), 4000}, {up(1900, 20), 4100}}));
    // Held too short; tapped too late; slid away while holding; tapped elsewhere; the wrong corner first.
    EXPECT_FALSE(gesture(g, {{down(10, 10), 0}, {up(10, 10), 2900}, {down(1900, 20), 3000}, {up(1900, 20), 3100}}));
    EXPECT_FALSE(gesture(g, {{down(10, 10), 0}, {up(10, 10), 3000}, {down(1900, 20), 5100}, {up(1900, 20), 5200}}));
    EXPECT_FALSE(gesture(g, {{down(10, 10), 0}, {move(400, 300), 1000}, {up(400, 300), 3500}, {down(1900, 20), 4000}, {up(1900, 20), 4100}}));
    EXPECT_FALSE(gesture(g, {{down(10, 10), 0}, {up(10, 10), 3000}, {down(900, 500), 3500}, {up(900, 500), 3600}, {down(1900, 20), 3700},
                             {up(1900, 20), 3800}}));
    EXPECT_FALSE(gesture(g, {{down(1900, 20), 0}, {up(1900, 20), 3000}, {down(10, 10), 3500}, {up(10, 10), 3600}}));
    // Positive control after all that: the state machine is not stuck.
    EXPECT_TRUE(gesture(g, {{down(50, 50), 10'000}, {up(50, 50), 13'500}, {down(1850, 90), 14'000}, {up(1850, 90), 14'050}}));
}

TEST(CornerGesture, TheSecondTapIsSwallowedAndAStrayOneIsNot) {
    CornerGesture g({100, 3000, 2000});
    EXPECT_FALSE(g.feed(down(1900, 20), 0, 1920).swallow) << "a visitor's tap on the top-right button";
    EXPECT_FALSE(g.feed(up(1900, 20), 50, 1920).swallow);
    EXPECT_FALSE(g.feed(down(10, 10), 100, 1920).swallow) << "the hold itself reaches the screen (nothing is there)";
    EXPECT_FALSE(g.feed(up(10, 10), 3200, 1920).swallow);
    EXPECT_TRUE(g.feed(down(1900, 20), 3300, 1920).swallow) << "the gesture's tap never presses the button under it";
    CornerGesture::Seen last = g.feed(up(1900, 20), 3400, 1920);
    EXPECT_TRUE(last.swallow);
    EXPECT_TRUE(last.opened);
}

TEST(ServiceModeLogic, APinOpensTheMenuAndAWrongOneSaysHowManyTriesAreLeft) {
    FakeBackend backend;
    ServiceMode s(backend, "ru");
    s.open(0);
    EXPECT_EQ(s.screen(), ServiceScreen::Pin);
    EXPECT_EQ(s.challenge(), "12345678");
    type(s, "111111");
    EXPECT_EQ(s.pinLength(), 6u);
    s.pinOk();
    EXPECT_TRUE(s.busy()) << "the slow check runs on the worker";
    s.pinKey('1');
    EXPECT_EQ(s.pinLength(), 0u) << "no typing while checking";
    settle(s, 10);
    EXPECT_EQ(s.screen(), ServiceScreen::Pin);
    EXPECT_EQ(s.pinNotice().key, "svc.pin.wrong");
    EXPECT_EQ(s.pinNotice().values.at(0).second, "4");
    type(s, "482915");
    s.pinOk();
    settle(s, 20);
    EXPECT_EQ(s.screen(), ServiceScreen::Menu);
    EXPECT_EQ(backend.checks, 2);
    EXPECT_EQ(backend.reported, (std::vector<std::string>{"service-entered"}));
}

TEST(ServiceModeLogic, WithoutAPinOnlyEnrolmentIsOpenAndItsPinIsChosenTwice) {
    FakeBackend backend;
    backend.pinSet = false;
    ServiceMode s(backend, "ru");
    s.open(0);
    EXPECT_TRUE(s.enrolOnly());
    EXPECT_EQ(s.screen(), ServiceScreen::Enrol);
    s.show(ServiceScreen::Menu);
    EXPECT_EQ(s.screen(), ServiceScreen::Enrol) << "no menu without a PIN";
    for (char c : std::string("7KQ2M9XD")) s.codeKey(c);
    s.codeKey('Q');
    EXPECT_EQ(s.code(), "7KQ2M9XD") << "eight characters at most";
    s.codeOk();
    settle(s, 10);
    ASSERT_TRUE(s.enrolOutcome());
    EXPECT_TRUE(s.enrolOutcome()->enrolled);
    EXPECT_EQ(backend.enrolments, 1) << "the new identity is taken on the UI thread";
    s.changePin();
    type(s, "123456");
    s.pinOk();
    EXPECT_EQ(s.pinNotice().key, "svc.pin.trivial");
    type(s, "604182");
    s.pinOk();
    EXPECT_EQ(s.pinPurpose(), PinPurpose::ConfirmPin);
    type(s, "604183");
    s.pinOk();
    EXPECT_EQ(s.pinNotice().key, "svc.pin.mismatch");
    EXPECT_EQ(s.pinPurpose(), PinPurpose::NewPin);
    type(s, "604182");
    s.pinOk();
    type(s, "604182");
    s.pinOk();
    settle(s, 20);
    EXPECT_EQ(backend.setTo, "604182");
    EXPECT_EQ(s.screen(), ServiceScreen::Menu);
    EXPECT_FALSE(s.enrolOnly());
}

TEST(ServiceModeLogic, ItClosesAfterTwoMinutesWithoutATouch) {
    FakeBackend backend;
    ServiceMode s(backend, "ru");
    s.open(1000);
    type(s, "482915");
    s.pinOk();
    settle(s, 1000);
    ASSERT_EQ(s.screen(), ServiceScreen::Menu);
    s.touched(60'000);
    s.tick(60'000 + kServiceIdleCloseMs - 1);
    settle(s, 60'000 + kServiceIdleCloseMs - 1);
    EXPECT_TRUE(s.active()) << "a touch a minute in restarts the two minutes";
    ASSERT_TRUE(s.nextDeadline());
    EXPECT_LE(*s.nextDeadline(), 60'000 + kServiceIdleCloseMs);
    s.tick(60'000 + kServiceIdleCloseMs);
    EXPECT_FALSE(s.active());
    EXPECT_EQ(backend.reported.back(), "service-left");
}
