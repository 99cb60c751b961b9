// The JSON form of a response (terminal export, uploads, hub): everything written is read back
// unchanged, and a malformed response is refused with a sentence naming the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <set>

#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"

using namespace otklik;
using nlohmann::json;

namespace {

constexpr int64_t kNov22 = 1795333523120;  // 2026-11-22T07:45:23.120Z

Response fullResponse() {
    Response r;
    r.id = "019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f50";
    r.seq = 42;
    r.terminalId = "north-01";
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = "documents";
    r.channel = "qr";
    r.language = "uk";
    r.startedAtMs = kNov22;
    r.completedAtMs = kNov22 + 61000;
    r.startedMonoMs = 1000;
    r.completedMonoMs = 62000;
    r.bootId = "6b1f0c4e-1111-4222-8333-944455556666";
    r.answers["overall"].rating = 2;
    r.answers["reasons"].selected = {"waited_long", "no_seats"};
    r.answers["comment"].text = "Чекали годину.\n\"Дуже\" довго — 😞";
    r.status = ResponseStatus::Partial;
    r.presses = 3;
    r.repeated = true;
    r.clockSuspect = true;
    r.largeText = true;
    return r;
}

// A minimal valid response as JSON, for damaging one field at a time.
json minimal() {
    return json{{"id", "x"}, {"seq", 1}, {"terminal_id", "t"}, {"questionnaire_id", "q"}, {"questionnaire_version", "1"},
                {"channel", "touch"}, {"language", "ru"}, {"started_at_ms", 0}, {"completed_at_ms", 0},
                {"status", "complete"}, {"answers", json::object()}};
}

struct BadResponse {
    const char* what;
    json (*make)();
    const char* error;
};

const BadResponse kBadResponses[] = {
    {"not_object", [] { return json::array(); }, "a response must be a JSON object"},
    {"id_missing", [] { auto j = minimal(); j.erase("id"); return j; }, "\"id\" is missing"},
    {"id_number", [] { auto j = minimal(); j["id"] = 5; return j; }, "\"id\" must be a string"},
    {"seq_missing", [] { auto j = minimal(); j.erase("seq"); return j; }, "\"seq\" is missing"},
    {"seq_text", [] { auto j = minimal(); j["seq"] = "1"; return j; }, "\"seq\" must be an integer"},
    {"seq_fraction", [] { auto j = minimal(); j["seq"] = 1.5; return j; }, "\"seq\" must be an integer"},
    {"seq_past_int64", [] { auto j = minimal(); j["seq"] = 18446744073709551615ull; return j; }, "\"seq\" must be an integer"},
    {"terminal_missing", [] { auto j = minimal(); j.erase("terminal_id"); return j; }, "\"terminal_id\" is missing"},
    {"version_null", [] { auto j = minimal(); j["questionnaire_version"] = nullptr; return j; }, "\"questionnaire_version\" must be a string"},
    {"service_number", [] { auto j = minimal(); j["service"] = 3; return j; }, "\"service\" must be a string"},
    {"started_missing", [] { auto j = minimal(); j.erase("started_at_ms"); return j; }, "\"started_at_ms\" is missing"},
    {"mono_text", [] { auto j = minimal(); j["started_mono_ms"] = "5"; return j; }, "\"started_mono_ms\" must be an integer"},
    {"status_missing", [] { auto j = minimal(); j.erase("status"); return j; }, "\"status\" is missing"},
    {"status_unknown", [] { auto j = minimal(); j["status"] = "done"; return j; }, "\"status\" must be \"complete\" or \"partial\""},
    {"channel_unknown", [] { auto j = minimal(); j["channel"] = "sms"; return j; }, "\"channel\" must be \"touch\" or \"qr\""},
    {"presses_zero", [] { auto j = minimal(); j["presses"] = 0; return j; }, "\"presses\" must be a positive count"},
    {"presses_huge", [] { auto j = minimal(); j["presses"] = 1000001; return j; }, "\"presses\" must be a positive count"},
    {"flags_text", [] { auto j = minimal(); j["flags"] = "repeated"; return j; }, "\"flags\" must be a list"},
    {"flags_number", [] { auto j = minimal(); j["flags"] = {1}; return j; }, "\"flags\" must hold strings"},
    {"answers_missing", [] { auto j = minimal(); j.erase("answers"); return j; }, "\"answers\" must be an object of question id -> answer"},
    {"answers_list", [] { auto j = minimal(); j["answers"] = json::array(); return j; }, "\"answers\" must be an object of question id -> answer"},
    {"rating_zero", [] { auto j = minimal(); j["answers"]["overall"] = 0; return j; }, "answer \"overall\" must be a rating 1-5, a list of option ids or a text"},
    {"rating_six", [] { auto j = minimal(); j["answers"]["overall"] = 6; return j; }, "answer \"overall\" must be a rating 1-5"},
    {"rating_negative", [] { auto j = minimal(); j["answers"]["overall"] = -3; return j; }, "answer \"overall\" must be a rating 1-5"},
    // 2^32 + 1 narrowed to int used to read as a valid rating of 1.
    {"rating_wraps_to_one", [] { auto j = minimal(); j["answers"]["overall"] = 4294967297ll; return j; }, "answer \"overall\" must be a rating 1-5"},
    {"rating_huge_unsigned", [] { auto j = minimal(); j["answers"]["overall"] = 18446744073709551615ull; return j; }, "answer \"overall\" must be a rating 1-5"},
    {"rating_fraction", [] { auto j = minimal(); j["answers"]["overall"] = 2.5; return j; }, "answer \"overall\" must be a rating 1-5"},
    {"answer_null", [] { auto j = minimal(); j["answers"]["overall"] = nullptr; return j; }, "answer \"overall\" must be a rating 1-5"},
    {"answer_object", [] { auto j = minimal(); j["answers"]["overall"] = {{"rating", 2}}; return j; }, "answer \"overall\" must be a rating 1-5"},
    {"answer_list_of_numbers", [] { auto j = minimal(); j["answers"]["reasons"] = {1, 2}; return j; }, "answer \"reasons\" must be a rating 1-5"},
};

std::ostream& operator<<(std::ostream& out, const BadResponse& c) { return out << c.what; }

class ResponseJsonBad : public ::testing::TestWithParam<BadResponse> {};

}  // namespace

