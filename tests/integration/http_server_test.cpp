// The hub's HTTP server on its own (a handler of the test's making, real HTTPS on loopback):
// a slow request holds up no other connection, even one that shares its network thread, and
// stopping the server while a request is in its handler waits for the handler.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "sync/client/http_client.h"
#include "sync/hub/http_server.h"
#include "sync/protocol/file_io.h"
#include "tests/support/test_certs.h"

using namespace otklik;
using namespace std::chrono_literals;

namespace {

// A gate the slow handler waits at until the test opens it (or 20 s pass).
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    bool entered = false, open = false;

    void waitForOpen() {
        std::unique_lock lock(mutex);
        entered = true;
        changed.notify_all();
        changed.wait_for(lock, 20s, [this] { return open; });
    }
    bool waitUntilEntered() {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 10s, [this] { return entered; });
    }
    void release() {
        std::lock_guard lock(mutex);
        open = true;
        changed.notify_all();
    }
};

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) / ("http-server-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        pki_ = test::makeTestPki(dir_.string());
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    hub::ServerOptions options(unsigned networkThreads, unsigned handlerThreads) {
        hub::ServerOptions o;
        o.port = 0;
        std::string error;
        o.certPem = *readWholeFile(pki_.serverCert, error);
        o.keyPem = *readWholeFile(pki_.serverKey, error);
        o.limits.networkThreads = networkThreads;
        o.limits.threads = handlerThreads;
        return o;
    }
    HttpResult get(int port, const std::string& path, int totalMs = 15000) {
        TlsSettings tls;
        tls.caFile = pki_.caCert;
        HttpTimeouts timeouts;
        timeouts.totalMs = totalMs;
        HttpClient client(tls, timeouts, std::string());
        otklik::HttpRequest request;
        request.method = "GET";
        request.url = "https://127.0.0.1:" + std::to_string(port) + path;
        return client.send(request);
    }

    std::filesystem::path dir_;
    test::TestPki pki_;
};

hub::HttpReply textReply(const std::string& body) {
    hub::HttpReply reply;
    reply.status = 200;
    reply.contentType = "text/plain";
    reply.body = body;
    return reply;
}

}  // namespace

TEST_F(HttpServerTest, ASlowRequestHoldsUpNoOtherConnectionEvenOnItsNetworkThread) {
    Gate gate;
    // One network thread: every connection shares it, as up to ten accepted at once do.
    hub::HttpServer server(options(1, 2), [&](const hub::HttpRequest& request) {
        if (request.path == "/slow") gate.waitForOpen();
        return textReply(request.path);
    });
    std::atomic<bool> slowAnswered{false};
    HttpResult slow;
    std::thread slowClient([&] {
        slow = get(server.port(), "/slow");
        slowAnswered = true;
    });
    ASSERT_TRUE(gate.waitUntilEntered()) << "the slow request never reached its handler";

    auto started = std::chrono::steady_clock::now();
    HttpResult fast = get(server.port(), "/fast", 5000);
    auto waited = std::chrono::steady_clock::now() - started;
    bool slowStillRunning = !slowAnswered;
    gate.release();
    slowClient.join();

    EXPECT_EQ(fast.status, 200) << fast.errorMessage;
    EXPECT_EQ(fast.body, "/fast");
    EXPECT_TRUE(slowStillRunning) << "the fast request should have been answered while the slow one was still being handled";
    EXPECT_LT(waited, 3s);
    EXPECT_EQ(slow.status, 200) << slow.errorMessage;
    EXPECT_EQ(slow.body, "/slow");
}

TEST_F(HttpServerTest, StoppingWhileARequestIsInItsHandlerWaitsForItAndNothingIsLeftDangling) {
    Gate gate;
    std::atomic<bool> handlerFinished{false};
    HttpResult slow;
    std::thread slowClient, opener;
    {
        hub::HttpServer server(options(1, 1), [&](const hub::HttpRequest& request) {
            gate.waitForOpen();
            handlerFinished = true;
            return textReply(request.path);
        });
        slowClient = std::thread([&, port = server.port()] { slow = get(port, "/slow"); });
        ASSERT_TRUE(gate.waitUntilEntered());
        opener = std::thread([&] {
            std::this_thread::sleep_for(300ms);
            gate.release();
        });
    }  // the server stops here, with the request still in its handler
    // The handler ran to its end before the server was gone (what it stored stays stored; a
    // terminal whose reply was lost sends again and is answered "duplicate").
    EXPECT_TRUE(handlerFinished);
    opener.join();
    slowClient.join();
    // The client got the reply or a closed connection, and did not hang until its time limit.
    if (slow.replied()) {
        EXPECT_EQ(slow.body, "/slow");
    }
    EXPECT_NE(slow.error, HttpErrorKind::Timeout) << slow.errorMessage;
}
