// The real otklik-hub over real HTTPS on loopback, on SQLite and on a real PostgreSQL: the
// same suite for both stores. Idempotent batches, conflicts, per-item rejection, auth,
// ETag/304, heartbeats, gzip bombs, oversized bodies, and the admin commands around them.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/integration/hub_process.h"
#include "tests/support/postgres_server.h"

namespace otklik::test {
namespace {

using json = nlohmann::json;

json sampleResponse(const std::string& terminal, int64_t seq, int rating = 4) {
    Response r;
    r.id = newUuidV7(1795334502404 + seq);
    r.seq = seq;
    r.terminalId = terminal;
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = seq % 2 ? "job_search" : "documents";
    r.language = "ru";
    r.startedAtMs = 1795334502404 + seq * 1000;
    r.completedAtMs = r.startedAtMs + 40000;
    r.answers["overall"].rating = rating;
    r.answers["waiting_time"].rating = 1 + static_cast<int>(seq % 5);
    r.answers["reasons"].selected = {"waited_long"};
    return toJson(r);
}

json batchOf(const std::vector<json>& items) { return json{{"responses", items}}; }

// "sqlite" or "postgresql": where the hub under test keeps its data.
class HubApi : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        dir = freshDirForThisTest();
        db = testStore(GetParam(), dir);
        terminal = enrol(db, "mfc-01", "МФЦ Владивосток");
    }

    void startHub(std::vector<std::string> extra = {"--rate-limit", "0"}) {
        hub = std::make_unique<HubProcess>(db, dir, std::move(extra));
    }

    HttpResult postBatch(HttpClient& client, const json& body, const std::string& token, bool gzip = false) {
        return postJson(client, hub->url("/api/v1/responses:batch"), token, body.dump(), gzip);
    }

    std::vector<json> exported() { return hubExport(db); }

    std::string dir, db;
    Enrolled terminal;
    std::unique_ptr<HubProcess> hub;
};

TEST_P(HubApi, SameBatchTenTimesIsStoredOnce) {
    startHub();
    auto client = hub->client();
    std::vector<json> items;
    for (int seq = 1; seq <= 50; ++seq) items.push_back(sampleResponse("mfc-01", seq));
    json body = batchOf(items);
    for (int attempt = 0; attempt < 10; ++attempt) {
        HttpResult r = postBatch(client, body, terminal.token, attempt % 2 == 1);
        ASSERT_EQ(r.status, 200) << r.errorMessage << r.body;
        json reply = json::parse(r.body);
        EXPECT_EQ(reply["high_water_seq"], 50);
        EXPECT_EQ(reply["stored"], attempt == 0 ? 50 : 0);
        EXPECT_EQ(reply["duplicates"], attempt == 0 ? 0 : 50);
        ASSERT_EQ(reply["results"].size(), 50u);
        EXPECT_EQ(reply["results"][7]["id"], items[7]["id"]);
        EXPECT_EQ(reply["results"][7]["result"], attempt == 0 ? "stored" : "duplicate");
    }
    auto rows = exported();
    ASSERT_EQ(rows.size(), 50u);
    std::set<std::string> ids;
    for (const auto& row : rows) ids.insert(row["id"].get<std::string>());
    EXPECT_EQ(ids.size(), 50u);
}

TEST_P(HubApi, KnownIdWithDifferentContentIsAConflictAndNeverOverwritten) {
    startHub();
    auto client = hub->client();
    json original = sampleResponse("mfc-01", 1, 5);
    ASSERT_EQ(postBatch(client, batchOf({original}), terminal.token).status, 200);

    json altered = original;
    altered["answers"]["overall"] = 1;
    HttpResult r = postBatch(client, batchOf({altered}), terminal.token);
    ASSERT_EQ(r.status, 200) << r.body;
    json item = json::parse(r.body)["results"][0];
    EXPECT_EQ(item["result"], "rejected");
    EXPECT_EQ(item["conflict"], true);
    EXPECT_NE(item["reason"].get<std::string>().find("different content"), std::string::npos);

    // Another id claiming a seq that is taken is a conflict too.
    json clash = sampleResponse("mfc-01", 1, 2);
    clash["id"] = newUuidV7(1795334599999);
    item = json::parse(postBatch(client, batchOf({clash}), terminal.token).body)["results"][0];
    EXPECT_EQ(item["result"], "rejected");
    EXPECT_EQ(item["conflict"], true);
    EXPECT_NE(item["reason"].get<std::string>().find("seq 1"), std::string::npos);

    auto rows = exported();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["answers"]["overall"], 5);
}

