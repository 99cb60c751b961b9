// The clock offset in the outbox (schema version 3): the estimate survives a restart and the
// uploader's record does not wipe it; a response keeps the offset it was stamped with, byte
// for byte; a version 2 file is migrated (and read by export/status before that); an older
// program refuses version 3. And what technicians see: export's corrected times, status's
// clock lines. The hub's export columns are tested here too (suite HubExportClock).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdio>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/cli/outbox_commands.h"
#include "sync/client/outbox_store.h"
#include "sync/hub/export_format.h"
#include "sync/protocol/uuid.h"
#include "tests/fakes/temp_dir.h"

using namespace otklik;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1'795'333'523'120;  // 2026-11-22T07:45:23.120Z

OutboxSettings settingsFor(const std::string& dir) { return OutboxSettings{dir, "", 90, 512LL << 20, 80}; }

Response response(int i, std::optional<int64_t> offset) {
    Response r;
    r.id = newUuidV7(kNow + i);
    r.terminalId = "t-1";
    r.questionnaireId = "default";
    r.questionnaireVersion = "1";
    r.language = "ru";
    r.startedAtMs = kNow - 5000;
    r.completedAtMs = kNow;
    r.answers["overall"].rating = 3;
    r.clockOffsetMs = offset;
    r.clockSuspect = offset && std::llabs(*offset) > kDefaultClockSuspectAfterMs;
    return r;
}

void sql(const std::string& dir, const std::string& statements) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir + "/outbox.db").c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

// Runs a command that writes to a FILE* and returns what it wrote.
template <typename Command>
std::string captured(Command command, int& code) {
    std::FILE* file = std::tmpfile();
    code = command(file);
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
    std::fclose(file);
    return text;
}

