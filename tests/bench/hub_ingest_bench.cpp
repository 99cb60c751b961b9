// hub_ingest_bench: how fast the hub takes in responses — 500-response batches, gzip JSON,
// over HTTPS on loopback into the hub's HTTP server and store — next to a raw insert of the
// same rows into the same kind of store in the same run (the hub's INSERT of 200 rows at a time,
// 500 rows per transaction, as many connections at once as the hub has clients; no HTTP, no JSON, no checks). SQLite, then a real PostgreSQL started here.
// A benchmark: prints figures, never fails on them.
//
// Usage: hub_ingest_bench [--responses N] [--clients N] [--rounds N] [--dir DIR] [--sqlite-only | --postgresql-only]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/client/http_client.h"
#include "sync/hub/api.h"
#include "sync/hub/http_server.h"
#include "sync/hub/hub_store.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/gzip.h"
#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_certs.h"

namespace {

using namespace otklik;
using namespace otklik::hub;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kBatch = 500;

json response(const std::string& terminal, int64_t seq) {
    Response r;
    r.id = newUuidV7(1795334502404 + seq * 7);
    r.seq = seq;
    r.terminalId = terminal;
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = seq % 3 ? "job_search" : "documents";
    r.language = "ru";
    r.startedAtMs = 1795334502404 + seq * 60000;
    r.completedAtMs = r.startedAtMs + 45000;
    r.answers["overall"].rating = 1 + static_cast<int>(seq % 5);
    r.answers["service"].selected = {r.service};
    for (const char* q : {"waiting_time", "service_time", "staff", "premises", "information"})
        r.answers[q].rating = 1 + static_cast<int>((seq / 5) % 5);
    r.answers["reasons"].selected = {"waited_long", "no_seats"};
    r.answers["comment"].text = "Долго ждали, мест нет";
    return toJson(r);
}

struct Terminal {
    std::string id, token;
    std::vector<std::string> gzBodies;  // one per batch
    std::vector<BatchItem> rows;        // the same responses, ready for the raw insert
};

std::vector<Terminal> makeWork(int responses, int terminals) {
    std::vector<Terminal> out;
    for (int t = 0; t < terminals; ++t) {
        Terminal term{"bench-" + std::to_string(t), "", {}, {}};
        int count = responses / terminals;
        for (int first = 1; first <= count; first += kBatch) {
            json items = json::array();
            for (int seq = first; seq < first + kBatch && seq <= count; ++seq) {
                json r = response(term.id, seq);
                IncomingResponse in;
                in.id = r["id"];
                in.seq = seq;
                in.service = r["service"];
                in.channel = "touch";
                in.status = "complete";
                in.language = "ru";
                in.questionnaireId = "default";
                in.questionnaireVersion = r["questionnaire_version"];
                in.completedAtMs = r["completed_at_ms"];
                in.body = r.dump();
                in.contentHash = sha256Hex(in.body);
                term.rows.push_back(BatchItem{in, {}});
                items.push_back(std::move(r));
            }
            term.gzBodies.push_back(gzipCompress(json{{"responses", items}}.dump()));
        }
        out.push_back(std::move(term));
    }
    return out;
}

std::shared_ptr<SqlPool> freshStore(const std::string& url, std::vector<Terminal>& work, int64_t now) {
    auto pool = std::make_shared<SqlPool>(url, 8);
    HubStore store(pool);
    store.migrate();
    for (auto& t : work) t.token = store.addTerminal(t.id, "Bench centre", now).token;
    return pool;
}

// The same rows with the same INSERT, straight into the store: 500 per transaction, with as
// many connections at once as the hub gets clients (terminals shared out among them).
double rawInsertRate(const std::string& url, std::vector<Terminal>& work, int clients) {
    auto pool = freshStore(url, work, SystemClock().wallMs());
    std::atomic<size_t> rows{0};
    auto t0 = Steady::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            for (size_t w = static_cast<size_t>(c); w < work.size(); w += static_cast<size_t>(clients)) {
                const Terminal& t = work[w];
                for (size_t first = 0; first < t.rows.size(); first += kBatch) {
                    auto db = pool->borrow();
                    SqlTransaction tx(*db);
                    // The hub's own statement shape: 200 rows per INSERT.
                    for (size_t from = first; from < std::min(first + kBatch, t.rows.size()); from += 200) {
                        std::string sql =
                            "INSERT INTO responses (id, terminal_id, seq, centre, service, channel, status, language, questionnaire_id, "
                            "questionnaire_version, completed_at_ms, received_at_ms, content_hash, body) VALUES ";
                        std::vector<SqlValue> params;
                        size_t to = std::min({from + 200, first + kBatch, t.rows.size()});
                        for (size_t i = from; i < to; ++i) {
                            const IncomingResponse& r = *t.rows[i].response;
                            sql += i > from ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
                            params.insert(params.end(), {r.id, t.id, r.seq, std::string("Bench centre"), r.service, r.channel, r.status,
                                                         r.language, r.questionnaireId, r.questionnaireVersion, r.completedAtMs,
                                                         r.completedAtMs, r.contentHash, r.body});
                        }
                        rows += db->query(sql + " ON CONFLICT DO NOTHING RETURNING id", params).rows.size();
                    }
                    tx.commit();
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    return static_cast<double>(rows.load()) / std::chrono::duration<double>(Steady::now() - t0).count();
}

// The hub's whole path: HTTPS, gzip, JSON checks, the store; `clients` terminals at once.
double hubIngestRate(const std::string& url, std::vector<Terminal>& work, const test::TestPki& pki, int clients) {
    SystemClock clock;
    auto pool = freshStore(url, work, clock.wallMs());
    HubStore store(pool);
    ApiSettings settings;
    settings.rateLimitPerSecond = 0;
    HubApi api(store, clock, settings);
    ServerOptions options;
    options.port = 0;
    std::string error;
    options.certPem = *readWholeFile(pki.serverCert, error);
    options.keyPem = *readWholeFile(pki.serverKey, error);
    HttpServer server(options, [&api](const otklik::hub::HttpRequest& r) { return api.handle(r); });
    std::string endpoint = "https://127.0.0.1:" + std::to_string(server.port()) + "/api/v1/responses:batch";

    std::atomic<size_t> next{0};
    std::atomic<int64_t> stored{0};
    std::vector<std::pair<const Terminal*, const std::string*>> jobs;
    // Each terminal's batches in order (as an uploader sends them), terminals interleaved.
    for (size_t b = 0;; ++b) {
        bool any = false;
        for (const auto& t : work)
            if (b < t.gzBodies.size()) {
                jobs.emplace_back(&t, &t.gzBodies[b]);
                any = true;
            }
        if (!any) break;
    }
    auto t0 = Steady::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            TlsSettings tls;
            tls.caFile = pki.caCert;
            HttpClient client(tls, HttpTimeouts{}, std::string());
            for (size_t j; (j = next++) < jobs.size();) {
                otklik::HttpRequest request;
                request.method = "POST";
                request.url = endpoint;
                request.headers = {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"},
                                   {"Authorization", "Bearer " + jobs[j].first->token}};
                request.body = *jobs[j].second;
                HttpResult r = client.send(request);
                if (r.status != 200) {
                    std::fprintf(stderr, "hub_ingest_bench: batch failed: %d %s %s\n", r.status, r.errorMessage.c_str(), r.body.c_str());
                    std::exit(1);
                }
                stored += json::parse(r.body)["stored"].get<int64_t>();
            }
        });
    }
    for (auto& t : threads) t.join();
    double seconds = std::chrono::duration<double>(Steady::now() - t0).count();
    return static_cast<double>(stored.load()) / seconds;
}