TEST_P(HubApi, BadItemsAreRejectedOneByOneAndTheRestStored) {
    startHub();
    auto client = hub->client();
    json badRating = sampleResponse("mfc-01", 3);
    badRating["answers"]["overall"] = 9;
    json noSeq = sampleResponse("mfc-01", 4);
    noSeq.erase("seq");
    json badId = sampleResponse("mfc-01", 5);
    badId["id"] = "not-a-uuid";
    json notObject = "hello";
    HttpResult r = postBatch(client, batchOf({sampleResponse("mfc-01", 1), badRating, noSeq, badId, notObject, sampleResponse("mfc-01", 6)}),
                             terminal.token);
    ASSERT_EQ(r.status, 200) << r.body;
    json reply = json::parse(r.body);
    std::vector<std::string> results;
    for (const auto& item : reply["results"]) results.push_back(item["result"]);
    EXPECT_EQ(results, (std::vector<std::string>{"stored", "rejected", "rejected", "rejected", "rejected", "stored"}));
    EXPECT_NE(reply["results"][1]["reason"].get<std::string>().find("overall"), std::string::npos);
    EXPECT_NE(reply["results"][2]["reason"].get<std::string>().find("seq"), std::string::npos);
    EXPECT_EQ(reply["high_water_seq"], 1);  // 2..5 never arrived intact
    EXPECT_EQ(exported().size(), 2u);
}

// Another terminal's responses under this token are an identity error, not bad responses:
// the whole batch and the heartbeat are refused naming both ids, and nothing is changed.
TEST_P(HubApi, AnotherTerminalsResponsesOrHeartbeatAreRefusedWhole) {
    startHub();
    auto client = hub->client();
    HttpResult r = postBatch(client, batchOf({sampleResponse("mfc-01", 1), sampleResponse("someone-else", 2)}), terminal.token);
    ASSERT_EQ(r.status, 403) << r.body;
    json reply = json::parse(r.body);
    EXPECT_EQ(reply["code"], "terminal_mismatch");
    EXPECT_NE(reply["error"].get<std::string>().find("belongs to terminal \"mfc-01\""), std::string::npos) << r.body;
    EXPECT_NE(reply["error"].get<std::string>().find("terminal \"someone-else\""), std::string::npos) << r.body;
    EXPECT_TRUE(exported().empty()) << "not even the response that was the token's own";

    HttpResult beat = postJson(client, hub->url("/api/v1/heartbeat"), terminal.token,
                               R"({"terminal_id": "someone-else", "unsent": 4, "terminal_time_ms": 1})");
    ASSERT_EQ(beat.status, 403) << beat.body;
    EXPECT_EQ(json::parse(beat.body)["code"], "terminal_mismatch");
    auto list = jsonLines(hubCommand(db, {"terminal", "list", "--json"}).out);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_TRUE(list[0]["last_seen_ms"].is_null()) << "the refused heartbeat did not count as mfc-01 being seen";
    EXPECT_TRUE(list[0]["reported_unsent"].is_null());
    // Positive control: the same heartbeat naming its own terminal is taken.
    ASSERT_EQ(postJson(client, hub->url("/api/v1/heartbeat"), terminal.token, R"({"terminal_id": "mfc-01", "unsent": 4, "terminal_time_ms": 1})")
                  .status,
              200);
    EXPECT_EQ(jsonLines(hubCommand(db, {"terminal", "list", "--json"}).out)[0]["reported_unsent"], 4);
}

TEST_P(HubApi, MalformedBodiesGet400WithAReasonNever500) {
    startHub();
    auto client = hub->client();
    for (const std::string& body : std::vector<std::string>{"", "{", "[]", "{\"responses\": 5}", "{\"responses\": []}", "null", "\xff\xfe", std::string(100000, '[')}) {
        HttpResult r = postJson(client, hub->url("/api/v1/responses:batch"), terminal.token, body);
        EXPECT_EQ(r.status, 400) << body.substr(0, 20) << ": " << r.body;
        EXPECT_TRUE(json::parse(r.body).contains("error"));
    }
    otklik::HttpRequest wrongType;
    wrongType.method = "POST";
    wrongType.url = hub->url("/api/v1/responses:batch");
    wrongType.headers = {{"Authorization", "Bearer " + terminal.token}, {"Content-Type", "text/plain"}};
    wrongType.body = "{}";
    EXPECT_EQ(client.send(wrongType).status, 415);
    EXPECT_TRUE(hub->alive());
}

