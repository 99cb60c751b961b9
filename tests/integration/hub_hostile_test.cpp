// Hostile clients against the real otklik-hub over HTTPS: 10,000 randomly mutated batches
// (run under ASan by `make test`), connections that never speak, bodies that trickle in,
// and a flood of connections from one address. The hub must answer each with a 4xx or cut
// it off, never crash, never answer 500, and keep serving well-behaved terminals.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sync/protocol/gzip.h"
#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/integration/hub_process.h"
#include "tests/support/postgres_server.h"

namespace otklik::test {
namespace {

using json = nlohmann::json;
using Steady = std::chrono::steady_clock;

json validBatch(std::mt19937_64& rng, int64_t firstSeq) {
    json items = json::array();
    for (int64_t seq = firstSeq; seq < firstSeq + 3; ++seq) {
        Response r;
        r.id = newUuidV7(1795334502404 + static_cast<int64_t>(rng() % 1000000));
        r.seq = seq;
        r.terminalId = "mfc-01";
        r.questionnaireId = "default";
        r.questionnaireVersion = "1";
        r.language = "uk";
        r.startedAtMs = 1795334502404;
        r.completedAtMs = 1795334512404;
        r.answers["overall"].rating = 3;
        r.answers["reasons"].selected = {"rude"};
        r.answers["comment"].text = "Дуже довго";
        items.push_back(toJson(r));
    }
    return json{{"responses", items}};
}

// A value of any JSON type, some of them absurd.
json oddValue(std::mt19937_64& rng) {
    switch (rng() % 14) {
        case 0: return nullptr;
        case 1: return true;
        case 2: return -1;
        case 3: return 0;
        case 4: return std::numeric_limits<int64_t>::max();
        case 5: return std::numeric_limits<uint64_t>::max();
        case 6: return 1e308;
        case 7: return "";
        case 8: return std::string(20000, 'z');
        case 9: return std::string("\0\x01\x7f", 3);
        case 10: return json::array();
        case 11: return json::object();
        case 12: {
            json deep = 1;
            for (int i = 0; i < 40; ++i) deep = json::array({deep});
            return deep;
        }
        default: return "01a20246-7804-7af1-b529-70811271dc04";
    }
}

// Replaces or removes a random member somewhere in the document.
void mutateTree(json& node, std::mt19937_64& rng) {
    if ((!node.is_object() && !node.is_array()) || node.empty() || rng() % 4 == 0) {
        node = oddValue(rng);
        return;
    }
    if (node.is_object()) {
        auto it = node.begin();
        std::advance(it, static_cast<long>(rng() % node.size()));
        if (rng() % 5 == 0) node.erase(it.key());
        else mutateTree(it.value(), rng);
    } else {
        mutateTree(node[rng() % node.size()], rng);
    }
}

// Flips, inserts, deletes or repeats bytes of the text.
void mutateBytes(std::string& text, std::mt19937_64& rng) {
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < edits && !text.empty(); ++i) {
        size_t at = rng() % text.size();
        switch (rng() % 4) {
            case 0: text[at] = static_cast<char>(rng() % 256); break;
            case 1: text.insert(at, 1, static_cast<char>(rng() % 256)); break;
            case 2: text.erase(at, 1 + rng() % 16); break;
            default: text.insert(at, text.substr(at, 1 + rng() % 64)); break;
        }
    }
}

class HubHostile : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        dir = freshDirForThisTest();
        db = testStore(GetParam(), dir);
        terminal = enrol(db, "mfc-01", "ЦНАП Київ");
    }

    std::string dir, db;
    Enrolled terminal;
};

TEST_P(HubHostile, TenThousandMutatedBatchesNeverCrashOrGet500) {
    HubProcess hub(db, dir, {"--rate-limit", "0"});
    auto client = hub.client();
    std::mt19937_64 rng(20261122);
    int statuses[600] = {};
    int64_t seq = 1;
    for (int i = 0; i < 10000; ++i) {
        json batch = validBatch(rng, seq);
        seq += 3;
        std::string body;
        if (rng() % 2) {
            mutateTree(batch, rng);
            body = batch.dump(-1, ' ', false, json::error_handler_t::replace);
        } else {
            body = batch.dump();
            mutateBytes(body, rng);
        }
        bool gzip = rng() % 5 == 0;
        otklik::HttpRequest request;
        request.method = "POST";
        request.url = hub.url("/api/v1/responses:batch");
        request.headers = {{"Authorization", "Bearer " + terminal.token}, {"Content-Type", "application/json"}};
        request.body = body;
        if (gzip) {
            request.headers.emplace_back("Content-Encoding", "gzip");
            request.body = gzipCompress(body);
            if (rng() % 3 == 0) request.body.resize(request.body.size() / 2);  // a cut stream
        }
        HttpResult r = client.send(request);
        ASSERT_TRUE(r.replied()) << "payload " << i << ": " << r.errorMessage << "\nhub log:\n" << hub.log();
        // 403: a mutation that changed a terminal_id is another terminal's batch (refused whole).
        ASSERT_TRUE(r.status == 200 || r.status == 400 || r.status == 403 || r.status == 413)
            << "payload " << i << " got " << r.status << ": " << r.body
                                                                            << "\nbody: " << body.substr(0, 300);
        ++statuses[r.status];
        if (r.status == 200) {
            ASSERT_TRUE(json::parse(r.body, nullptr, false).contains("high_water_seq")) << r.body;
        }
    }
    EXPECT_TRUE(hub.alive());
    std::printf("statuses: 200 x%d, 400 x%d, 413 x%d\n", statuses[200], statuses[400], statuses[413]);
    // Both kinds of outcome were exercised.
    EXPECT_GT(statuses[200], 500);
    EXPECT_GT(statuses[400], 500);
    HttpResult health = getWithToken(client, hub.url("/healthz"), "");
    EXPECT_EQ(health.status, 200);
}

