// The hub's fast batch reader (simdjson) against the reference (nlohmann::json): for every body,
// crafted or randomly mutated, the same refusal, the same items, the same canonical bytes (what
// is hashed, so a resend after an upgrade is still a duplicate, not a conflict) and the same
// sentences.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

#include "sync/hub/batch_reader.h"
#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"

using namespace otklik;
using namespace otklik::hub;
using nlohmann::json;

namespace {

constexpr size_t kMaxItems = 1000;

json sampleItem(int seq) {
    Response r;
    r.id = newUuidV7(1795334502404 + seq);
    r.seq = seq;
    r.terminalId = "north-01";
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = "documents";
    r.language = "uk";
    r.startedAtMs = 1795334502404 + seq * 60000;
    r.completedAtMs = r.startedAtMs + 45000;
    r.bootId = "6b1f0c4e-1111-4222-8333-944455556666";
    r.answers["overall"].rating = 1 + seq % 5;
    r.answers["reasons"].selected = {"waited_long", "no_seats"};
    r.answers["comment"].text = "Чекали годину.\n\"Дуже\" довго — 😞\t\\/";
    r.clockOffsetMs = -1234;
    r.repeated = seq % 2 == 0;
    return toJson(r);
}

std::string batchOf(const std::vector<json>& items) {
    return json{{"responses", items}}.dump();
}

// Both readers on one body; every difference is a failure that names the body.
void expectSameReading(const std::string& body) {
    WireBatch fast = readBatch(body, kMaxItems);
    WireBatch reference = readBatchReference(body, kMaxItems);
    std::string shown = body.size() > 400 ? body.substr(0, 400) + "..." : body;
    ASSERT_EQ(fast.error, reference.error) << shown;
    ASSERT_EQ(fast.fix, reference.fix) << shown;
    ASSERT_EQ(fast.items.size(), reference.items.size()) << shown;
    for (size_t i = 0; i < fast.items.size(); ++i) {
        const WireItem& f = fast.items[i];
        const WireItem& r = reference.items[i];
        ASSERT_EQ(f.id, r.id) << "item " << i << " of " << shown;
        ASSERT_EQ(f.seq, r.seq) << "item " << i << " of " << shown;
        ASSERT_EQ(f.error, r.error) << "item " << i << " of " << shown;
        ASSERT_EQ(f.canonical, r.canonical) << "item " << i << " of " << shown;
        ASSERT_EQ(f.response.has_value(), r.response.has_value()) << "item " << i << " of " << shown;
        if (f.response) {
            ASSERT_TRUE(*f.response == *r.response) << "item " << i << " of " << shown;
        }
    }
}

// One item's text with `field` replaced by raw JSON text (anything, valid or not).
std::string itemWith(const std::string& field, const std::string& rawValue, int seq = 1) {
    json item = sampleItem(seq);
    item[field] = "@@";
    std::string text = item.dump();
    text.replace(text.find("\"@@\""), 4, rawValue);
    return text;
}

std::string bodyWithItem(const std::string& itemText) {
    return "{\"responses\":[" + sampleItem(7).dump() + "," + itemText + "]}";
}

}  // namespace

TEST(HubBatchReader, AWellFormedBatchReadsTheSameAndItsCanonicalTextIsTheReferenceDump) {
    std::vector<json> items;
    for (int seq = 1; seq <= 50; ++seq) items.push_back(sampleItem(seq));
    std::string body = batchOf(items);
    expectSameReading(body);
    WireBatch fast = readBatch(body, kMaxItems);
    ASSERT_EQ(fast.items.size(), 50u);
    EXPECT_TRUE(fast.items[0].response);
    EXPECT_EQ(fast.items[0].canonical, items[0].dump());
    EXPECT_EQ(fast.items[0].response->answers.at("comment").text, "Чекали годину.\n\"Дуже\" довго — 😞\t\\/");
}

TEST(HubBatchReader, KeyOrderSpacingAndEscapesDoNotChangeTheCanonicalText) {
    // The same response written another way: keys reversed, spaces, needless escapes.
    std::string item = sampleItem(3).dump(2);
    std::string scrambled =
        R"({ "answers" : { "overall" : 4 , "comment" : "\u0427\u0435\u043a\u0430\u043b\u0438 \/ \u00e9\ud83d\ude1e\u0001\u001f\u007f\b\f\r" },)"
        R"( "status":"complete", "seq" : 3, "id":"019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f50", "terminal_id":"north-01", "questionnaire_id":"default",)"
        R"( "questionnaire_version":"v", "channel":"touch", "language":"ru", "started_at_ms":1, "completed_at_ms":2,)"
        R"( "unknown": {"z": [true, false, null, -0, -7, 18446744073709551615, "é", {}], "a": []}, "é": 1, "z": 2, "Z": 3 })";
    expectSameReading("{\"responses\":[" + item + "]}");
    expectSameReading("  {\"responses\" :\n[" + scrambled + " , " + scrambled + "]\t}\n");
    WireBatch fast = readBatch("{\"responses\":[" + scrambled + "]}", kMaxItems);
    ASSERT_TRUE(fast.items.at(0).response) << fast.items.at(0).error;
    EXPECT_EQ(fast.items[0].response->answers.at("comment").text, "Чекали / é😞\x01\x1f\x7f\b\f\r");
}