// Raw and hub take turns, the order alternating, so that neither always meets a warmer or a
// busier machine (on a shared VM the speed drifts over seconds); the median ratio is the figure.
void compare(const char* name, const std::function<std::string()>& freshUrl, std::vector<Terminal>& work, const test::TestPki& pki,
             int clients, int rounds) {
    std::vector<double> ratios;
    for (int r = 0; r < rounds; ++r) {
        double raw = 0, hub = 0;
        if (r % 2 == 0) {
            raw = rawInsertRate(freshUrl(), work, clients);
            hub = hubIngestRate(freshUrl(), work, pki, clients);
        } else {
            hub = hubIngestRate(freshUrl(), work, pki, clients);
            raw = rawInsertRate(freshUrl(), work, clients);
        }
        ratios.push_back(hub / raw);
        std::printf("  %-10s round %d: raw insert %9.0f responses/s   hub over HTTPS %9.0f responses/s   hub/raw %.0f%%\n", name, r + 1, raw,
                    hub, 100.0 * hub / raw);
    }
    std::sort(ratios.begin(), ratios.end());
    std::printf("RESULT store=%s clients=%d rounds=%d median_ratio=%.2f min_ratio=%.2f\n", name, clients, rounds,
                ratios[ratios.size() / 2], ratios.front());
}

}  // namespace

int main(int argc, char** argv) {
    int responses = 40000, clients = 2, rounds = 3;
    std::string dir = "build/bench/hub";
    bool sqliteOnly = false, postgresqlOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--sqlite-only")) sqliteOnly = true;
        if (!std::strcmp(argv[i], "--postgresql-only")) postgresqlOnly = true;
        if (i + 1 >= argc) continue;
        if (!std::strcmp(argv[i], "--responses")) responses = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--clients")) clients = std::stoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--rounds")) rounds = std::max(1, std::stoi(argv[i + 1]));
        if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    }
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto pki = test::makeTestPki(dir);
    auto work = makeWork(responses, 4);
    std::printf("hub_ingest_bench: %d responses from 4 terminals in batches of %d, %d clients at once\n", responses, kBatch, clients);
    int files = 0;
    if (!postgresqlOnly) compare("sqlite", [&] { return dir + "/store-" + std::to_string(++files) + ".db"; }, work, pki, clients, rounds);
    if (!sqliteOnly) {
        std::string why;
        if (!test::PostgresServer::available(&why)) {
            std::printf("  postgresql: skipped (%s)\n", why.c_str());
        } else {
            test::PostgresServer server;
            compare("postgresql", [&] { return server.createDatabase(); }, work, pki, clients, rounds);
        }
    }
    fs::remove_all(dir);
    return 0;
}
