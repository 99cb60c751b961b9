// The fault proxy in front of the real otklik-hub (SQLite): each fault does to a terminal's
// HttpClient what the chaos tests rely on, and what reached the hub is checked in its export.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/integration/hub_process.h"
#include "tests/support/fault_proxy.h"

namespace {

using namespace otklik;
using namespace otklik::test;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using Proxy = otklik::test::FaultProxy;

json sampleResponse(const std::string& terminal, int64_t seq) {
    Response r;
    r.id = newUuidV7(1795334502404 + seq);
    r.seq = seq;
    r.terminalId = terminal;
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = "documents";
    r.language = "ru";
    r.startedAtMs = 1795334502404 + seq * 1000;
    r.completedAtMs = r.startedAtMs + 40000;
    r.answers["overall"].rating = 4;
    return toJson(r);
}


long msSince(Clock::time_point start) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// A loopback port nothing listens on (bound, then released).
int closedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Named FaultProxy so every case is FaultProxy.* in ctest; the proxy itself is `Proxy`.
class FaultProxy : public ::testing::Test {
protected:
    void SetUp() override {
        dir = freshDir(std::string("FaultProxy_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        db = dir + "/hub.db";
        terminal = enrol(db, "mfc-01", "МФЦ Владивосток");
        hub = std::make_unique<HubProcess>(db, dir, std::vector<std::string>{"--rate-limit", "0"});
    }

    void startProxy(FaultPlan plan) {
        proxy = std::make_unique<Proxy>(FaultProxyOptions::fromPki(hub->pki(), hub->port()), std::move(plan));
    }

    // The same response for the same seq throughout a test (ids are random), so a resend is
    // recognised as a duplicate.
    std::string batchOf(std::initializer_list<int64_t> seqs) {
        json items = json::array();
        for (int64_t seq : seqs) {
            auto it = responses.find(seq);
            if (it == responses.end()) it = responses.emplace(seq, sampleResponse("mfc-01", seq)).first;
            items.push_back(it->second);
        }
        return json{{"responses", items}}.dump();
    }

    HttpResult post(HttpClient& client, const std::string& body) {
        return postJson(client, proxy->url("/api/v1/responses:batch"), terminal.token, body);
    }

    std::vector<json> exported() { return hubExport(db); }

    std::string dir, db;
    Enrolled terminal;
    std::unique_ptr<HubProcess> hub;
    std::unique_ptr<Proxy> proxy;
    std::map<int64_t, json> responses;
};

TEST_F(FaultProxy, PassRelaysTheHubsReplyWithHeadersAndKeepsTheConnection) {
    startProxy(FaultPlan());
    auto client = hub->client();
    HttpResult r = post(client, batchOf({1, 2}));
    ASSERT_EQ(r.status, 200) << r.errorMessage << r.body;
    json reply = json::parse(r.body);
    EXPECT_EQ(reply["stored"], 2);
    EXPECT_EQ(reply["high_water_seq"], 2);
    EXPECT_NE(r.header("content-type").value_or("").find("application/json"), std::string::npos);

    // gzip bodies (Content-Encoding) and the Authorization header reach the hub unchanged.
    r = postJson(client, proxy->url("/api/v1/responses:batch"), terminal.token, batchOf({1, 2, 3}), true);
    ASSERT_EQ(r.status, 200) << r.errorMessage << r.body;
    EXPECT_EQ(json::parse(r.body)["stored"], 1);
    EXPECT_EQ(json::parse(r.body)["duplicates"], 2) << r.body;
    // A hub refusal is relayed as it is.
    EXPECT_EQ(postJson(client, proxy->url("/api/v1/responses:batch"), "not-a-token", batchOf({4})).status, 401);
    HttpResult health = getWithToken(client, proxy->url("/healthz"), "");
    EXPECT_EQ(health.status, 200);
    EXPECT_NE(health.body.find("sqlite"), std::string::npos);

    auto s = proxy->stats();
    EXPECT_EQ(s.connections, 1) << "the client's connection should be kept alive";
    EXPECT_EQ(s.requests, 4);
    EXPECT_EQ(s.passed, 4);
    EXPECT_EQ(s.upstreamReplies, 4);
    EXPECT_EQ(exported().size(), 3u);
}

TEST_F(FaultProxy, DropNeverReachesTheHub) {
    startProxy(FaultPlan::always(Fault::drop()));
    auto client = hub->client();
    HttpResult r = post(client, batchOf({1}));
    EXPECT_FALSE(r.replied());
    EXPECT_EQ(r.error, HttpErrorKind::Receive) << r.errorMessage;
    EXPECT_EQ(proxy->stats().dropped, 1);
    EXPECT_EQ(proxy->stats().upstreamReplies, 0);
    EXPECT_TRUE(exported().empty());
}

TEST_F(FaultProxy, ErrorIsAnsweredByTheProxyWithRetryAfter) {
    startProxy(FaultPlan::at({{0, Fault::error(503, 7)}, {1, Fault::error(500)}}));
    auto client = hub->client();
    HttpResult r = post(client, batchOf({1}));
    ASSERT_TRUE(r.replied()) << r.errorMessage;
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.header("Retry-After"), "7");
    r = post(client, batchOf({1}));
    EXPECT_EQ(r.status, 500);
    EXPECT_FALSE(r.header("Retry-After"));
    EXPECT_EQ(proxy->stats().errors, 2);
    EXPECT_EQ(proxy->stats().upstreamReplies, 0);
    EXPECT_TRUE(exported().empty());
    // Same connection, next request passes.
    EXPECT_EQ(post(client, batchOf({1})).status, 200);
    EXPECT_EQ(proxy->stats().connections, 1);
}

TEST_F(FaultProxy, LostAckStoresTheBatchButTheClientSeesAnError) {
    startProxy(FaultPlan::at({{0, Fault::lostAck()}}));
    auto client = hub->client();
    const std::string body = batchOf({1, 2});
    HttpResult r = post(client, body);
    EXPECT_FALSE(r.replied());
    EXPECT_EQ(r.error, HttpErrorKind::Receive) << r.errorMessage;
    EXPECT_EQ(proxy->stats().lostAcks, 1);
    EXPECT_EQ(exported().size(), 2u) << "the hub committed before the acknowledgement was lost";

    // The terminal resends: the hub recognises both.
    r = post(client, body);
    ASSERT_EQ(r.status, 200) << r.errorMessage;
    json reply = json::parse(r.body);
    EXPECT_EQ(reply["stored"], 0);
    EXPECT_EQ(reply["duplicates"], 2);
    EXPECT_EQ(reply["results"][0]["result"], "duplicate");
    EXPECT_EQ(exported().size(), 2u);
}

TEST_F(FaultProxy, CutReplyIsAReceiveErrorAfterTheHubCommitted) {
    startProxy(FaultPlan::always(Fault::cutReply()));
    auto client = hub->client();
    HttpResult r = post(client, batchOf({1}));
    EXPECT_FALSE(r.replied());
    EXPECT_EQ(r.error, HttpErrorKind::Receive) << r.errorMessage;
    EXPECT_EQ(r.status, 200) << "the status line arrived before the cut";
    EXPECT_EQ(proxy->stats().cutReplies, 1);
    EXPECT_EQ(exported().size(), 1u);
}

// A cut among the reply's headers: curl 7.88 (Debian 12) ends such a transfer without an
// error, so HttpClient reports the status with an empty body, not Receive. Whatever the
// client library does, it must never get the hub's answer; a terminal has to treat a reply
// whose body does not parse as not acknowledged.
TEST_F(FaultProxy, CutAmongTheHeadersNeverYieldsTheHubsAnswer) {
    startProxy(FaultPlan::always(Fault::cutReply(40)));  // past "HTTP/1.1 200 OK\r\n", inside the headers
    auto client = hub->client();
    HttpResult r = post(client, batchOf({1}));
    EXPECT_TRUE(!r.replied() || r.body.empty()) << r.status << " " << r.body;
    EXPECT_EQ(proxy->stats().cutReplies, 1);
    EXPECT_EQ(exported().size(), 1u);
    // A cut inside the status line is a Receive error.
    proxy->setPlan(FaultPlan::always(Fault::cutReply(10)));
    r = post(client, batchOf({1}));
    EXPECT_EQ(r.error, HttpErrorKind::Receive) << r.status << " " << r.errorMessage;
}

TEST_F(FaultProxy, DelayIsSlowerButSucceeds) {
    startProxy(FaultPlan::always(Fault::delay(400)));
    auto client = hub->client();
    auto start = Clock::now();
    HttpResult r = post(client, batchOf({1}));
    EXPECT_EQ(r.status, 200) << r.errorMessage;
    EXPECT_GE(msSince(start), 400);
    EXPECT_EQ(proxy->stats().delayed, 1);
    EXPECT_EQ(proxy->stats().passed, 1);
}

TEST_F(FaultProxy, HubDownIs502AndBackUpIs200) {
    startProxy(FaultPlan());
    auto client = hub->client();
    ASSERT_EQ(post(client, batchOf({1})).status, 200);

    proxy->setUpstreamPort(closedPort());
    HttpResult r = post(client, batchOf({2}));
    ASSERT_TRUE(r.replied()) << r.errorMessage;
    EXPECT_EQ(r.status, 502);
    EXPECT_NE(r.body.find("cannot connect"), std::string::npos) << r.body;
    EXPECT_EQ(proxy->stats().upstreamFailures, 1);

    proxy->setUpstreamPort(hub->port());
    EXPECT_EQ(post(client, batchOf({2})).status, 200);

    // SIGKILL and restart on the same port: the proxy's kept-alive connection to the old
    // process is dead, and the next request still gets through.
    hub->killAndRestart();
    r = post(client, batchOf({3}));
    EXPECT_EQ(r.status, 200) << r.errorMessage << r.body;
    EXPECT_EQ(exported().size(), 3u);
}

TEST_F(FaultProxy, StallEndsWhenTheClientGivesUp) {
    startProxy(FaultPlan::always(Fault::stall()));
    auto client = hub->client(800);
    auto start = Clock::now();
    HttpResult r = post(client, batchOf({1}));
    EXPECT_EQ(r.error, HttpErrorKind::Timeout) << r.errorMessage;
    EXPECT_LT(msSince(start), 5000);
    EXPECT_EQ(proxy->stats().stalls, 1);
    EXPECT_TRUE(exported().empty());
    start = Clock::now();
    proxy->stop();
    EXPECT_LT(msSince(start), 1000);
}

TEST_F(FaultProxy, StopCutsStalledAndIdleConnectionsPromptly) {
    startProxy(FaultPlan::at({{1, Fault::stall()}}));
    auto idle = hub->client();
    ASSERT_EQ(post(idle, batchOf({1})).status, 200);  // leaves a kept-alive connection open
    auto stalled = std::async(std::launch::async, [&] {
        auto client = hub->client(20000);
        return post(client, batchOf({2}));
    });
    for (int i = 0; i < 200 && proxy->stats().stalls == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(proxy->stats().stalls, 1);
    auto start = Clock::now();
    proxy->stop();
    EXPECT_LT(msSince(start), 1000);
    HttpResult r = stalled.get();
    EXPECT_FALSE(r.replied());
    EXPECT_LT(msSince(start), 2000);
}

// What a chaos test must expect from curl: a reused connection that closes without a byte of
// reply makes curl send the same request again on a new connection, once, even a POST. So a
// Drop on a kept-alive connection can reach the hub after all, invisibly to the caller.
TEST_F(FaultProxy, CurlResendsOnceWhenAReusedConnectionIsDropped) {
    startProxy(FaultPlan::at({{1, Fault::drop()}}));
    auto client = hub->client();
    ASSERT_EQ(post(client, batchOf({1})).status, 200);
    HttpResult r = post(client, batchOf({2}));
    EXPECT_EQ(r.status, 200) << r.errorMessage;
    auto s = proxy->stats();
    EXPECT_EQ(s.requests, 3);
    EXPECT_EQ(s.dropped, 1);
    EXPECT_EQ(s.connections, 2);
    EXPECT_EQ(exported().size(), 2u);
}

TEST_F(FaultProxy, SeededPlanIsRepeatableAndKeepsItsOdds) {
    auto plan = [](std::uint64_t seed) {
        return FaultPlan::random({{0.2, Fault::drop()}, {0.1, Fault::error(503, 5)}, {0.1, Fault::lostAck()}}, seed);
    };
    FaultPlan a = plan(42), b = plan(42), c = plan(43);
    int drops = 0, errors = 0, lost = 0, differ = 0;
    const int n = 10000;
    for (int i = 0; i < n; ++i) {
        Fault fa = a.decide(i, "/x");
        ASSERT_EQ(fa.kind, b.decide(i, "/x").kind) << "request " << i;
        differ += fa.kind != c.decide(i, "/x").kind;
        drops += fa.kind == Fault::Kind::Drop;
        errors += fa.kind == Fault::Kind::Error;
        lost += fa.kind == Fault::Kind::LostAck;
        if (fa.kind == Fault::Kind::Error) {
            ASSERT_EQ(fa.retryAfterS, 5);
        }
    }
    EXPECT_NEAR(drops, 0.2 * n, 0.03 * n);
    EXPECT_NEAR(errors, 0.1 * n, 0.02 * n);
    EXPECT_NEAR(lost, 0.1 * n, 0.02 * n);
    EXPECT_GT(differ, n / 10) << "another seed should give another sequence";
    EXPECT_THROW(FaultPlan::random({{0.7, Fault::drop()}, {0.5, Fault::stall()}}, 1), std::invalid_argument);
    EXPECT_THROW(FaultPlan::random({{-0.1, Fault::drop()}}, 1), std::invalid_argument);
}

}  // namespace