TEST(HubBatchReader, RepeatedKeysFractionsAndHugeNumbersGoToTheReferenceAndReadTheSame) {
    for (const char* raw : {"3.0", "1e2", "-0.0", "1.5", "18446744073709551615", "9223372036854775808", "-9223372036854775808",
                            "99999999999999999999", "-9223372036854775809", "4294967297", "0", "-1", "1E400", "true", "null",
                            "[]", "{}", "\"\\u0000\"", "\"x\\u0000y\""}) {
        for (const char* field : {"seq", "presses", "clock_offset_ms", "started_at_ms", "id", "unknown", "flags"})
            expectSameReading(bodyWithItem(itemWith(field, raw)));
        json answers = sampleItem(1)["answers"];
        std::string answersText = answers.dump();
        answersText.insert(1, std::string("\"staff\":") + raw + ",");
        expectSameReading(bodyWithItem(itemWith("answers", answersText)));
    }
    // A key twice: nlohmann keeps the last, so the fast path must not read the first.
    std::string item = sampleItem(2).dump();
    std::string twice = item.substr(0, item.size() - 1) + ",\"seq\":99,\"answers\":{\"overall\":5}}";
    expectSameReading(bodyWithItem(twice));
    WireBatch read = readBatch(bodyWithItem(twice), kMaxItems);
    ASSERT_TRUE(read.items.at(1).response);
    EXPECT_EQ(read.items[1].response->seq, 99);
    EXPECT_EQ(read.items[1].canonical.find("\"seq\":2,"), std::string::npos);
    expectSameReading("{\"responses\":[" + item + "],\"responses\":[" + item + "," + item + "]}");
    expectSameReading("{\"responses\":[" + item + "],\"responses\":7}");
}

TEST(HubBatchReader, RefusedBodiesGetTheReferencesSentences) {
    std::string item = sampleItem(1).dump();
    std::vector<std::string> bodies = {
        "", "null", "[]", "{}", "{\"responses\":{}}", "{\"responses\":[]}", "{\"responses\":\"x\"}", "{\"other\":[" + item + "]}",
        "{\"responses\":[" + item + "]} x", "{\"responses\":[" + item + "]", "\xef\xbb\xbf{\"responses\":[" + item + "]}",
        std::string("{\"responses\":[") + item + "]}\0", "{\"responses\":[\"\xff\"]}", "{\"responses\":[\"\\ud800\"]}",
        "{\"responses\":[\"a\x01" "b\"]}", "{\"responses\":[01]}", std::string(40, '[') + std::string(40, ']'),
        "{\"responses\":[" + std::string(33, '[') + std::string(33, ']') + "]}", "{\"responses\":[1,\"x\",null,[],{},true,2.5]}",
    };
    for (const auto& body : bodies) expectSameReading(body);
    std::vector<json> tooMany(kMaxItems + 1, json::object());
    expectSameReading(batchOf(tooMany));
    EXPECT_EQ(readBatch("{\"responses\":[]}", kMaxItems).error, "a batch holds 1 to 1000 responses, not 0");
    EXPECT_NE(readBatch("{\"responses\":[" + item + "]} x", kMaxItems).error.find("malformed JSON"), std::string::npos);
}

TEST(HubBatchReader, EveryMissingOrMistypedFieldIsRefusedWithTheSameSentence) {
    json item = sampleItem(4);
    for (const auto& [key, value] : item.items()) {
        json without = item;
        without.erase(key);
        expectSameReading(batchOf({without}));
        for (const json& other : {json(7), json("text"), json::array({1}), json::object(), json(nullptr), json(false)}) {
            json changed = item;
            changed[key] = other;
            expectSameReading(batchOf({changed}));
        }
    }
    // Two bad answers: both readers name the same one (the first in key order).
    json twoBad = item;
    twoBad["answers"]["zeta"] = 9;
    twoBad["answers"]["alpha"] = json::object();
    expectSameReading(batchOf({twoBad}));
}

TEST(HubBatchReader, TwentyThousandRandomlyMutatedBodiesReadTheSame) {
    std::mt19937 random(20261122);
    std::vector<json> items;
    for (int seq = 1; seq <= 3; ++seq) items.push_back(sampleItem(seq));
    const std::string base = batchOf(items);
    const std::string alphabet = "{}[]:,\"\\ 0123456789-+.eEtrufalsn\x01\x7f\xc3\xa9\xf0\x9f\x98\x9e";
    const std::vector<std::string> values = {"0", "-0", "1", "5", "6", "-1", "2.0", "1e1", "18446744073709551615", "9223372036854775807",
                                             "9223372036854775808", "\"\"", "\"\\u0000\"", "\"\\ud83d\\ude1e\"", "\"\\b\\u001f\"", "[]",
                                             "[\"a\",1]", "{}", "{\"k\":1,\"k\":2}", "true", "null"};
    for (int round = 0; round < 20000; ++round) {
        std::string body = base;
        int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits && !body.empty(); ++e) {
            size_t at = random() % body.size();
            switch (random() % 5) {
                case 0: body[at] = alphabet[random() % alphabet.size()]; break;
                case 1: body.insert(at, 1, alphabet[random() % alphabet.size()]); break;
                case 2: body.erase(at, 1 + random() % 8); break;
                case 3: {  // a value swapped for another kind of value: mostly still valid JSON
                    size_t colon = body.find(':', at);
                    if (colon == std::string::npos) break;
                    size_t end = body.find_first_of(",}", colon + 1);
                    if (end == std::string::npos) break;
                    body.replace(colon + 1, end - colon - 1, values[random() % values.size()]);
                    break;
                }
                default: {  // a key repeated, later in the same item
                    size_t quote = body.find("\"seq\"", at);
                    if (quote != std::string::npos) body.insert(quote, "\"seq\":" + values[random() % values.size()] + ",");
                    break;
                }
            }
        }
        expectSameReading(body);
        if (HasFatalFailure()) return;
    }
}
