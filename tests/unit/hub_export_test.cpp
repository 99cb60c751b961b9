// `otklik-hub export`: CSV cells quoted per RFC 4180 and guarded against formula injection,
// JSONL lines that parse back to exactly what the terminal sent, and an export that does not
// stop on a damaged row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "sync/hub/export_format.h"
#include "sync/protocol/response.h"

using namespace otklik;
using namespace otklik::hub;
using nlohmann::json;

namespace {

constexpr int64_t kNov22 = 1795333523120;  // 2026-11-22T07:45:23.120Z

Response sampleResponse() {
    Response r;
    r.id = "019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f50";
    r.seq = 42;
    r.terminalId = "mfc-vladivostok-01";
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = "documents";
    r.channel = "qr";
    r.language = "uk";
    r.startedAtMs = kNov22;
    r.completedAtMs = kNov22 + 61000;
    r.answers["overall"].rating = 2;
    r.answers["reasons"].selected = {"waited_long", "no_seats"};
    r.answers["comment"].text = "Чекали годину, \"дуже\" довго.\nДругий рядок";
    r.status = ResponseStatus::Partial;
    r.presses = 3;
    r.repeated = true;
    return r;
}

StoredRow rowOf(const Response& r, const std::string& centre = "МФЦ Владивосток") {
    StoredRow row;
    row.id = r.id;
    row.terminalId = r.terminalId;
    row.centre = centre;
    row.seq = r.seq;
    row.service = r.service;
    row.channel = r.channel;
    row.status = toString(r.status);
    row.completedAtMs = r.completedAtMs;
    row.receivedAtMs = r.completedAtMs + 5000;
    row.body = toJson(r).dump();
    return row;
}

// A strict RFC 4180 reader for the tests: records end with CRLF, quoted cells may hold anything.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string cell;
    size_t i = 0;
    bool cellStarted = false;
    while (i < text.size()) {
        char c = text[i];
        if (c == '"' && !cellStarted) {
            cellStarted = true;
            ++i;
            while (true) {
                if (i >= text.size()) throw std::runtime_error("unterminated quoted cell");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += text[i++];
            }
            continue;
        }
        if (c == ',') {
            record.push_back(cell);
            cell.clear();
            cellStarted = false;
            ++i;
        } else if (c == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n') throw std::runtime_error("bare CR outside quotes");
            record.push_back(cell);
            records.push_back(record);
            record.clear();
            cell.clear();
            cellStarted = false;
            i += 2;
        } else if (c == '\n') {
            throw std::runtime_error("bare LF outside quotes");
        } else if (c == '"') {
            throw std::runtime_error("quote inside an unquoted cell");
        } else {
            cellStarted = true;
            cell += c;
            ++i;
        }
    }
    if (!record.empty() || !cell.empty()) throw std::runtime_error("last record lacks CRLF");
    return records;
}

}  // namespace

TEST(HubExport, FormatNames) {
    EXPECT_EQ(exportFormatFromString("csv"), ExportFormat::Csv);
    EXPECT_EQ(exportFormatFromString("jsonl"), ExportFormat::Jsonl);
    EXPECT_FALSE(exportFormatFromString("CSV"));
    EXPECT_FALSE(exportFormatFromString("xlsx"));
    EXPECT_STREQ(toString(ExportFormat::Csv), "csv");
    EXPECT_STREQ(toString(ExportFormat::Jsonl), "jsonl");
}

TEST(HubExport, CsvCellQuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(csvCell("plain"), "plain");
    EXPECT_EQ(csvCell(""), "");
    EXPECT_EQ(csvCell("a,b"), "\"a,b\"");
    EXPECT_EQ(csvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvCell("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csvCell("cr\rhere"), "\"cr\rhere\"");
    EXPECT_EQ(csvCell("Поиск работы"), "Поиск работы");  // UTF-8 passes through byte for byte
    EXPECT_EQ(csvCell("Київ, ЦНАП"), "\"Київ, ЦНАП\"");
}

TEST(HubExport, CsvCellGuardsAgainstFormulas) {
    EXPECT_EQ(csvCell("=1+1"), "'=1+1");
    EXPECT_EQ(csvCell("+7 999"), "'+7 999");
    EXPECT_EQ(csvCell("-2"), "'-2");
    EXPECT_EQ(csvCell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csvCell("\t=cmd"), "'\t=cmd");
    EXPECT_EQ(csvCell("\r=cmd"), "\"'\r=cmd\"");
    // Guarded and quoted together: the apostrophe goes inside the quotes.
    EXPECT_EQ(csvCell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    // Only the first character matters.
    EXPECT_EQ(csvCell("a=b"), "a=b");
    EXPECT_EQ(csvCell(" =b"), " =b");
}

TEST(HubExport, CsvHasHeaderAndOneRecordPerRow) {
    std::ostringstream out;
    ExportWriter writer(ExportFormat::Csv, out);
    writer.header();
    Response r = sampleResponse();
    writer.row(rowOf(r));
    Response second = sampleResponse();
    second.id = "019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f51";
    second.seq = 43;
    second.answers.clear();
    second.answers["overall"].rating = 5;
    second.answers["comment"].text = "=cmd|' /C calc'!A0";
    second.repeated = false;
    writer.row(rowOf(second, "Центр, \"Северный\""));
    EXPECT_EQ(writer.rows(), 2);

    auto records = parseCsv(out.str());
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0], exportColumns());
    for (const auto& record : records) ASSERT_EQ(record.size(), exportColumns().size());

    auto col = [&](const std::string& name) {
        return size_t(std::find(exportColumns().begin(), exportColumns().end(), name) - exportColumns().begin());
    };
    const auto& first = records[1];
    EXPECT_EQ(first[col("id")], r.id);
    EXPECT_EQ(first[col("seq")], "42");
    EXPECT_EQ(first[col("terminal_id")], "mfc-vladivostok-01");
    EXPECT_EQ(first[col("centre")], "МФЦ Владивосток");
    EXPECT_EQ(first[col("service")], "documents");
    EXPECT_EQ(first[col("channel")], "qr");
    EXPECT_EQ(first[col("status")], "partial");
    EXPECT_EQ(first[col("language")], "uk");
    EXPECT_EQ(first[col("completed_at")], formatUtc(r.completedAtMs));
    EXPECT_EQ(first[col("received_at")], formatUtc(r.completedAtMs + 5000));
    EXPECT_EQ(first[col("started_at")], formatUtc(r.startedAtMs));
    EXPECT_EQ(first[col("presses")], "3");
    EXPECT_EQ(json::parse(first[col("flags")]), json::array({"repeated"}));
    EXPECT_EQ(json::parse(first[col("answers")]), answersToJson(r.answers));
    EXPECT_EQ(first[col("comment")], "Чекали годину, \"дуже\" довго.\nДругий рядок");

    const auto& hostile = records[2];
    EXPECT_EQ(hostile[col("centre")], "Центр, \"Северный\"");
    EXPECT_EQ(hostile[col("comment")], "'=cmd|' /C calc'!A0");
    EXPECT_EQ(hostile[col("flags")], "[]");
}

