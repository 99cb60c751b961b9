// The kiosk's QR codes over time: signed tokens made from the secret and the clock alone (no
// network: a terminal offline keeps showing good codes), renewed on schedule while shown and
// after every visitor, the comment screen's code carrying the open response, and the static
// link when there is no secret. Plus the start-up size check for the longest URL.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "kiosk/config/qr_check.h"
#include "kiosk/flow/flow.h"
#include "kiosk/flow/qr_rotation.h"
#include "platform/clock.h"
#include "sync/protocol/qr_token.h"
#include "sync/protocol/questionnaire.h"

using namespace otklik;
using namespace otklik::flow;

namespace {

constexpr const char* kSecret = "hP3q2v0kF0Wk8Wc6lq3m1e0cX9TqGf5yQ2rBz7nYx4A";
constexpr const char* kTerminal = "demo-vladivostok-01";

Questionnaire defaultQuestionnaire() {
    auto load = loadQuestionnaire(std::string(OTKLIK_SOURCE_DIR) + "/assets/questionnaires/default.json");
    EXPECT_TRUE(load.questionnaire) << load.problems.describe();
    return *load.questionnaire;
}

Settings flowSettings() {
    Settings s;
    s.terminalId = kTerminal;
    s.bootId = "boot";
    s.languages = {"ru", "uk", "en"};
    return s;
}

QrSettings signedSettings() {
    // An address nothing answers at: nothing here may need the network.
    return {"https://static.example.org/q", "https://hub.unreachable.invalid", kSecret, kTerminal, 60000};
}

// The token of a "HTTPS://HOST/Q/<token>" URL, checked as the hub would at `hubNowMs`.
QrTokenCheck verify(const std::string& url, int64_t hubNowMs, const std::string& secret = kSecret) {
    size_t at = url.find("/Q/");
    EXPECT_NE(at, std::string::npos) << url;
    QrTerminalLookup lookup = [&](const std::string& id) -> std::optional<QrTerminalKey> {
        if (id != kTerminal) return std::nullopt;
        return QrTerminalKey{secret, 0};
    };
    return verifyQrToken(url.substr(at + 3), lookup, QrAgeRules{}, hubNowMs);
}

class QrRotationTest : public ::testing::Test {
protected:
    QrRotationTest() : flow(defaultQuestionnaire(), flowSettings()), qr(signedSettings()) { update(); }

    Instant at() const { return {clock.monoMs(), clock.wallMs()}; }
    bool update() { return qr.update(flow, at()); }
    // Moves the clock as the app does: deadline by deadline, the flow and the codes kept up.
    void pass(int64_t ms) {
        int64_t end = clock.monoMs() + ms;
        while (clock.monoMs() < end) {
            int64_t step = end - clock.monoMs();
            for (auto d : {flow.nextDeadline(), qr.nextDeadline()})
                if (d) step = std::clamp<int64_t>(*d - clock.monoMs(), 1, step);
            clock.advance(step);
            flow.tick(at());
            deliver();
            update();
        }
    }
    void deliver() {
        if (auto r = flow.takeFinished()) {
            stored.push_back(*r);
            flow.stored(true, at());
        }
        update();
    }
    // A visitor rates 5 and skips every criterion: the comment screen.
    void toComment() {
        flow.rate(5, at());
        update();
        pass(700);
        for (int i = 0; i < 6; ++i) {
            flow.skip(at());
            deliver();
        }
        ASSERT_EQ(flow.screen(), Screen::Comment);
    }

    ManualClock clock{1'000'000, 1'760'000'000'000};  // a fixed wall time: tokens are reproducible to the second
    Flow flow;
    QrRotation qr;
    std::vector<Response> stored;
};

}  // namespace

TEST_F(QrRotationTest, IdleCodeIsASignedUpperCaseUrlThatVerifiesAndNamesThisTerminal) {
    const std::string& url = qr.idleUrl();
    EXPECT_EQ(url.rfind("HTTPS://HUB.UNREACHABLE.INVALID/Q/C", 0), 0u) << url;
    EXPECT_TRUE(fitsQrVersion6M(url)) << url;
    QrTokenCheck check = verify(url, clock.wallMs());
    ASSERT_EQ(check.error, QrTokenError::None) << toString(check.error);
    EXPECT_EQ(check.token->terminalId, kTerminal);
    EXPECT_EQ(check.token->issuedAtS, clock.wallMs() / 1000) << "the terminal's own wall clock";
    EXPECT_FALSE(check.token->responseId) << "the idle code continues nothing";
    EXPECT_EQ(verify(url, clock.wallMs(), "another-secret-another-secret-another-secre").error, QrTokenError::BadSignature);
    EXPECT_EQ(qr.continueUrl(), "");
}

TEST_F(QrRotationTest, RenewsEveryPeriodWhileTheIdleScreenShows) {
    std::string first = qr.idleUrl();
    ASSERT_EQ(qr.nextDeadline(), clock.monoMs() + 60000) << "the loop must wake for the renewal";
    clock.advance(59999);
    EXPECT_FALSE(update());
    EXPECT_EQ(qr.idleUrl(), first) << "not before the period is over";
    clock.advance(1);
    EXPECT_TRUE(update()) << "a changed code means a redraw";
    std::string second = qr.idleUrl();
    EXPECT_NE(second, first);
    QrTokenCheck check = verify(second, clock.wallMs());
    ASSERT_EQ(check.error, QrTokenError::None);
    EXPECT_EQ(check.token->issuedAtS, clock.wallMs() / 1000);
    EXPECT_EQ(qr.nextDeadline(), clock.monoMs() + 60000);
    // Ten minutes of nobody: ten more codes, each different, each good.
    std::set<std::string> seen = {first, second};
    for (int i = 0; i < 10; ++i) {
        pass(60000);
        EXPECT_TRUE(seen.insert(qr.idleUrl()).second) << "a code came back: " << qr.idleUrl();
        EXPECT_EQ(verify(qr.idleUrl(), clock.wallMs()).error, QrTokenError::None);
    }
}