// An outbox with one response whose offset is unknown and one stamped ten minutes behind the hub.
std::string twoResponses(const std::string& name) {
    std::string dir = fakes::freshTempDir(name);
    sqlite::Error error;
    auto store = OutboxStore::open(settingsFor(dir), kNow, error);
    EXPECT_TRUE(store) << error.message;
    EXPECT_TRUE(store->insert(response(1, std::nullopt), kNow, error)) << error.message;
    EXPECT_TRUE(store->insert(response(2, 600'000), kNow, error)) << error.message;
    return dir;
}

}  // namespace

TEST(OutboxClock, TheEstimateSurvivesARestartAndTheSyncRecordLeavesItAlone) {
    std::string dir = fakes::freshTempDir("outbox_clock_restart");
    ClockEstimate estimate{-7'200'000, 12, kNow};
    {
        sqlite::Error error;
        auto store = OutboxStore::open(settingsFor(dir), kNow, error);
        ASSERT_TRUE(store) << error.message;
        EXPECT_FALSE(store->clockEstimate(error)) << "never measured";
        ASSERT_FALSE(store->saveClockEstimate(estimate));
        SyncRecord record;
        record.lastSuccessMs = kNow;
        record.hubHighWaterSeq = 9;
        ASSERT_FALSE(store->saveSyncRecord(record));
        ASSERT_FALSE(store->setStates({}, kNow, record));
    }
    sqlite::Error error;
    auto store = OutboxStore::open(settingsFor(dir), kNow + 1000, error);
    ASSERT_TRUE(store) << error.message;
    EXPECT_EQ(store->clockEstimate(error), estimate);
    EXPECT_EQ(store->syncRecord(error).hubHighWaterSeq, 9);
    auto readOnly = OutboxStore::openReadOnly(dir, error);
    ASSERT_TRUE(readOnly) << error.message;
    EXPECT_EQ(readOnly->clockEstimate(error), estimate);
    EXPECT_FALSE(error) << error.message;
}

TEST(OutboxClock, AResponseKeepsItsStampedOffsetByteForByte) {
    std::string dir = twoResponses("outbox_clock_rows");
    sqlite::Error error;
    auto store = OutboxStore::open(settingsFor(dir), kNow, error);
    ASSERT_TRUE(store) << error.message;
    auto rows = store->pending(10, error);
    ASSERT_EQ(rows.size(), 2u) << error.message;
    EXPECT_FALSE(rows[0].response.clockOffsetMs);
    EXPECT_EQ(rows[1].response.clockOffsetMs, 600'000);
    EXPECT_TRUE(rows[1].response.clockSuspect);
    Response expected = response(2, 600'000);
    expected.seq = 2;
    expected.id = rows[1].response.id;  // v7 ids are random in their low bits
    EXPECT_EQ(toJson(rows[1].response).dump(), toJson(expected).dump());
}

TEST(OutboxClock, AVersion2OutboxIsReadAsItIsThenMigrated) {
    std::string dir = fakes::freshTempDir("outbox_clock_v2");
    {
        sqlite::Error error;
        auto store = OutboxStore::open(settingsFor(dir), kNow, error);
        ASSERT_TRUE(store) << error.message;
        ASSERT_TRUE(store->insert(response(1, std::nullopt), kNow, error)) << error.message;
        ASSERT_FALSE(store->saveSyncRecord(SyncRecord{kNow, "", std::nullopt, 1, std::nullopt}));
    }
    // What a terminal of schema version 2 left behind.
    sql(dir,
        "ALTER TABLE responses DROP COLUMN clock_offset_ms; ALTER TABLE sync_status DROP COLUMN clock_offset_ms;"
        "ALTER TABLE sync_status DROP COLUMN clock_uncertainty_ms; ALTER TABLE sync_status DROP COLUMN clock_measured_at_ms;"
        "PRAGMA user_version = 2");
    sqlite::Error error;
    {
        // export and status of the new version, before the kiosk has run and migrated it.
        auto readOnly = OutboxStore::openReadOnly(dir, error);
        ASSERT_TRUE(readOnly) << error.message;
        EXPECT_FALSE(readOnly->clockEstimate(error));
        int rows = 0;
        EXPECT_FALSE(readOnly->forEach(std::nullopt, [&](const StoredResponse& s) {
            ++rows;
            EXPECT_FALSE(s.response.clockOffsetMs);
        }));
        EXPECT_EQ(rows, 1);
        EXPECT_FALSE(error) << error.message;
    }
    auto store = OutboxStore::open(settingsFor(dir), kNow, error);
    ASSERT_TRUE(store) << error.message;
    EXPECT_EQ(store->syncRecord(error).hubHighWaterSeq, 1) << "the version 2 record is kept";
    ASSERT_TRUE(store->insert(response(2, -90'000), kNow, error)) << error.message;
    ASSERT_FALSE(store->saveClockEstimate({-90'000, 30, kNow}));
    EXPECT_EQ(store->clockEstimate(error)->offsetMs, -90'000);
    auto rows = store->pending(10, error);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_FALSE(rows[0].response.clockOffsetMs);
    EXPECT_EQ(rows[1].response.clockOffsetMs, -90'000);
    store.reset();

    // Set back by hand to 2 (to read it with an older export) and opened again: upgrades cleanly.
    sql(dir, "PRAGMA user_version = 2");
    store = OutboxStore::open(settingsFor(dir), kNow, error);
    ASSERT_TRUE(store) << error.message;
    EXPECT_EQ(store->clockEstimate(error)->offsetMs, -90'000);
}

TEST(OutboxClock, AProgramOlderThanTheFileRefusesIt) {
    std::string dir = twoResponses("outbox_clock_newer");
    const int newer = OutboxStore::kSchemaVersion + 1;
    sql(dir, "PRAGMA user_version = " + std::to_string(newer));
    sqlite::Error error;
    EXPECT_FALSE(OutboxStore::open(settingsFor(dir), kNow, error));
    EXPECT_NE(error.message.find("schema version " + std::to_string(newer)), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("up to " + std::to_string(OutboxStore::kSchemaVersion)), std::string::npos) << error.message;
    EXPECT_FALSE(OutboxStore::openReadOnly(dir, error));
}

TEST(KioskExportClock, JsonLinesAndCsvShowTheCorrectedCompletionTime) {
    std::string dir = twoResponses("export_clock");
    int code = -1;
    std::string jsonl = captured([&](std::FILE* out) { return cli::runExport({dir, "jsonl", "all"}, out); }, code);
    ASSERT_EQ(code, 0);
    std::vector<json> lines;
    size_t start = 0;
    for (size_t end; (end = jsonl.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(json::parse(jsonl.substr(start, end - start)));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_FALSE(lines[0].contains("clock_offset_ms"));
    EXPECT_EQ(lines[0]["completed_at_corrected"], formatUtc(kNow)) << "unknown offset: the terminal's own time";
    EXPECT_EQ(lines[1]["clock_offset_ms"], 600'000);
    EXPECT_EQ(lines[1]["completed_at"], formatUtc(kNow));
    EXPECT_EQ(lines[1]["completed_at_corrected"], formatUtc(kNow + 600'000));
    EXPECT_EQ(lines[1]["flags"], json::array({"clock_suspect"}));

    std::string csv = captured([&](std::FILE* out) { return cli::runExport({dir, "csv", "all"}, out); }, code);
    ASSERT_EQ(code, 0);
    std::string header = csv.substr(0, csv.find('\n'));
    EXPECT_EQ(header.rfind("seq,id,terminal_id,questionnaire_id,questionnaire_version,service,channel,language,started_at,completed_at,"
                           "status,state,state_reason,presses,flags,answers,comment",
                           0),
              0u)
        << "the old columns keep their places: " << header;
    EXPECT_NE(header.find(",comment,clock_offset_ms,completed_at_corrected"), std::string::npos) << header;
    EXPECT_NE(csv.find(",," + formatUtc(kNow) + "\n"), std::string::npos) << "unknown: empty offset cell\n" << csv;
    EXPECT_NE(csv.find(",600000," + formatUtc(kNow + 600'000) + "\n"), std::string::npos) << csv;
}

TEST(KioskStatusClock, ShowsTheOffsetAndWhetherResponsesAreFlagged) {
    std::string dir = twoResponses("status_clock");
    int code = -1;
    std::string text = captured([&](std::FILE* out) { return cli::runStatus(dir, false, kNow, out); }, code);
    ASSERT_EQ(code, 0);
    EXPECT_NE(text.find("hub clock:       not measured yet"), std::string::npos) << text;
    {
        sqlite::Error error;
        auto store = OutboxStore::open(settingsFor(dir), kNow, error);
        ASSERT_TRUE(store) << error.message;
        ASSERT_FALSE(store->saveClockEstimate({600'200, 40, kNow - 240'000}));
    }
    text = captured([&](std::FILE* out) { return cli::runStatus(dir, false, kNow, out); }, code);
    EXPECT_NE(text.find("hub clock:       +10 min 0.2 s (the hub is ahead of this terminal) (±40 ms), measured " +
                        formatUtc(kNow - 240'000) + " (4 min ago)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("responses ARE flagged clock_suspect"), std::string::npos) << text;
    EXPECT_NE(text.find("last delivery:"), std::string::npos);
    EXPECT_NE(text.find("oldest pending:"), std::string::npos);
    EXPECT_NE(text.find("hub holds up to:"), std::string::npos);

    {
        sqlite::Error error;
        auto store = OutboxStore::open(settingsFor(dir), kNow, error);
        ASSERT_TRUE(store) << error.message;
        ASSERT_FALSE(store->saveClockEstimate({-599'960, 1500, kNow - 240'000}));
    }
    text = captured([&](std::FILE* out) { return cli::runStatus(dir, false, kNow, out); }, code);
    EXPECT_NE(text.find("hub clock:       -10 min 0.0 s (the hub is behind this terminal) (±1.5 s)"), std::string::npos) << text;
    {
        sqlite::Error error;
        auto store = OutboxStore::open(settingsFor(dir), kNow, error);
        ASSERT_TRUE(store) << error.message;
        ASSERT_FALSE(store->saveClockEstimate({600'200, 40, kNow - 240'000}));
    }

    text = captured([&](std::FILE* out) { return cli::runStatus(dir, false, kNow, out, 3'600'000); }, code);
    EXPECT_NE(text.find("responses are not flagged (within 3600.0 s"), std::string::npos) << text;

    std::string machine = captured([&](std::FILE* out) { return cli::runStatus(dir, true, kNow, out); }, code);
    json j = json::parse(machine);
    EXPECT_EQ(j["clock"]["offset_ms"], 600'200);
    EXPECT_EQ(j["clock"]["uncertainty_ms"], 40);
    EXPECT_EQ(j["clock"]["measured_at"], formatUtc(kNow - 240'000));
    EXPECT_EQ(j["clock"]["suspect_after_ms"], kDefaultClockSuspectAfterMs);
    EXPECT_EQ(j["clock"]["flagging_responses"], true);
    EXPECT_EQ(j["pending"], 2);
    EXPECT_TRUE(j["oldest_pending_age_s"].is_number());
    EXPECT_TRUE(j["delivery"].contains("hub_high_water_seq"));
}

TEST(HubExportClock, AddsTheOffsetAndCorrectedTimeAfterTheOldColumns) {
    const auto& columns = hub::exportColumns();
    ASSERT_GE(columns.size(), 19u);
    EXPECT_EQ(columns[16], "comment");
    EXPECT_EQ(columns[17], "clock_offset_ms");
    EXPECT_EQ(columns[18], "completed_at_corrected");

    hub::StoredRow row;
    row.id = newUuidV7(kNow);
    row.seq = 7;
    row.terminalId = "t-1";
    row.completedAtMs = kNow;
    row.receivedAtMs = kNow + 1000;
    Response stamped = response(1, -3'600'000);
    row.body = toJson(stamped).dump();
    auto object = hub::exportObject(row);
    EXPECT_EQ(object["clock_offset_ms"], -3'600'000);
    EXPECT_EQ(object["completed_at_corrected"], formatUtc(kNow - 3'600'000));
    EXPECT_EQ(object["completed_at"], formatUtc(kNow));

    row.body = toJson(response(2, std::nullopt)).dump();
    object = hub::exportObject(row);
    EXPECT_TRUE(object["clock_offset_ms"].is_null());
    EXPECT_EQ(object["completed_at_corrected"], formatUtc(kNow));

    std::ostringstream csv;
    hub::ExportWriter writer(hub::ExportFormat::Csv, csv);
    writer.row(row);
    // clock_offset_ms (empty: unknown), completed_at_corrected, `continues` (empty: not a phone
    // continuation), then the device that numbered it.
    EXPECT_NE(csv.str().find(",," + formatUtc(kNow) + ",," + std::to_string(row.device) + "\r\n"), std::string::npos)
        << "unknown: an empty cell, not null\n" << csv.str();
}
