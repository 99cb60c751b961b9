// The connection test's reading of what came back, for the faults a loopback hub cannot
// easily stage: a proxy in front of a stopped hub (502, or the connection cut), a firewall that
// drops packets (a timeout before the connection stands), a page that is not the hub's, and
// development mode. The real faults are in tests/integration/diagnose_test.cpp.
#include <gtest/gtest.h>

#include <functional>

#include "platform/clock.h"
#include "sync/client/connection_test.h"
#include "sync/client/http_client.h"

using namespace otklik;

namespace {

// Answers each request with what `answer` makes of it.
class ScriptedTransport final : public HttpTransport {
public:
    explicit ScriptedTransport(std::function<HttpResult(const HttpRequest&)> answer) : answer_(std::move(answer)) {}
    HttpResult send(const HttpRequest& request) override { return answer_(request); }

private:
    std::function<HttpResult(const HttpRequest&)> answer_;
};

HttpResult connected(int status, std::string body) {
    HttpResult r;
    r.status = status;
    r.body = std::move(body);
    r.connection = {1000, 2000, 5000, 6000, "192.0.2.7", std::nullopt};
    return r;
}

ConnectionTestSettings settings() {
    ConnectionTestSettings s;
    s.hubUrl = "https://hub.example.org:8443";
    s.token = "otk_x";
    s.terminalId = "t-1";
    return s;
}

// Hold the report in a variable: the step is a reference into it.
const ConnectionStep& step(const ConnectionReport& report, const std::string& name) {
    for (const auto& s : report.steps)
        if (s.name == name) return s;
    static ConnectionStep none;
    ADD_FAILURE() << "no step " << name;
    return none;
}

ManualClock testClock(1000, 1'796'400'000'000);

}  // namespace

TEST(ConnectionTest, AProxyBeforeAStoppedHubIsTheHubStep) {
    ScriptedTransport gateway([](const HttpRequest&) { return connected(502, "<html>Bad Gateway</html>"); });
    ConnectionReport report = runConnectionTest(gateway, settings(), testClock);
    EXPECT_EQ(step(report, "tls").outcome, StepOutcome::Ok);
    EXPECT_EQ(step(report, "hub").reason, "hub.down");
    EXPECT_NE(step(report, "hub").fix.find("start otklik-hub"), std::string::npos);
    EXPECT_EQ(step(report, "auth").outcome, StepOutcome::Skip);

    ScriptedTransport cut([](const HttpRequest&) {
        HttpResult r = connected(0, "");
        r.error = HttpErrorKind::Receive;
        r.errorMessage = "the hub closed the connection without replying (Empty reply from server)";
        return r;
    });
    EXPECT_EQ(step(runConnectionTest(cut, settings(), testClock), "hub").reason, "hub.cut");
}

TEST(ConnectionTest, ATimeoutBeforeTheConnectionStandsIsTheTcpStep) {
    ScriptedTransport dropped([](const HttpRequest&) {
        HttpResult r;
        r.error = HttpErrorKind::Timeout;
        r.errorMessage = "the hub did not answer in time";
        r.connection.resolvedUs = 800;
        return r;
    });
    ConnectionReport report = runConnectionTest(dropped, settings(), testClock);
    EXPECT_EQ(step(report, "dns").outcome, StepOutcome::Ok);
    EXPECT_EQ(step(report, "tcp").reason, "tcp.timeout");
    EXPECT_NE(step(report, "tcp").fix.find("firewall"), std::string::npos);
    EXPECT_EQ(report.steps.size(), 6u) << "every step is listed, the untried ones as skipped";
}

TEST(ConnectionTest, SomethingThatIsNotTheHubSaysToCheckTheUrl) {
    ScriptedTransport page([](const HttpRequest&) { return connected(200, "<html>router login</html>"); });
    ConnectionReport report = runConnectionTest(page, settings(), testClock);
    EXPECT_EQ(step(report, "hub").reason, "hub.other");
    EXPECT_NE(step(report, "hub").fix.find("check the hub url"), std::string::npos);
}

TEST(ConnectionTest, DevelopmentModeFailsTheTlsStepButTriesTheRest) {
    ConnectionTestSettings s = settings();
    s.insecure = true;
    ScriptedTransport hub([](const HttpRequest& r) {
        if (r.url.ends_with("/healthz")) return connected(200, R"({"status": "ok", "store": "sqlite", "time_ms": 1796400000000})");
        return connected(200, R"({"terminal_id": "t-1", "centre": "МФЦ"})");
    });
    ConnectionReport report = runConnectionTest(hub, s, testClock);
    EXPECT_EQ(step(report, "tls").reason, "tls.off");
    EXPECT_EQ(step(report, "auth").outcome, StepOutcome::Ok);
    EXPECT_EQ(step(report, "clock").outcome, StepOutcome::Ok);
    EXPECT_FALSE(report.passed());
    EXPECT_EQ(stepLine(step(report, "tls")).rfind("FAIL tls: TLS checks are off", 0), 0u) << stepLine(step(report, "tls"));
}

TEST(ConnectionTest, AClockAheadIsSaidSo) {
    ScriptedTransport hub([](const HttpRequest& r) {
        // The hub's clock is 5 minutes behind this terminal's.
        if (r.url.ends_with("/healthz")) return connected(200, R"({"status": "ok", "store": "sqlite", "time_ms": 1796399700000})");
        return connected(200, R"({"terminal_id": "t-1", "centre": "МФЦ"})");
    });
    const ConnectionReport report = runConnectionTest(hub, settings(), testClock);
    const ConnectionStep& c = step(report, "clock");
    EXPECT_EQ(c.reason, "clock.off");
    EXPECT_NE(c.detail.find("5 min 0 s ahead of the hub's"), std::string::npos) << c.detail;
}
