// Enrolment on the hub, through its routes (HubApi::handle) on the simulated clock, on SQLite
// and on a real PostgreSQL: a code trades for working credentials once; used, expired, unknown
// and malformed codes say which; attempts are rate-limited per address and overall; two
// callers racing with one code get one enrolment; a replacement device keeps the terminal's
// history, its numbering starts again without a gap or a duplicate, and the old token is
// refused as replaced. And a store from schema 2 upgrades with every response kept.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/hub/api.h"
#include "sync/hub/hub_store.h"
#include "sync/hub/sql.h"
#include "sync/hub/sql_pool.h"
#include "sync/protocol/enrol_code.h"
#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/fakes/temp_dir.h"
#include "tests/support/postgres_server.h"

using namespace otklik;
using namespace otklik::hub;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'796'400'000'000;  // 2026-12-04T17:20:00Z
constexpr int64_t kMinute = 60'000;

std::string safeName(std::string name) {
    for (char& c : name)
        if (c == '/') c = '_';
    return name;
}

class HubEnrol : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "sqlite") {
            url_ = fakes::freshTempDir("hub-enrol-" + safeName(::testing::UnitTest::GetInstance()->current_test_info()->name())) + "/hub.db";
        } else {
            std::string why;
            if (!test::PostgresServer::available(&why)) FAIL() << why;
            url_ = test::PostgresServer::shared().createDatabase();
        }
        store_ = std::make_unique<HubStore>(std::make_shared<SqlPool>(url_, 4));
        store_->migrate();
        ApiSettings settings;
        settings.rateLimitPerSecond = 0;
        api_ = std::make_unique<HubApi>(*store_, clock_, settings);
    }

    HttpReply call(const std::string& method, const std::string& path, const std::string& body, const std::string& token = "",
                   const std::string& from = "192.0.2.10") {
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.body = body;
        r.remoteAddress = from;
        r.headers["content-type"] = "application/json";
        if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
        return api_->handle(r);
    }
    HttpReply enrol(const std::string& code, const std::string& from = "192.0.2.10", int64_t firstSeq = 0) {
        json body{{"code", code}};
        if (firstSeq) body["first_seq"] = firstSeq;
        return call("POST", "/api/v1/enrol", body.dump(), "", from);
    }
    std::string code(const std::string& id, int64_t ttlMs = 30 * kMinute) { return store_->createEnrolCode(id, "МФЦ Артём", ttlMs, clock_.wallMs()).code; }

    json batch(const std::string& terminal, std::initializer_list<int64_t> seqs) {
        json list = json::array();
        for (int64_t seq : seqs) {
            Response r;
            r.id = newUuidV7(clock_.wallMs() + seq);
            r.seq = seq;
            r.terminalId = terminal;
            r.questionnaireId = "default";
            r.questionnaireVersion = "1";
            r.language = "ru";
            r.startedAtMs = r.completedAtMs = clock_.wallMs();
            r.answers["overall"].rating = 4;
            list.push_back(toJson(r));
        }
        return json{{"responses", list}};
    }

    std::string url_;
    ManualClock clock_{1000, kNow};
    std::unique_ptr<HubStore> store_;
    std::unique_ptr<HubApi> api_;
};

TEST_P(HubEnrol, ACodeTradesForWorkingCredentialsOnce) {
    std::string c = code("artem-01");
    EXPECT_EQ(c.size(), 9u);
    EXPECT_EQ(c[4], '-');
    HttpReply r = enrol(c, "192.0.2.10", 1);
    ASSERT_EQ(r.status, 200) << r.body;
    json reply = json::parse(r.body);
    EXPECT_EQ(reply["terminal_id"], "artem-01");
    EXPECT_EQ(reply["centre"], "МФЦ Артём");
    EXPECT_EQ(reply["device"], 1);
    EXPECT_EQ(reply["config"]["terminal_id"], "artem-01");
    EXPECT_EQ(reply["qr_secret"].get<std::string>().size(), 43u);
    std::string token = reply["token"];

    // The token works at once.
    HttpReply config = call("GET", "/api/v1/config", "", token);
    ASSERT_EQ(config.status, 200) << config.body;
    EXPECT_EQ(json::parse(config.body)["terminal_id"], "artem-01");
    HttpReply stored = call("POST", "/api/v1/responses:batch", batch("artem-01", {1, 2}).dump(), token);
    ASSERT_EQ(stored.status, 200) << stored.body;
    EXPECT_EQ(json::parse(stored.body)["high_water_seq"], 2);

    // Spent: the same code again is refused as used, and nothing changes.
    HttpReply again = enrol(c);
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(json::parse(again.body)["code"], "code_used");
    EXPECT_EQ(call("GET", "/api/v1/config", "", token).status, 200) << "a refused code leaves the enrolled terminal alone";
}

