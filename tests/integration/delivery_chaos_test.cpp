// Chaos, bounded in time: the terminal's outbox and uploader deliver 1,000 responses to the
// real hub through a fault proxy that drops connections, delays, answers 500/503 with
// Retry-After, loses acknowledgements after the hub committed and cuts replies — and the hub
// is killed and restarted mid-run. Every response must arrive exactly once, none lost.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/client/http_client.h"
#include "sync/client/outbox.h"
#include "sync/client/uploader.h"
#include "sync/protocol/uuid.h"
#include "tests/integration/hub_process.h"
#include "tests/support/fault_proxy.h"

namespace otklik::test {
namespace {

using json = nlohmann::json;
using Steady = std::chrono::steady_clock;

TEST(DeliveryChaos, EveryResponseArrivesExactlyOnceWhateverTheNetworkDoes) {
    std::string dir = freshDir("chaos");
    std::string db = dir + "/hub.db";
    Enrolled terminal = enrol(db, "chaos-01", "МФЦ Хабаровск");
    HubProcess hub(db, dir, {"--rate-limit", "0"});

    SystemClock clock;
    Outbox outbox(OutboxSettings{dir + "/terminal", "", 90, 0, 80}, clock);
    std::set<std::string> ids;
    int64_t now = clock.wallMs();
    for (int i = 0; i < 1000; ++i) {
        Response r;
        r.id = newUuidV7(now + i);
        r.terminalId = "chaos-01";
        r.questionnaireId = "default";
        r.questionnaireVersion = "1";
        r.language = "ru";
        r.startedAtMs = now - 60000 + i;
        r.completedAtMs = now + i;
        r.answers["overall"].rating = 1 + i % 5;
        ASSERT_TRUE(outbox.store(r).ok);
        ids.insert(r.id);
    }

    FaultProxy proxy(FaultProxyOptions::fromPki(hub.pki(), hub.port()),
                     FaultPlan::random({{0.10, Fault::drop()},
                                        {0.10, Fault::delay(300)},
                                        {0.08, Fault::error(503, 1)},
                                        {0.05, Fault::error(500)},
                                        {0.10, Fault::lostAck()},
                                        {0.05, Fault::cutReply()}},
                                       20261122));
    TlsSettings tls;
    tls.caFile = hub.pki().caCert;
    HttpTimeouts timeouts;
    timeouts.connectMs = 2000;
    timeouts.totalMs = 5000;
    HttpClient client(tls, timeouts, std::string());
    UploaderSettings settings;
    settings.hubUrl = proxy.url("");
    settings.token = terminal.token;
    settings.batchSize = 50;
    settings.backoffBaseMs = 50;
    settings.backoffCapMs = 1000;
    settings.firstSyncJitterMs = 0;
    Uploader uploader(settings, outbox, client, clock);
    uploader.start();

    // Kill the hub (SIGKILL) once it holds some of the responses, and start it again.
    auto deadline = Steady::now() + std::chrono::seconds(90);
    bool restarted = false;
    while (Steady::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!restarted && uploader.status().pending < 700) {
            hub.killAndRestart();
            proxy.setUpstreamPort(hub.port());
            restarted = true;
        }
        if (restarted && uploader.status().pending == 0) break;
    }
    uploader.stop();
    SyncStatus status = uploader.status();
    EXPECT_TRUE(restarted);
    EXPECT_EQ(status.pending, 0) << "last error: " << status.lastError;
    EXPECT_FALSE(status.gapDetected);

    CommandResult exported = hubCommand(db, {"export", "--format", "jsonl"});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    std::istringstream lines(exported.out);
    std::multiset<std::string> atHub;
    for (std::string line; std::getline(lines, line);) atHub.insert(json::parse(line)["id"].get<std::string>());
    EXPECT_EQ(atHub.size(), 1000u);
    EXPECT_EQ(std::set<std::string>(atHub.begin(), atHub.end()), ids);
    OutboxSummary summary = outbox.summary();
    EXPECT_EQ(summary.delivered, 1000);
    EXPECT_EQ(summary.rejected, 0);

    FaultProxyStats s = proxy.stats();
    std::printf("proxy: %d requests: %d passed, %d dropped, %d delayed, %d errors, %d lost acks, %d cut replies, %d upstream failures\n",
                s.requests, s.passed, s.dropped, s.delayed, s.errors, s.lostAcks, s.cutReplies, s.upstreamFailures);
    EXPECT_GT(s.dropped, 0);
    EXPECT_GT(s.errors, 0);
    EXPECT_GT(s.lostAcks, 0);
    EXPECT_GT(s.cutReplies, 0);
}

}  // namespace
}  // namespace otklik::test