TEST(HubExport, JsonlLinesRoundTripThroughJson) {
    std::ostringstream out;
    ExportWriter writer(ExportFormat::Jsonl, out);
    writer.header();  // nothing for JSONL
    Response r = sampleResponse();
    StoredRow row = rowOf(r);
    writer.row(row);
    r.seq = 43;
    r.id = "019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f51";
    r.answers["comment"].text = "=1+1";  // JSONL is never altered
    writer.row(rowOf(r));

    std::string text = out.str();
    ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    EXPECT_NE(text.find("МФЦ Владивосток"), std::string::npos) << "UTF-8 kept, not \\u-escaped";

    std::istringstream lines(text);
    std::string line;
    std::vector<json> objects;
    while (std::getline(lines, line)) objects.push_back(json::parse(line));
    ASSERT_EQ(objects.size(), 2u);

    const json& o = objects[0];
    json sent = json::parse(row.body);
    EXPECT_EQ(o["id"], sent["id"]);
    EXPECT_EQ(o["seq"], 42);
    EXPECT_EQ(o["terminal_id"], sent["terminal_id"]);
    EXPECT_EQ(o["centre"], "МФЦ Владивосток");
    EXPECT_EQ(o["questionnaire_id"], sent["questionnaire_id"]);
    EXPECT_EQ(o["questionnaire_version"], sent["questionnaire_version"]);
    EXPECT_EQ(o["service"], sent["service"]);
    EXPECT_EQ(o["channel"], sent["channel"]);
    EXPECT_EQ(o["language"], sent["language"]);
    EXPECT_EQ(o["status"], sent["status"]);
    EXPECT_EQ(o["started_at"], sent["started_at"]);
    EXPECT_EQ(o["completed_at"], sent["completed_at"]);
    EXPECT_EQ(o["received_at"], formatUtc(row.receivedAtMs));
    EXPECT_EQ(o["presses"], 3);
    EXPECT_EQ(o["flags"], sent["flags"]);
    EXPECT_EQ(o["answers"], sent["answers"]);
    EXPECT_EQ(o["comment"], sent["comment"]);
    EXPECT_FALSE(o.contains("body_error"));
    EXPECT_EQ(objects[1]["comment"], "=1+1");

    // Keys in column order, as the header promises.
    nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(text.substr(0, text.find('\n')));
    std::vector<std::string> keys;
    for (const auto& [key, value] : ordered.items()) keys.push_back(key);
    EXPECT_EQ(keys, exportColumns());
}

TEST(HubExport, CommentFallsBackToTextAnswers) {
    Response r = sampleResponse();
    json body = toJson(r);
    body.erase("comment");
    StoredRow row = rowOf(r);
    row.body = body.dump();
    EXPECT_EQ(exportObject(row)["comment"], r.comment());
}

TEST(HubExport, DamagedBodyDoesNotStopTheExport) {
    StoredRow row = rowOf(sampleResponse());
    row.body = "{not json";
    auto o = exportObject(row);
    EXPECT_EQ(o["id"], row.id);
    EXPECT_EQ(o["answers"], nlohmann::ordered_json::object());
    EXPECT_EQ(o["body_error"], "the stored body is not valid JSON");
    row.body = "[1,2]";
    EXPECT_EQ(exportObject(row)["body_error"], "the stored body is not a JSON object");

    std::ostringstream out;
    ExportWriter writer(ExportFormat::Csv, out);
    writer.row(row);
    EXPECT_EQ(parseCsv(out.str()).at(0).size(), exportColumns().size());
}