// The service events an enrolled terminal reports: a long Cyrillic detail is cut between
// letters (cut mid-letter, PostgreSQL refused the whole report and the terminal resent it for
// ever), a detail that is not text is a 400 naming it, not a 500.
TEST_P(HubEnrol, ServiceEventsAreCutBetweenLettersAndMalformedOnesSayWhy) {
    HttpReply r = enrol(code("artem-02"));
    ASSERT_EQ(r.status, 200) << r.body;
    std::string token = json::parse(r.body)["token"];
    std::string detail;
    for (int i = 0; i < 300; ++i) detail += "ж";  // 600 bytes
    json report{{"terminal_id", "artem-02"},
                {"events", {{{"id", newUuidV7(kNow)}, {"at_ms", kNow}, {"kind", "setting-changed"}, {"detail", "x" + detail}}}}};
    HttpReply stored = call("POST", "/api/v1/events", report.dump(), token);
    ASSERT_EQ(stored.status, 200) << stored.body;
    auto events = store_->events("artem-02", 10);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].detail, "x" + detail.substr(0, 498)) << "499 bytes would cut a letter";

    report["events"][0]["detail"] = 42;
    HttpReply bad = call("POST", "/api/v1/events", report.dump(), token);
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.body.find("detail"), std::string::npos) << bad.body;
}

TEST_P(HubEnrol, UnknownExpiredAndMalformedCodesSayWhich) {
    std::string c = code("artem-02", 30 * kMinute);
    // Typed the way people type: lower case, spaces, O for zero and l for one.
    std::string sloppy;
    for (char ch : c) sloppy += ch == '0' ? 'o' : ch == '1' ? 'l' : static_cast<char>(std::tolower(ch));
    sloppy.insert(2, " ");

    HttpReply unknown = enrol(c.substr(0, 8) + (c[8] == 'X' ? "Y" : "X"));
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(json::parse(unknown.body)["code"], "code_unknown");
    HttpReply malformed = enrol("12345");
    EXPECT_EQ(malformed.status, 404);
    EXPECT_NE(json::parse(malformed.body)["fix"].get<std::string>().find("8 letters and digits"), std::string::npos);
    HttpReply noCode = call("POST", "/api/v1/enrol", R"({"kode": "x"})");
    EXPECT_EQ(noCode.status, 400);
    EXPECT_EQ(call("GET", "/api/v1/enrol", "").status, 405);

    clock_.advance(30 * kMinute);  // exactly at the expiry: too late
    HttpReply expired = enrol(sloppy);
    EXPECT_EQ(expired.status, 410) << expired.body;
    EXPECT_EQ(json::parse(expired.body)["code"], "code_expired");

    // A new code replaces the old one; typed sloppily, it still works.
    std::string fresh = code("artem-02");
    std::string freshSloppy;
    for (char ch : fresh) freshSloppy += ch == '0' ? 'O' : static_cast<char>(std::tolower(ch));
    EXPECT_EQ(enrol(freshSloppy).status, 200);
    ASSERT_TRUE(store_->terminal("artem-02"));
}

TEST_P(HubEnrol, ANewCodeStopsTheOlderOne) {
    std::string first = code("artem-03");
    std::string second = code("artem-03");
    EXPECT_EQ(enrol(first).status, 404) << "a code printed earlier and left lying about no longer works";
    EXPECT_EQ(enrol(second).status, 200);
}