// A TCP connection from `source` (a 127.x address) to the hub that sends nothing.
int silentConnection(int port, const char* source) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// How many of `fds` the peer closes within `limit` (all watched at once).
int countClosed(const std::vector<int>& fds, std::chrono::milliseconds limit) {
    std::vector<bool> closed(fds.size(), false);
    auto deadline = Steady::now() + limit;
    for (;;) {
        std::vector<pollfd> watch;
        std::vector<size_t> index;
        for (size_t i = 0; i < fds.size(); ++i)
            if (fds[i] >= 0 && !closed[i]) {
                watch.push_back({fds[i], POLLIN, 0});
                index.push_back(i);
            }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
        if (watch.empty() || left <= 0 || ::poll(watch.data(), watch.size(), static_cast<int>(left)) <= 0) break;
        for (size_t k = 0; k < watch.size(); ++k) {
            if (!watch[k].revents) continue;
            char buffer[256];
            if (::recv(watch[k].fd, buffer, sizeof buffer, 0) <= 0) closed[index[k]] = true;
        }
    }
    int count = 0;
    for (size_t i = 0; i < fds.size(); ++i) count += fds[i] < 0 || closed[i];
    return count;
}

TEST_P(HubHostile, SilentConnectionsAreClosedAndDoNotStarveOthers) {
    HubProcess hub(db, dir, {"--idle-timeout", "2"});
    std::vector<int> silent;
    for (int i = 0; i < 40; ++i) silent.push_back(silentConnection(hub.port(), "127.0.0.2"));
    auto client = hub.client(3000);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(getWithToken(client, hub.url("/api/v1/config"), terminal.token).status, 200);
    EXPECT_EQ(countClosed(silent, std::chrono::seconds(8)), 40);
    for (int fd : silent) ::close(fd);
}

TEST_P(HubHostile, AFloodFromOneAddressIsCappedAndOthersStillServed) {
    HubProcess hub(db, dir, {"--idle-timeout", "30"});
    std::vector<int> flood;
    for (int i = 0; i < 100; ++i) flood.push_back(silentConnection(hub.port(), "127.0.0.3"));
    // Beyond 64 per address the hub hangs up at once.
    EXPECT_GE(countClosed(flood, std::chrono::milliseconds(1000)), 30);
    auto client = hub.client(3000);
    EXPECT_EQ(getWithToken(client, hub.url("/api/v1/config"), terminal.token).status, 200);
    for (int fd : flood)
        if (fd >= 0) ::close(fd);
}

TEST_P(HubHostile, ABodyTricklingInIsCutOffAtTheRequestTimeLimit) {
    HubProcess hub(db, dir, {"--request-timeout", "2", "--idle-timeout", "10"});
    std::signal(SIGPIPE, SIG_IGN);  // writing to the connection the hub cut must fail, not kill us
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, hub.pki().caCert.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    int fd = silentConnection(hub.port(), "127.0.0.1");
    ASSERT_GE(fd, 0);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ASSERT_EQ(SSL_connect(ssl), 1);
    std::string head = "POST /api/v1/responses:batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
                       terminal.token + "\r\nContent-Length: 100000\r\n\r\n";
    ASSERT_GT(SSL_write(ssl, head.data(), static_cast<int>(head.size())), 0);
    auto start = Steady::now();
    bool cut = false;
    while (Steady::now() - start < std::chrono::seconds(12)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        if (SSL_write(ssl, "          ", 10) <= 0) {
            cut = true;
            break;
        }
    }
    auto took = Steady::now() - start;
    EXPECT_TRUE(cut) << "the hub kept reading a body that trickled in for 12 s";
    EXPECT_LT(took, std::chrono::seconds(6));
    SSL_free(ssl);
    ::close(fd);
    SSL_CTX_free(ctx);
    auto client = hub.client(3000);
    EXPECT_EQ(getWithToken(client, hub.url("/healthz"), "").status, 200);
}

TEST_P(HubHostile, OversizedHeadersAreRefused) {
    HubProcess hub(db, dir);
    auto client = hub.client(5000);
    HttpResult r = getWithToken(client, hub.url("/api/v1/config"), terminal.token, {{"X-Padding", std::string(100 * 1024, 'a')}});
    EXPECT_TRUE(r.status == 431 || r.status == 413) << r.status << " " << r.errorMessage;
    auto fresh = hub.client(5000);
    EXPECT_EQ(getWithToken(fresh, hub.url("/api/v1/config"), terminal.token).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Stores, HubHostile, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace otklik::test