TEST_P(HubApi, UnknownTokenIs401AndRevokedTerminalIs403) {
    startHub();
    auto client = hub->client();
    json body = batchOf({sampleResponse("mfc-01", 1)});
    EXPECT_EQ(postBatch(client, body, "").status, 401);
    EXPECT_EQ(postBatch(client, body, "otk_forged").status, 401);
    EXPECT_EQ(getWithToken(client, hub->url("/api/v1/config"), "otk_forged").status, 401);
    ASSERT_EQ(hubCommand(db, {"terminal", "revoke", "mfc-01"}).exitCode, 0);
    HttpResult r = postBatch(client, body, terminal.token);
    EXPECT_EQ(r.status, 403);
    EXPECT_NE(r.body.find("revoked"), std::string::npos);
    EXPECT_TRUE(exported().empty());
    // The list shows it revoked.
    EXPECT_NE(hubCommand(db, {"terminal", "list"}).out.find("revoked"), std::string::npos);
}

TEST_P(HubApi, ConfigHasAnETagAndAnswers304UntilTheQuestionnaireChanges) {
    startHub();
    auto client = hub->client();
    HttpResult first = getWithToken(client, hub->url("/api/v1/config"), terminal.token);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_TRUE(json::parse(first.body)["questionnaire"].is_null());
    auto etag = first.header("etag");
    ASSERT_TRUE(etag);
    EXPECT_EQ(getWithToken(client, hub->url("/api/v1/config"), terminal.token, {{"If-None-Match", *etag}}).status, 304);

    CommandResult set = hubCommand(db, {"questionnaire", "set", "--centre", "МФЦ Владивосток", OTKLIK_SOURCE_DIR "/assets/questionnaires/default.json"});
    ASSERT_EQ(set.exitCode, 0) << set.err;
    HttpResult changed = getWithToken(client, hub->url("/api/v1/config"), terminal.token, {{"If-None-Match", *etag}});
    ASSERT_EQ(changed.status, 200);
    EXPECT_NE(changed.header("etag"), etag);
    json config = json::parse(changed.body);
    EXPECT_EQ(config["questionnaire"]["id"], "default");
    EXPECT_EQ(config["centre"], "МФЦ Владивосток");
}

TEST_P(HubApi, InvalidQuestionnaireIsRefusedByTheSameValidationAsTheKiosk) {
    std::string bad = dir + "/bad.json";
    std::ofstream(bad) << R"({"format": 1, "id": "x", "version": "1", "languages": ["ru"], "main": {"id": "overall", "type": "stars"}})";
    CommandResult r = hubCommand(db, {"questionnaire", "set", "--terminal", "mfc-01", bad});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
}