TEST_P(HubEnrol, AttemptsAreLimitedPerAddressAndOverall) {
    std::string c = code("artem-04");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(enrol("AAAA-AAAA", "192.0.2.66").status, 404) << i;
    HttpReply limited = enrol(c, "192.0.2.66");
    ASSERT_EQ(limited.status, 429) << "even the right code waits once an address has guessed too often";
    EXPECT_EQ(json::parse(limited.body)["code"], "rate_limited");
    bool hasRetryAfter = false;
    for (const auto& [name, value] : limited.headers) hasRetryAfter |= name == "Retry-After" && std::stoi(value) >= 1;
    EXPECT_TRUE(hasRetryAfter);
    // Another address is not held back by that one.
    EXPECT_EQ(enrol("AAAA-AAAA", "192.0.2.67").status, 404);
    // After the wait the guessing address may try again.
    clock_.advance(12'000);
    EXPECT_EQ(enrol(c, "192.0.2.66").status, 200);

    // Many addresses guessing together meet the overall limit.
    int refused = 0;
    for (int i = 0; i < 40; ++i) refused += enrol("AAAA-AAAA", "198.51.100." + std::to_string(i)).status == 429;
    EXPECT_GE(refused, 8) << "30 attempts overall, then one every 2 s";
    EXPECT_LE(refused, 12);
}

TEST_P(HubEnrol, TwoCallersRacingWithOneCodeGetOneEnrolment) {
    for (int round = 0; round < 5; ++round) {
        std::string c = code("race-" + std::to_string(round));
        std::atomic<int> enrolled{0}, used{0};
        std::vector<std::thread> callers;
        for (int i = 0; i < 4; ++i)
            callers.emplace_back([&, i] {
                int status = enrol(c, "203.0.113." + std::to_string(round * 4 + i)).status;
                if (status == 200) ++enrolled;
                if (status == 409) ++used;
            });
        for (auto& t : callers) t.join();
        EXPECT_EQ(enrolled.load(), 1) << "round " << round;
        EXPECT_EQ(used.load(), 3) << "round " << round;
    }
}

TEST_P(HubEnrol, AReplacementDeviceKeepsTheHistoryAndNumbersAfresh) {
    json first = json::parse(enrol(code("artem-05"), "192.0.2.10", 1).body);
    std::string oldToken = first["token"];
    ASSERT_EQ(call("POST", "/api/v1/responses:batch", batch("artem-05", {1, 2, 3}).dump(), oldToken).status, 200);
    // seq 4 never arrived: the old device died with it.
    ASSERT_EQ(call("POST", "/api/v1/responses:batch", batch("artem-05", {5}).dump(), oldToken).status, 200);

    clock_.advance(kMinute);
    HttpReply replaced = enrol(code("artem-05"), "192.0.2.11", 1);
    ASSERT_EQ(replaced.status, 200) << replaced.body;
    json second = json::parse(replaced.body);
    EXPECT_EQ(second["device"], 2);
    EXPECT_EQ(second["replaced_device"], 1);
    std::string newToken = second["token"];
    EXPECT_NE(newToken, oldToken);
    EXPECT_NE(second["qr_secret"], first["qr_secret"]);

    HttpReply old = call("GET", "/api/v1/config", "", oldToken);
    EXPECT_EQ(old.status, 403);
    EXPECT_EQ(json::parse(old.body)["code"], "device_replaced");
    EXPECT_NE(json::parse(old.body)["error"].get<std::string>().find("device 1 of terminal artem-05"), std::string::npos) << old.body;

    // The new device starts again at 1: neither a conflict with the old device's 1, 2, 3 nor a gap.
    HttpReply again = call("POST", "/api/v1/responses:batch", batch("artem-05", {1, 2}).dump(), newToken);
    ASSERT_EQ(again.status, 200) << again.body;
    json reply = json::parse(again.body);
    EXPECT_EQ(reply["stored"], 2) << again.body;
    EXPECT_EQ(reply["high_water_seq"], 2);
    Terminal t = *store_->terminal("artem-05");
    EXPECT_EQ(t.device, 2);
    EXPECT_EQ(t.highWaterSeq, 2);
    EXPECT_EQ(t.maxSeq, 2);
    EXPECT_TRUE(store_->missingSeqs("artem-05", 10).empty());
    auto history = store_->replacedDevices("artem-05");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].device, 1);
    EXPECT_EQ(history[0].highWaterSeq, 3);
    EXPECT_EQ(history[0].maxSeq, 5) << "the old device's gap (4) stays on its record";

    int byOld = 0, byNew = 0;
    store_->exportRows({}, [&](const StoredRow& row) { (row.device == 1 ? byOld : byNew)++; });
    EXPECT_EQ(byOld, 4) << "the old device's responses are kept";
    EXPECT_EQ(byNew, 2);
}

TEST_P(HubEnrol, ADeviceWithResponsesFromBeforeNumbersFromItsFirstSeq) {
    // A terminal re-enrolled under its id with 40 responses delivered before and more to come
    // says where its numbering goes on: the hub sees no gap below that.
    HttpReply r = enrol(code("artem-06"), "192.0.2.10", 41);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["first_seq"], 41);
    std::string token = json::parse(r.body)["token"];
    HttpReply stored = call("POST", "/api/v1/responses:batch", batch("artem-06", {41, 42}).dump(), token);
    EXPECT_EQ(json::parse(stored.body)["high_water_seq"], 42);
    EXPECT_TRUE(store_->missingSeqs("artem-06", 10).empty());
    EXPECT_EQ(enrol(code("artem-07"), "192.0.2.10", 0).status, 200) << "first_seq is optional";
    EXPECT_EQ(call("POST", "/api/v1/enrol", R"({"code": "AAAA-AAAA", "first_seq": -3})").status, 400);
}

