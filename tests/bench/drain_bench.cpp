// drain_bench: how fast a terminal's backlog (100,000 responses: weeks offline) drains once
// the hub is reachable — the real outbox and uploader over HTTPS into a real hub — next to a
// raw upload of the very same request bodies with libcurl (no outbox reads, no gzip, no
// bookkeeping) to the same kind of hub, fresh each time, in the same run.
// A benchmark: prints figures, never fails on them.
//
// Usage: drain_bench [--responses N] [--batch N] [--rounds N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include "platform/clock.h"
#include "sync/client/http_client.h"
#include "sync/client/outbox.h"
#include "sync/client/uploader.h"
#include "tests/bench/in_process_hub.h"
#include "tests/support/outbox_fill.h"
#include "tests/support/test_certs.h"

namespace {

using namespace otklik;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

const std::string kTerminal = "mfc-vladivostok-01";

// Passes requests through and keeps the batch bodies, for the raw upload to send again.
class RecordingTransport final : public HttpTransport {
public:
    explicit RecordingTransport(HttpTransport& inner) : inner_(inner) {}
    HttpResult send(const HttpRequest& request) override {
        if (request.method == "POST" && request.url.ends_with("/responses:batch")) bodies.push_back(request.body);
        return inner_.send(request);
    }
    std::vector<std::string> bodies;

private:
    HttpTransport& inner_;
};

double seconds(Steady::time_point since) { return std::chrono::duration<double>(Steady::now() - since).count(); }

// The real path: the outbox in `outboxDir` drained by an uploader into a fresh hub.
double drain(const std::string& outboxDir, const std::string& hubDb, const test::TestPki& pki, int batch,
             std::vector<std::string>* recordBodies) {
    bench::InProcessHub hub(hubDb, pki);
    SystemClock clock;
    Outbox outbox(OutboxSettings{outboxDir, "", 90, 4LL << 30, 80}, clock);
    int64_t total = outbox.summary().pending;
    TlsSettings tls;
    tls.caFile = pki.caCert;
    HttpClient client(tls, HttpTimeouts{}, std::string());
    RecordingTransport recording(client);
    UploaderSettings settings;
    settings.hubUrl = hub.baseUrl();
    settings.token = hub.addTerminal(kTerminal);
    settings.batchSize = batch;
    Uploader uploader(settings, outbox, recording, clock);
    auto t0 = Steady::now();
    // What the uploader's thread does while there is backlog: one attempt after another.
    for (;;) {
        AttemptResult r = uploader.attempt();
        if (r.outcome == AttemptOutcome::Idle) break;
        if (r.outcome == AttemptOutcome::Failed) {
            std::fprintf(stderr, "drain_bench: an attempt failed: %s\n", uploader.status().lastError.c_str());
            std::exit(1);
        }
    }
    double s = seconds(t0);
    if (outbox.summary().pending != 0 || outbox.summary().delivered != total) {
        std::fprintf(stderr, "drain_bench: the backlog did not drain\n");
        std::exit(1);
    }
    if (recordBodies) *recordBodies = std::move(recording.bodies);
    return static_cast<double>(total) / s;
}

// The baseline: the same bodies POSTed one after another on one kept-alive connection.
double rawUpload(const std::vector<std::string>& bodies, int64_t responses, const std::string& hubDb, const test::TestPki& pki) {
    bench::InProcessHub hub(hubDb, pki);
    std::string token = hub.addTerminal(kTerminal);
    TlsSettings tls;
    tls.caFile = pki.caCert;
    HttpClient client(tls, HttpTimeouts{}, std::string());
    auto t0 = Steady::now();
    for (const auto& body : bodies) {
        HttpRequest request;
        request.method = "POST";
        request.url = hub.baseUrl() + "/api/v1/responses:batch";
        request.headers = {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}, {"Authorization", "Bearer " + token}};
        request.body = body;
        HttpResult r = client.send(request);
        if (r.status != 200) {
            std::fprintf(stderr, "drain_bench: raw upload failed: %d %s\n", r.status, r.errorMessage.c_str());
            std::exit(1);
        }
    }
    return static_cast<double>(responses) / seconds(t0);
}

}  // namespace

int main(int argc, char** argv) {
    int responses = 100000, batch = 200, rounds = 3;
    std::string dir = "build/bench/drain";
    for (int i = 1; i + 1 < argc; ++i) {
        if (!std::strcmp(argv[i], "--responses")) responses = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--batch")) batch = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    }
    fs::remove_all(dir);
    fs::create_directories(dir + "/template");
    auto pki = test::makeTestPki(dir);
    {
        SystemClock clock;
        Outbox outbox(OutboxSettings{dir + "/template", "", 90, 4LL << 30, 80}, clock);
        (void)outbox.probe();  // creates the schema
    }
    auto t0 = Steady::now();
    test::fillOutbox(dir + "/template", responses, responses, kTerminal);
    std::printf("drain_bench: a backlog of %d responses (filled in %.1f s), batches of %d, over HTTPS on loopback into a SQLite hub\n",
                responses, seconds(t0), batch);

    // Each run starts from a copy of the same outbox, so every drain sends the same bytes.
    int run = 0;
    auto freshOutbox = [&] {
        std::string d = dir + "/outbox-" + std::to_string(++run);
        fs::copy(dir + "/template", d);
        return d;
    };
    auto hubDb = [&] { return dir + "/hub-" + std::to_string(++run) + ".db"; };

    std::vector<std::string> bodies;
    drain(freshOutbox(), hubDb(), pki, batch, &bodies);  // warm-up, and the bytes for the raw upload
    size_t bytes = 0;
    for (const auto& b : bodies) bytes += b.size();
    std::printf("  %zu requests, %.1f MiB gzip in all\n", bodies.size(), static_cast<double>(bytes) / (1 << 20));
    std::vector<double> ratios;
    for (int r = 0; r < rounds; ++r) {
        // Alternate the order, so neither side always meets a warmer or cooler machine.
        double raw = 0, real = 0;
        if (r % 2 == 0) {
            raw = rawUpload(bodies, responses, hubDb(), pki);
            real = drain(freshOutbox(), hubDb(), pki, batch, nullptr);
        } else {
            real = drain(freshOutbox(), hubDb(), pki, batch, nullptr);
            raw = rawUpload(bodies, responses, hubDb(), pki);
        }
        ratios.push_back(real / raw);
        std::printf("  round %d: raw curl upload %8.0f responses/s   terminal drain %8.0f responses/s   drain/raw %.0f%%\n", r + 1, raw,
                    real, 100 * real / raw);
    }
    std::sort(ratios.begin(), ratios.end());
    double median = ratios[ratios.size() / 2];
    std::printf("RESULT responses=%d batch=%d median_ratio=%.2f\n", responses, batch, median);
    fs::remove_all(dir);
    return 0;
}