TEST_P(HubApi, HeartbeatRecordsLastSeenAndClockOffset) {
    startHub();
    auto client = hub->client();
    int64_t terminalTime = 1000;  // a terminal whose clock is far behind
    json beat{{"version", "0.1.0"}, {"uptime_s", 3600}, {"unsent", 12}, {"oldest_unsent_age_s", 300}, {"free_disk_bytes", 123456789},
              {"terminal_time_ms", terminalTime}};
    HttpResult r = postJson(client, hub->url("/api/v1/heartbeat"), terminal.token, beat.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    json reply = json::parse(r.body);
    EXPECT_GT(reply["clock_offset_ms"].get<int64_t>(), 1700000000000);
    EXPECT_EQ(reply["hub_time_ms"].get<int64_t>() - terminalTime, reply["clock_offset_ms"].get<int64_t>());
    json listed = json::parse(hubCommand(db, {"terminal", "list", "--json"}).out);
    EXPECT_TRUE(listed["last_seen_ms"].is_number());

    beat.erase("unsent");
    EXPECT_EQ(postJson(client, hub->url("/api/v1/heartbeat"), terminal.token, beat.dump()).status, 400);
}

TEST_P(HubApi, GzipBombIsRefusedWith413AndTheHubCarriesOn) {
    startHub();
    auto client = hub->client();
    // 64 MiB of spaces inside a valid-looking batch: ~64 KiB compressed, over the 32 MiB cap.
    std::string bomb = "{\"responses\": [" + std::string(64u << 20, ' ') + "]}";
    HttpResult r = postBatch(client, json::parse("{}"), terminal.token);  // warm the connection
    r = postJson(client, hub->url("/api/v1/responses:batch"), terminal.token, bomb, true);
    EXPECT_EQ(r.status, 413) << r.errorMessage << r.body;
    EXPECT_EQ(postJson(client, hub->url("/api/v1/responses:batch"), terminal.token, "not gzip at all", false).status, 400);
    otklik::HttpRequest broken;
    broken.method = "POST";
    broken.url = hub->url("/api/v1/responses:batch");
    broken.headers = {{"Authorization", "Bearer " + terminal.token}, {"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}};
    broken.body = "\x1f\x8b garbage";
    EXPECT_EQ(client.send(broken).status, 400);
    EXPECT_EQ(postBatch(client, batchOf({sampleResponse("mfc-01", 1)}), terminal.token, true).status, 200);
}

TEST_P(HubApi, OversizedBodyIsRefusedBeforeItIsRead) {
    startHub();
    auto client = hub->client();
    otklik::HttpRequest request;
    request.method = "POST";
    request.url = hub->url("/api/v1/responses:batch");
    request.headers = {{"Authorization", "Bearer " + terminal.token}, {"Content-Type", "application/json"}, {"Expect", "100-continue"}};
    request.body = std::string(9u << 20, 'x');
    // A client that asks first (Expect: 100-continue) gets the 413 without sending the body.
    HttpResult r = client.send(request);
    EXPECT_EQ(r.status, 413) << r.errorMessage;
    // One that just sends gets the 413 or, as the hub closes early, a reset; either way the
    // hub reads no more than its limit and carries on.
    request.headers.pop_back();
    r = client.send(request);
    EXPECT_TRUE(r.status == 413 || r.error == HttpErrorKind::Send) << r.errorMessage;
    EXPECT_TRUE(hub->alive());
    auto fresh = hub->client();
    EXPECT_EQ(postBatch(fresh, batchOf({sampleResponse("mfc-01", 1)}), terminal.token).status, 200);
}

TEST_P(HubApi, RateLimitAnswers429WithRetryAfter) {
    startHub({"--rate-limit", "2"});
    auto client = hub->client();
    int limited = 0;
    std::optional<std::string> retryAfter;
    for (int i = 0; i < 150 && !limited; ++i) {
        HttpResult r = getWithToken(client, hub->url("/api/v1/config"), terminal.token);
        if (r.status == 429) {
            ++limited;
            retryAfter = r.header("retry-after");
        }
    }
    EXPECT_EQ(limited, 1);
    ASSERT_TRUE(retryAfter);
    EXPECT_GE(std::stoi(*retryAfter), 1);
}

TEST_P(HubApi, HealthAndMetricsReportTheStoreAndTheCounts) {
    startHub();
    auto client = hub->client();
    HttpResult health = getWithToken(client, hub->url("/healthz"), "");
    ASSERT_EQ(health.status, 200);
    EXPECT_EQ(json::parse(health.body)["store"], GetParam());
    ASSERT_EQ(postBatch(client, batchOf({sampleResponse("mfc-01", 1), sampleResponse("mfc-01", 2)}), terminal.token).status, 200);
    HttpResult metrics = getWithToken(client, hub->url("/metrics"), "");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("otklik_hub_responses_stored_total 2"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("otklik_hub_requests_total{route=\"/api/v1/responses:batch\",status=\"200\"} 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("otklik_hub_terminal_high_water_seq{terminal=\"mfc-01\"} 2"), std::string::npos);
}

TEST_P(HubApi, StoredResponsesSurviveAKilledHub) {
    startHub();
    auto client = hub->client();
    std::vector<json> items;
    for (int seq = 1; seq <= 20; ++seq) items.push_back(sampleResponse("mfc-01", seq));
    ASSERT_EQ(postBatch(client, batchOf(items), terminal.token).status, 200);
    hub->killAndRestart();
    auto again = hub->client();
    HttpResult r = postBatch(again, batchOf(items), terminal.token);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["duplicates"], 20);
    EXPECT_EQ(exported().size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Stores, HubApi, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace otklik::test