TEST_F(QrRotationTest, NewCodeAfterEachVisitorAndNoTimerWhileNoCodeShows) {
    std::string before = qr.idleUrl();
    flow.rate(4, at());
    EXPECT_FALSE(update()) << "the code stays while the chosen face is acknowledged";
    pass(700);
    ASSERT_EQ(flow.screen(), Screen::Question);
    EXPECT_FALSE(qr.nextDeadline()) << "no wake-ups for a code nobody sees";
    // The visitor finishes; the thank-you screen shows, then the first screen again.
    flow.finish(at());
    deliver();
    ASSERT_EQ(flow.screen(), Screen::Thanks);
    pass(5000);
    ASSERT_EQ(flow.screen(), Screen::Idle);
    std::string afterFirst = qr.idleUrl();
    EXPECT_NE(afterFirst, before) << "the next visitor must not see the code the last one saw";
    EXPECT_EQ(verify(afterFirst, clock.wallMs()).error, QrTokenError::None);

    // A visitor who walks away: the partial response is stored, and the code changes too.
    flow.rate(2, at());
    pass(700 + 30000);
    ASSERT_EQ(flow.screen(), Screen::Idle);
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[1].status, ResponseStatus::Partial);
    EXPECT_NE(qr.idleUrl(), afterFirst);
}

TEST_F(QrRotationTest, CommentScreenCodeCarriesTheOpenResponseWhichIsStoredWhenTheVisitorLeaves) {
    toComment();
    const std::string* open = flow.openResponseId();
    ASSERT_NE(open, nullptr);
    std::string responseId = *open;
    std::string url = qr.continueUrl();
    ASSERT_FALSE(url.empty());
    EXPECT_TRUE(fitsQrVersion6M(url)) << url;
    QrTokenCheck check = verify(url, clock.wallMs());
    ASSERT_EQ(check.error, QrTokenError::None) << toString(check.error);
    EXPECT_EQ(check.token->responseId, responseId);
    EXPECT_EQ(check.token->terminalId, kTerminal);
    EXPECT_EQ(qr.nextDeadline(), clock.monoMs() + 60000) << "a visitor typing for minutes still sees a fresh code";

    // The visitor scans and walks off to finish on the phone: the idle timeout stores what
    // was answered on the terminal under the same id, so the hub can join the two.
    pass(30000);
    ASSERT_EQ(flow.screen(), Screen::Idle);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].id, responseId);
    EXPECT_EQ(stored[0].status, ResponseStatus::Partial);
    EXPECT_EQ(qr.continueUrl(), "") << "the code leaves with the visitor";
}

TEST(QrRotation, WithoutASecretTheStaticLinkNeverChanges) {
    Flow flow(defaultQuestionnaire(), flowSettings());
    QrRotation qr({"https://otklik.example.org/q", "https://hub.example.org", "", kTerminal, 60000});
    EXPECT_FALSE(qr.signs());
    EXPECT_EQ(qr.idleUrl(), "https://otklik.example.org/q");
    EXPECT_FALSE(qr.update(flow, {0, 1'760'000'000'000}));
    EXPECT_FALSE(qr.update(flow, {3'600'000, 1'760'003'600'000}));
    EXPECT_EQ(qr.idleUrl(), "https://otklik.example.org/q");
    EXPECT_FALSE(qr.nextDeadline()) << "nothing to wake up for";
    EXPECT_EQ(qr.continueUrl(), "");
}

TEST(QrRotation, AClockBefore1970StillGivesACode) {
    Flow flow(defaultQuestionnaire(), flowSettings());
    QrRotation qr(signedSettings());
    EXPECT_NO_THROW(qr.update(flow, {0, -5000}));
    EXPECT_EQ(qr.idleUrl().rfind("HTTPS://", 0), 0u);
}

TEST(QrBudget, TheDemoTerminalFitsAndALongIdBehindALongHostIsRefusedWithWhatToShorten) {
    DeviceConfig c;
    c.file = "kiosk.toml";
    c.terminalId = kTerminal;
    c.hub.url = "https://hub.otklik.example.org";
    c.hub.qrSecret = kSecret;
    Problems fine("kiosk.toml");
    checkQrBudget(c, "line 9 (hub.qr_secret)", fine);
    EXPECT_TRUE(fine.empty()) << fine.describe();

    c.terminalId = std::string(40, 'x');
    c.hub.url = "https://otklik.gov-services.example.primorsky-krai.ru";
    Problems tooLong("kiosk.toml");
    checkQrBudget(c, "line 9 (hub.qr_secret)", tooLong);
    ASSERT_EQ(tooLong.list().size(), 1u);
    EXPECT_NE(tooLong.list()[0].message.find("terminal id 40 characters"), std::string::npos) << tooLong.describe();
    // 154 alphanumeric characters - "/Q/" - a 128-character token: 23 for "https://" and the host.
    EXPECT_NE(tooLong.list()[0].fix.find("at most 23 characters"), std::string::npos) << tooLong.describe();

    EXPECT_TRUE(looksLikeQrSecret(kSecret));
    EXPECT_FALSE(looksLikeQrSecret(std::string(kSecret) + "A"));
    EXPECT_FALSE(looksLikeQrSecret("hP3q2v0kF0Wk8Wc6lq3m1e0cX9TqGf5yQ2rBz7nYx4="));
}