TEST_P(HubEnrol, ARevokedTerminalGetsNoCode) {
    store_->addTerminal("artem-08", "МФЦ Артём", kNow);
    std::string c = code("artem-08");
    ASSERT_TRUE(store_->revokeTerminal("artem-08", kNow));
    HttpReply r = enrol(c);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(json::parse(r.body)["code"], "terminal_revoked");
    EXPECT_THROW(code("artem-08"), std::invalid_argument);
    EXPECT_THROW(code("bad id!"), std::invalid_argument);
}

// A store written by the previous hub (schema 2: no devices) is upgraded in place: every
// response kept, terminals' responses under device 1, phone responses under device 0, and a
// replacement can follow.
TEST_P(HubEnrol, AStoreFromSchemaTwoUpgradesWithEveryResponseKept) {
    const std::string v2url = GetParam() == "sqlite" ? url_ + ".v2" : test::PostgresServer::shared().createDatabase();
    openSql(v2url)->script(R"(
CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO hub_meta (key, value) VALUES ('schema_version', '2');
CREATE TABLE terminals (id TEXT PRIMARY KEY, centre TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, qr_secret TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL, revoked_at_ms BIGINT, last_seen_ms BIGINT, clock_offset_ms BIGINT,
    high_water_seq BIGINT NOT NULL DEFAULT 0, max_seq BIGINT NOT NULL DEFAULT 0, reported_unsent BIGINT,
    reported_oldest_unsent_s BIGINT, reported_free_disk_bytes BIGINT, uptime_s BIGINT, version TEXT NOT NULL DEFAULT '',
    config_error TEXT NOT NULL DEFAULT '');
CREATE TABLE questionnaires (scope TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, version TEXT NOT NULL,
    set_at_ms BIGINT NOT NULL, PRIMARY KEY (scope, name));
CREATE TABLE responses (id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL REFERENCES terminals (id), seq BIGINT NOT NULL,
    centre TEXT NOT NULL, service TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, language TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL, questionnaire_version TEXT NOT NULL, completed_at_ms BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL, content_hash TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (terminal_id, seq));
CREATE INDEX responses_completed ON responses (completed_at_ms, terminal_id, seq);
CREATE INDEX responses_centre ON responses (centre, completed_at_ms);
CREATE TABLE qr_used_nonces (terminal_id TEXT NOT NULL, nonce TEXT NOT NULL, response_id TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL, PRIMARY KEY (terminal_id, nonce));
INSERT INTO terminals (id, centre, token_hash, qr_secret, created_at_ms, high_water_seq, max_seq)
    VALUES ('old-01', 'МФЦ', 'h', 's', 1, 2, 2);
INSERT INTO responses VALUES ('a', 'old-01', 1, 'МФЦ', '', 'touch', 'complete', 'ru', 'default', '1', 10, 11, 'x', '{}');
INSERT INTO responses VALUES ('b', 'old-01', 2, 'МФЦ', '', 'touch', 'complete', 'ru', 'default', '1', 20, 21, 'x', '{}');
INSERT INTO responses VALUES ('c', 'old-01', -1, 'МФЦ', '', 'qr', 'complete', 'ru', 'default', '1', 30, 31, 'x', '{}');
)");
    HubStore upgraded(std::make_shared<SqlPool>(v2url, 1));
    upgraded.migrate();
    std::map<std::string, int64_t> devices;
    upgraded.exportRows({}, [&](const StoredRow& row) { devices[row.id] = row.device; });
    EXPECT_EQ(devices, (std::map<std::string, int64_t>{{"a", 1}, {"b", 1}, {"c", 0}}));
    EXPECT_EQ(upgraded.terminal("old-01")->device, 1);
    EXPECT_EQ(upgraded.terminal("old-01")->highWaterSeq, 2);
    // The old key is gone: a replacement device may use seq 1 again.
    std::string c = upgraded.createEnrolCode("old-01", "МФЦ", 30 * kMinute, kNow).code;
    Enrolment e = upgraded.redeemEnrolCode(*normalizeEnrolCode(c), 1, "test", kNow);
    ASSERT_EQ(e.result, EnrolResult::Enrolled);
    IncomingResponse r;
    r.id = "d";
    r.seq = 1;
    r.channel = "touch";
    r.status = "complete";
    r.body = "{}";
    r.contentHash = "y";
    BatchItem item;
    item.response = r;
    BatchOutcome out = upgraded.storeBatch("old-01", "МФЦ", {item}, kNow);
    EXPECT_EQ(out.items.at(0).result, ItemResult::Stored) << out.items.at(0).reason;
    upgraded.migrate();  // idempotent
    EXPECT_EQ(upgraded.responseCount(), 4);
}

INSTANTIATE_TEST_SUITE_P(Stores, HubEnrol, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