TEST_P(ResponseJsonBad, IsRefusedNamingTheField) {
    const BadResponse& c = GetParam();
    std::string error;
    std::optional<Response> r;
    ASSERT_NO_THROW(r = responseFromJson(c.make(), error));
    EXPECT_FALSE(r);
    EXPECT_NE(error.find(c.error), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(Fields, ResponseJsonBad, ::testing::ValuesIn(kBadResponses),
                         [](const ::testing::TestParamInfo<BadResponse>& info) { return std::string(info.param.what); });

TEST(ResponseJson, FullResponseRoundTrips) {
    Response r = fullResponse();
    std::string error;
    auto back = responseFromJson(toJson(r), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, r);
    // Also through text, as it travels.
    back = responseFromJson(json::parse(toJson(r).dump()), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, r);
}

TEST(ResponseJson, DefaultResponseRoundTrips) {
    Response r;
    r.id = newUuidV7(kNov22);
    std::string error;
    auto back = responseFromJson(toJson(r), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, r);
}

TEST(ResponseJson, WrittenFieldsAndTheirForms) {
    json j = toJson(fullResponse());
    EXPECT_EQ(j["id"], "019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f50");
    EXPECT_EQ(j["seq"], 42);
    EXPECT_EQ(j["started_at"], "2026-11-22T07:45:23.120Z");
    EXPECT_EQ(j["completed_at"], "2026-11-22T07:46:24.120Z");
    EXPECT_EQ(j["started_at_ms"], kNov22);
    EXPECT_EQ(j["status"], "partial");
    EXPECT_EQ(j["channel"], "qr");
    EXPECT_EQ(j["presses"], 3);
    EXPECT_EQ(j["flags"], json({"repeated", "clock_suspect", "large_text"}));
    EXPECT_EQ(j["answers"]["overall"], 2);
    EXPECT_EQ(j["answers"]["reasons"], json({"waited_long", "no_seats"}));
    EXPECT_EQ(j["answers"]["comment"], "Чекали годину.\n\"Дуже\" довго — 😞");
    EXPECT_EQ(j["comment"], "Чекали годину.\n\"Дуже\" довго — 😞");
    EXPECT_EQ(toJson(Response{})["flags"], json::array());
}

TEST(ResponseJson, OptionalFieldsTakeTheirDefaults) {
    std::string error;
    auto r = responseFromJson(minimal(), error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->service, "");
    EXPECT_EQ(r->startedMonoMs, 0);
    EXPECT_EQ(r->bootId, "");
    EXPECT_EQ(r->presses, 1);
    EXPECT_FALSE(r->repeated);
    EXPECT_EQ(r->status, ResponseStatus::Complete);
    EXPECT_TRUE(r->answers.empty());
}

TEST(ResponseJson, NewerTerminalsFieldsAndFlagsAreIgnored) {
    json j = minimal();
    j["flags"] = {"repeated", "from_the_future"};
    j["geo"] = {{"lat", 1}};
    j["comment"] = "derived, not read back";
    std::string error;
    auto r = responseFromJson(j, error);
    ASSERT_TRUE(r) << error;
    EXPECT_TRUE(r->repeated);
    EXPECT_FALSE(r->clockSuspect);
}

TEST(ResponseJson, EveryAnswerKindRoundTrips) {
    json j = minimal();
    j["answers"] = {{"a", 1}, {"b", 5}, {"c", json::array()}, {"d", {"x"}}, {"e", ""}, {"f", "text"}};
    std::string error;
    auto r = responseFromJson(j, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->answers["a"].rating, 1);
    EXPECT_EQ(r->answers["b"].rating, 5);
    EXPECT_TRUE(r->answers["c"].empty());
    EXPECT_EQ(r->answers["d"].selected, std::vector<std::string>{"x"});
    EXPECT_TRUE(r->answers["e"].empty());
    EXPECT_EQ(r->answers["f"].text, "text");
    auto again = responseFromJson(toJson(*r), error);
    ASSERT_TRUE(again) << error;
    EXPECT_EQ(*again, *r);
}

TEST(ResponseJson, PressesLimitsAreInclusive) {
    for (int64_t presses : {1, 1000000}) {
        json j = minimal();
        j["presses"] = presses;
        std::string error;
        auto r = responseFromJson(j, error);
        ASSERT_TRUE(r) << error;
        EXPECT_EQ(r->presses, presses);
    }
}

TEST(ResponseJson, CommentJoinsTextAnswers) {
    Response r;
    EXPECT_EQ(r.comment(), "");
    r.answers["a"].text = "one";
    r.answers["b"].rating = 3;
    r.answers["c"].text = "two";
    EXPECT_EQ(r.comment(), "one\ntwo");
}

TEST(ResponseJson, UtcFormatting) {
    EXPECT_EQ(formatUtc(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatUtc(kNov22), "2026-11-22T07:45:23.120Z");
    EXPECT_EQ(formatUtc(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(formatUtc(-1000), "1969-12-31T23:59:59.000Z");
    EXPECT_EQ(formatUtc(951782400000), "2000-02-29T00:00:00.000Z");
    EXPECT_EQ(formatUtc(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(Uuid, VersionSevenCarriesTheTimestamp) {
    std::string id = newUuidV7(kNov22);
    ASSERT_TRUE(isUuid(id)) << id;
    EXPECT_EQ(id[14], '7');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    char hex[13];
    std::snprintf(hex, sizeof hex, "%012llx", static_cast<unsigned long long>(kNov22));
    EXPECT_EQ(id.substr(0, 8) + id.substr(9, 4), hex);
    EXPECT_EQ(newUuidV7(0).substr(0, 13), "00000000-0000");
}

TEST(Uuid, IdsAreUniqueAndSortByTime) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(newUuidV7(kNov22)).second);
    EXPECT_LT(newUuidV7(kNov22), newUuidV7(kNov22 + 1));
    EXPECT_LT(newUuidV7(kNov22), newUuidV7(kNov22 + 86400000));
}

TEST(Uuid, Recognition) {
    EXPECT_TRUE(isUuid("019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f50"));
    EXPECT_FALSE(isUuid("019AB1C2-7A1E-7C3D-9A4F-0B1C2D3E4F50"));  // canonical form is lowercase
    EXPECT_FALSE(isUuid("019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f5"));
    EXPECT_FALSE(isUuid("019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f500"));
    EXPECT_FALSE(isUuid("019ab1c27a1e-7c3d-9a4f-0b1c2d3e4f50-"));
    EXPECT_FALSE(isUuid("019ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4g50"));
    EXPECT_FALSE(isUuid("{19ab1c2-7a1e-7c3d-9a4f-0b1c2d3e4f50"));
    EXPECT_FALSE(isUuid(""));
}

TEST(ResponseJson, ClockOffsetRoundTripsAndIsAbsentWhenUnknown) {
    Response r = fullResponse();
    EXPECT_FALSE(toJson(r).contains("clock_offset_ms")) << "unknown: absent, as older terminals send it";
    std::string error;
    EXPECT_EQ(responseFromJson(toJson(r), error), r) << error;

    for (int64_t offset : {int64_t{0}, int64_t{-3'600'000}, int64_t{600'250}, kMaxClockOffsetMs}) {
        r.clockOffsetMs = offset;
        r.clockSuspect = offset > 120'000;
        nlohmann::json j = toJson(r);
        EXPECT_EQ(j["clock_offset_ms"], offset);
        auto back = responseFromJson(j, error);
        ASSERT_TRUE(back) << error;
        EXPECT_EQ(*back, r);
        EXPECT_EQ(toJson(*back).dump(), j.dump()) << "the same bytes again: a retry stays a duplicate at the hub";
    }
}

TEST(ResponseJson, ClockOffsetNullIsUnknownAndNonsenseIsRefused) {
    nlohmann::json j = toJson(fullResponse());
    std::string error;
    j["clock_offset_ms"] = nullptr;
    auto unknown = responseFromJson(j, error);
    ASSERT_TRUE(unknown) << error;
    EXPECT_FALSE(unknown->clockOffsetMs);
    for (nlohmann::json bad : {nlohmann::json("600000"), nlohmann::json(1.5), nlohmann::json(kMaxClockOffsetMs + 1),
                               nlohmann::json(-kMaxClockOffsetMs - 1), nlohmann::json(UINT64_MAX)}) {
        j["clock_offset_ms"] = bad;
        error.clear();
        EXPECT_FALSE(responseFromJson(j, error)) << bad.dump();
        EXPECT_NE(error.find("clock_offset_ms"), std::string::npos) << error;
    }
}
