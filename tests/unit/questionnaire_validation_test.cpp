// Validation of questionnaire files: every malformed file in tests/data/questionnaires/bad
// must be refused with the file, the place inside it, what is wrong and how to fix it, and
// no input (binary, truncated, deeply nested, huge) may crash or throw.
#include <gtest/gtest.h>

#include "tests/unit/bad_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sync/protocol/diagnostics.h"
#include "sync/protocol/json_check.h"
#include "sync/protocol/questionnaire.h"
#include "sync/protocol/suggest.h"

using namespace otklik;
namespace fs = std::filesystem;

namespace {

const fs::path kBadDir = fs::path(OTKLIK_TEST_DATA) / "questionnaires" / "bad";
const fs::path kGoodDir = fs::path(OTKLIK_TEST_DATA) / "questionnaires" / "good";
const fs::path kDefault = fs::path(OTKLIK_SOURCE_DIR) / "assets" / "questionnaires" / "default.json";

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// Problem texts end up in logs and in JSON; nlohmann refuses to write invalid UTF-8.
bool isUtf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

// Every problem must name the file and say what is wrong and what to do, in valid UTF-8.
void expectWellFormed(const Problems& problems, const std::string& file) {
    for (const auto& p : problems.list()) {
        EXPECT_EQ(p.file, file);
        EXPECT_FALSE(p.message.empty()) << p.describe();
        EXPECT_FALSE(p.fix.empty()) << p.describe();
        EXPECT_TRUE(isUtf8(p.describe())) << p.describe();
        EXPECT_EQ(p.describe().rfind(file + ": ", 0), 0u) << p.describe();
    }
}

// A questionnaire text with one question list spliced in, for generated inputs.
std::string withQuestions(const std::string& questions) {
    return R"({"format": 1, "id": "t", "version": "1", "languages": ["en"],
               "main": {"id": "overall", "text": {"en": "How was it?"}}, "questions": )" +
           questions + "}";
}

std::string nested(size_t depth, const std::string& inner = "") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

// The parse never throws, and a questionnaire comes back exactly when there are no problems.
QuestionnaireLoad parseSafely(const std::string& text) {
    QuestionnaireLoad load{std::nullopt, Problems("q.json")};
    EXPECT_NO_THROW(load = parseQuestionnaire(text, "q.json"));
    EXPECT_EQ(load.questionnaire.has_value(), load.problems.empty()) << load.problems.describe();
    return load;
}

bool hasProblem(const Problems& problems, const std::string& place, const std::string& message) {
    return std::any_of(problems.list().begin(), problems.list().end(), [&](const Problem& p) {
        return p.place == place && p.message.find(message) != std::string::npos;
    });
}

using BadFile = otklik::testing::BadFixture;

// One row per malformed file; the directory holds exactly these files.
const BadFile kBadFiles[] = {
    // Syntax and encoding: place is line and column.
    {"syntax_missing_comma.json", "line 3, column 6", "not valid JSON (syntax error while parsing object", "missing comma"},
    {"syntax_trailing_comma.json", "line 5, column 1", "not valid JSON", "remove the comma before it"},
    {"syntax_single_quotes.json", "line 3, column 3", "not valid JSON", "double quotes"},
    {"syntax_comment.json", "line 2, column 3", "not valid JSON", "cannot hold comments"},
    {"truncated.json", "line 5, column 10", "missing closing quote", "missing comma, quote or bracket"},
    {"empty.json", "", "the file is empty", "restore the file"},
    {"utf16.json", "line 1, column 1", "UTF-16", "save the file as UTF-8"},
    {"cp1251.json", "line 13, column 15", "ill-formed UTF-8 byte; last read: '\"\\xDF\\xEA'", "save the file as UTF-8"},
    {"top_level_list.json", "top level", "is a list, expected an object", "must start with {"},
    // Top-level fields.
    {"format_missing.json", "format", "missing", "add \"format\""},
    {"format_future.json", "format", "is 2; this terminal reads format 1", "update the terminal software"},
    {"format_text.json", "format", "is text, expected a whole number", "without quotes"},
    {"format_huge.json", "format", "is 18446744073709551615, far too large", "small whole number"},
    {"id_invalid.json", "id", "\"Test Survey\" is not a valid id", "lowercase Latin letters"},
    {"version_empty.json", "version", "must be 1 to 64 characters", "2026-11-22.1"},
    {"languages_missing.json", "languages", "missing", "\"languages\": [\"ru\", \"uk\", \"en\"]"},
    {"languages_empty.json", "languages", "must be a non-empty list", "\"languages\": ["},
    {"language_code_invalid.json", "languages[1]", "is not a language code", "two- or three-letter"},
    {"language_twice.json", "languages[2]", "\"en\" is listed twice", "list every language once"},
    {"unknown_top_key.json", "servces", "unknown field \"servces\"", "did you mean \"services\"?"},
    // The main question.
    {"main_missing.json", "main", "missing", "add \"main\""},
    {"main_id_invalid.json", "main.id", "\"Overall\" is not a valid id", "lowercase"},
    {"main_text_translation_missing.json", "main.text.uk", "translation missing", "add \"uk\""},
    {"main_text_unlisted_language.json", "main.text.de", "language \"de\" is not in \"languages\"", "add it to \"languages\""},
    {"main_text_blank.json", "main.text.uk", "is empty", "write the text"},
    {"main_text_too_long.json", "main.text.en", "is 161 characters long; at most 160", "shorten it"},
    {"main_text_number.json", "main.text.en", "is a whole number, expected text", "double quotes"},
    {"main_labels_four.json", "main.labels", "exactly 5 captions", "remove \"labels\""},
    {"main_label_translation_missing.json", "main.labels[2].uk", "translation missing", "add \"uk\""},
    // The question list and questions.
    {"questions_missing.json", "questions", "missing", "it may be empty"},
    {"questions_object.json", "questions", "is an object, expected a list", "\"questions\": [...]"},
    {"question_not_object.json", "questions[0]", "is text, expected a question object", "\"type\""},
    {"too_many_questions.json", "questions", "has 41 questions; at most 40", "keep the questionnaire short"},
    {"question_type_unknown.json", "questions[0].type", "\"rating\" is not a question type", "faces, stars, yesno"},
    {"question_type_missing.json", "questions[0].type", "missing", "add \"type\""},
    {"question_id_duplicate.json", "questions[1].id", "\"staff\" is already used", "its own id"},
    {"question_id_same_as_main.json", "questions[0].id", "\"overall\" is already used", "its own id"},
    {"question_unknown_key.json", "questions[0].show-if", "unknown field \"show-if\"", "did you mean \"show_if\"?"},
    {"question_optional_text.json", "questions[0].optional", "is text, expected true or false", "without quotes"},
    {"question_text_list.json", "questions[0].text.uk", "is a list, expected text", "double quotes"},
    // Choices.
    {"single_without_options.json", "questions[0].options", "missing: a single question needs choices", "at least two"},
    {"multi_one_option.json", "questions[0].options", "has fewer than two choices", "at least two"},
    {"options_too_many.json", "questions[0].options", "has 13 entries; at most 12", "split the question"},
    {"options_text.json", "questions[0].options", "is text, expected a list", "[{\"id\""},
    {"option_id_duplicate.json", "questions[0].options[1].id", "\"other\" is used twice", "its own id"},
    {"option_id_invalid.json", "questions[0].options[0].id", "\"Waited long\" is not a valid id", "starting with a letter"},
    {"option_label_too_long.json", "questions[0].options[0].label.en", "is 61 characters long; at most 60", "shorten"},
    {"option_text_instead_of_label.json", "questions[0].options[0].text", "unknown field \"text\"", "allowed here: id, label"},
    {"stars_with_options.json", "questions[0].options", "a stars question has no options", "single or multi"},
    {"service_without_services.json", "questions[0]", "needs the centre's services", "top-level \"services\""},
    {"services_empty.json", "services", "is empty", "list the centre's services"},
    {"max_length_not_text.json", "questions[0].max_length", "only text questions have a length", "remove \"max_length\""},
    {"max_length_out_of_range.json", "questions[0].max_length", "is 5000, allowed 1 to 2000", "from 1 to 2000"},
    // Conditions.
    {"condition_forward_reference.json", "questions[0].show_if.question", "\"staff\" is not a question asked before this one", "listed earlier"},
    {"condition_self_reference.json", "questions[0].show_if.question", "cannot depend on itself", "listed earlier"},
    {"condition_rating_out_of_range.json", "questions[0].show_if.any_rating_at_most", "is 6, ratings go from 1 to 5", "from 1 to 5"},
    {"condition_unknown_form.json", "questions[0].show_if", "not a condition this version understands", "any_rating_at_most"},
    {"condition_two_tests.json", "questions[1].show_if", "needs exactly one of", "combine tests with \"all\""},
    {"condition_is_on_rating.json", "questions[1].show_if.is", "\"staff\" is a stars question, it has no options", "at_most"},
    {"condition_is_unknown_option.json", "questions[1].show_if.is", "\"maybe\" is not an option of \"visited\"", "use one of: yes, no"},
    {"condition_unknown_service.json", "questions[1].show_if.is", "\"passport\" is not an option of \"service\"", "use one of: documents, other"},
    {"condition_at_most_on_choice.json", "questions[1].show_if", "\"visited\" is a yesno question, not a 1-5 rating", "\"is\": OPTION"},
    {"condition_too_deep.json", "questions[0].show_if.any[0].any[0].any[0].any[0].any[0]", "nested too deeply", "at most 4 levels"},
    {"condition_any_empty.json", "questions[0].show_if.any", "must be a non-empty list", "[{...}"},
    {"condition_not_object.json", "questions[0].show_if", "is a whole number, expected a condition object", "any_rating_at_most"},
    {"condition_unknown_key.json", "questions[0].show_if.otherwise", "unknown field \"otherwise\"", "question, at_most, at_least, is"},
    {"condition_number_quoted.json", "questions[0].show_if.at_most", "is text, expected a whole number", "without quotes"},
};

class QuestionnaireBadFile : public ::testing::TestWithParam<BadFile> {};

}  // namespace

TEST_P(QuestionnaireBadFile, IsRefusedWithPlaceMessageAndFix) {
    const BadFile& c = GetParam();
    std::string path = (kBadDir / c.name).string();
    ASSERT_TRUE(fs::exists(path)) << path;
    auto load = loadQuestionnaire(path);
    EXPECT_FALSE(load.questionnaire);
    ASSERT_FALSE(load.problems.empty());
    expectWellFormed(load.problems, path);
    otklik::testing::expectProblem(load.problems, c);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, QuestionnaireBadFile, ::testing::ValuesIn(kBadFiles), otklik::testing::fixtureTestName);

TEST(QuestionnaireValidation, EveryBadFixtureHasAnExpectation) {
    otklik::testing::expectEveryFixtureListed({std::begin(kBadFiles), std::end(kBadFiles)}, kBadDir, 25);
}

TEST(QuestionnaireValidation, DefaultQuestionnaireLoadsCleanly) {
    auto load = loadQuestionnaire(kDefault.string());
    ASSERT_TRUE(load.questionnaire) << load.problems.describe();
    const Questionnaire& q = *load.questionnaire;
    EXPECT_EQ(q.id, "default");
    EXPECT_EQ(q.languages, (std::vector<std::string>{"ru", "uk", "en"}));
    EXPECT_EQ(q.main.id, "overall");
    EXPECT_EQ(q.main.type, QuestionType::Faces);
    EXPECT_FALSE(q.main.optional);
    for (const auto& lang : q.languages) EXPECT_FALSE(q.main.text.at(lang).empty()) << lang;
    EXPECT_FALSE(q.services.empty());
    ASSERT_NE(q.find("reasons"), nullptr);
    ASSERT_TRUE(q.find("reasons")->showIf);
    EXPECT_EQ(q.find("reasons")->showIf->kind, Condition::Kind::AnyRatingAtMost);
    ASSERT_NE(q.find("comment"), nullptr);
    EXPECT_EQ(q.find("comment")->type, QuestionType::Text);
    EXPECT_EQ(q.find("comment")->maxLength, 500);
    // Every text of every question exists in every language.
    for (const auto& question : q.questions) {
        for (const auto& lang : q.languages) {
            EXPECT_TRUE(question.text.count(lang)) << question.id << " " << lang;
            for (const auto& o : question.options) EXPECT_TRUE(o.label.count(lang)) << question.id << "." << o.id;
        }
    }
}

TEST(QuestionnaireValidation, EveryFeatureFixtureParsesAsWritten) {
    std::string path = (kGoodDir / "every_feature.json").string();
    auto load = loadQuestionnaire(path);
    ASSERT_TRUE(load.questionnaire) << load.problems.describe();
    const Questionnaire& q = *load.questionnaire;
    ASSERT_EQ(q.faceLabels.size(), 5u);
    EXPECT_EQ(q.faceLabels[0].at("en"), "Awful");
    EXPECT_EQ(q.faceLabels[4].at("uk"), "Great (uk)");
    ASSERT_EQ(q.services.size(), 2u);
    ASSERT_EQ(q.questions.size(), 7u);

    EXPECT_EQ(q.questions[0].type, QuestionType::Service);
    EXPECT_FALSE(q.questions[0].optional);
    EXPECT_EQ(q.questions[1].type, QuestionType::Stars);
    EXPECT_TRUE(q.questions[1].optional);
    EXPECT_EQ(q.questions[1].hint.at("en"), "One to five stars");

    const Condition& atLeast = *q.find("again")->showIf;
    EXPECT_EQ(atLeast.kind, Condition::Kind::AtLeast);
    EXPECT_EQ(atLeast.question, "staff");
    EXPECT_EQ(atLeast.number, 4);

    const Condition& isService = *q.find("visited")->showIf;
    EXPECT_EQ(isService.kind, Condition::Kind::Is);
    EXPECT_EQ(isService.option, "documents");

    const Condition& all = *q.find("why")->showIf;
    EXPECT_EQ(all.kind, Condition::Kind::All);
    ASSERT_EQ(all.children.size(), 2u);
    EXPECT_EQ(all.children[0].kind, Condition::Kind::Is);
    EXPECT_EQ(all.children[0].option, "no");
    EXPECT_EQ(all.children[1].kind, Condition::Kind::AtMost);
    EXPECT_EQ(all.children[1].question, "overall");

    const Condition& any = *q.find("reasons")->showIf;
    EXPECT_EQ(any.kind, Condition::Kind::Any);
    ASSERT_EQ(any.children.size(), 2u);
    EXPECT_EQ(any.children[0].kind, Condition::Kind::AnyRatingAtMost);
    EXPECT_EQ(any.children[0].number, 2);
    EXPECT_EQ(q.find("reasons")->type, QuestionType::Multi);
    ASSERT_EQ(q.find("reasons")->options.size(), 2u);
    EXPECT_EQ(q.find("reasons")->options[1].id, "rude");

    EXPECT_EQ(q.find("comment")->maxLength, 300);
    EXPECT_EQ(q.find("missing"), nullptr);
    EXPECT_TRUE(q.hasLanguage("uk"));
    EXPECT_FALSE(q.hasLanguage("de"));
}

TEST(QuestionnaireValidation, ByteOrderMarkAndWindowsLineEndingsAreAccepted) {
    auto load = loadQuestionnaire((kGoodDir / "bom_crlf.json").string());
    ASSERT_TRUE(load.questionnaire) << load.problems.describe();
    EXPECT_EQ(load.questionnaire->main.text.at("uk"), "Як пройшов візит?");
}

TEST(QuestionnaireValidation, TypeNamesRoundTrip) {
    for (auto type : {QuestionType::Faces, QuestionType::Stars, QuestionType::YesNo, QuestionType::Single,
                      QuestionType::Multi, QuestionType::Text, QuestionType::Service})
        EXPECT_EQ(questionTypeFromString(toString(type)), type) << toString(type);
    EXPECT_FALSE(questionTypeFromString("Stars"));
    EXPECT_FALSE(questionTypeFromString(""));
    EXPECT_TRUE(isScale(QuestionType::Stars));
    EXPECT_FALSE(isScale(QuestionType::YesNo));
}

TEST(QuestionnaireValidation, EveryMistakeIsReportedInOneRun) {
    // Three independent mistakes: the technician should see all three, in file order.
    std::string text = R"({"format": 1, "id": "Bad Id", "version": "1", "languages": ["en"],
        "main": {"id": "overall", "text": {"en": "How was it?"}},
        "questions": [{"id": "a", "type": "stars", "text": {"en": ""}},
                      {"id": "b", "type": "stars", "text": {"en": "B?"}, "optinal": true}]})";
    auto load = parseSafely(text);
    ASSERT_EQ(load.problems.list().size(), 3u) << load.problems.describe();
    EXPECT_EQ(load.problems.list()[0].place, "id");
    EXPECT_EQ(load.problems.list()[1].place, "questions[0].text.en");
    EXPECT_EQ(load.problems.list()[2].place, "questions[1].optinal");
    EXPECT_NE(load.problems.list()[2].fix.find("did you mean \"optional\"?"), std::string::npos);
}

TEST(QuestionnaireValidation, NumbersOfTheWrongKindAreNamed) {
    auto load = parseSafely(R"({"format": 1.0})");
    EXPECT_TRUE(hasProblem(load.problems, "format", "is a number, expected a whole number")) << load.problems.describe();
    load = parseSafely(R"({"format": -1})");
    EXPECT_TRUE(hasProblem(load.problems, "format", "is -1; this terminal reads format 1")) << load.problems.describe();
    load = parseSafely(withQuestions(R"([{"id": "c", "type": "text", "text": {"en": "?"}, "max_length": 9223372036854775808}])"));
    EXPECT_TRUE(hasProblem(load.problems, "questions[0].max_length", "far too large")) << load.problems.describe();
    load = parseSafely(withQuestions(R"([{"id": "c", "type": "stars", "text": {"en": "?"}, "show_if": {"any_rating_at_most": -9223372036854775808}}])"));
    EXPECT_TRUE(hasProblem(load.problems, "questions[0].show_if.any_rating_at_most", "ratings go from 1 to 5"))
        << load.problems.describe();
}

TEST(QuestionnaireValidation, LengthsAreCountedInCharactersNotBytes) {
    // 160 Cyrillic letters are 320 bytes and still fit.
    std::string cyrillic;
    for (int i = 0; i < 160; ++i) cyrillic += "ж";
    auto load = parseSafely(withQuestions(R"([{"id": "a", "type": "stars", "text": {"en": ")" + cyrillic + R"("}}])"));
    EXPECT_TRUE(load.questionnaire) << load.problems.describe();
    load = parseSafely(withQuestions(R"([{"id": "a", "type": "stars", "text": {"en": ")" + cyrillic + R"(ж"}}])"));
    EXPECT_TRUE(hasProblem(load.problems, "questions[0].text.en", "is 161 characters long")) << load.problems.describe();
}

TEST(QuestionnaireValidation, SyntaxErrorColumnsCountCharacters) {
    // The unexpected 1 follows a key of three Cyrillic letters (six bytes): column 7, not 10.
    auto load = parseSafely("{\"format\": 1,\n\"жжж\" 1}");
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_EQ(load.problems.list()[0].place, "line 2, column 7");
}

TEST(QuestionnaireValidation, MissingFileIsAProblemNamingThePath) {
    std::string path = (fs::path(OTKLIK_TEST_DATA) / "questionnaires" / "no-such-file.json").string();
    auto load = loadQuestionnaire(path);
    EXPECT_FALSE(load.questionnaire);
    ASSERT_EQ(load.problems.list().size(), 1u);
    const Problem& p = load.problems.list()[0];
    EXPECT_EQ(p.file, path);
    EXPECT_NE(p.message.find("cannot open"), std::string::npos) << p.describe();
    EXPECT_NE(p.message.find("No such file"), std::string::npos) << p.describe();
    EXPECT_NE(p.fix.find("questionnaire_path"), std::string::npos) << p.describe();
    EXPECT_EQ(p.describe(), path + ": " + p.message + ". Fix: " + p.fix);
}

TEST(QuestionnaireValidation, DirectoryIsAProblem) {
    auto load = loadQuestionnaire(kBadDir.string());
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("is a directory"), std::string::npos);
    expectWellFormed(load.problems, kBadDir.string());
}

TEST(QuestionnaireValidation, PathThroughAFileIsAProblem) {
    std::string path = (kDefault / "x.json").string();
    auto load = loadQuestionnaire(path);
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("Not a directory"), std::string::npos) << load.problems.describe();
}

TEST(QuestionnaireValidation, UnreadableFileIsAProblem) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
    fs::path path = fs::temp_directory_path() / ("otklik-unreadable-" + std::to_string(::getpid()) + ".json");
    writeFile(path, readFile(kDefault));
    fs::permissions(path, fs::perms::none);
    auto load = loadQuestionnaire(path.string());
    fs::remove(path);
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("Permission denied"), std::string::npos) << load.problems.describe();
}

TEST(QuestionnaireValidation, FileLargerThanFourMegabytesIsRefusedBeforeReading) {
    fs::path path = fs::temp_directory_path() / ("otklik-huge-" + std::to_string(::getpid()) + ".json");
    writeFile(path, std::string(4 * 1024 * 1024 + 1, ' '));
    auto load = loadQuestionnaire(path.string());
    fs::remove(path);
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("larger than 4 MiB"), std::string::npos) << load.problems.describe();
}

TEST(QuestionnaireValidation, WhitespaceOnlyIsAnEmptyFile) {
    auto load = parseSafely(" \n\t\r\n");
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_EQ(load.problems.list()[0].message, "the file is empty");
}

TEST(QuestionnaireValidation, BinaryGarbageIsAProblemInPrintableText) {
    // Deterministic garbage over every byte value, NUL included.
    std::string garbage;
    uint32_t x = 12345;
    for (int i = 0; i < 4096; ++i) {
        x = x * 1103515245 + 12345;
        garbage += static_cast<char>(x >> 16);
    }
    for (const std::string& text : {garbage, std::string("\0\0\0\0", 4), std::string("\x89PNG\r\n\x1a\n", 8),
                                    std::string("\x7f" "ELF\x02\x01\x01", 7), std::string("{\"id\": \"\xff\xfe\"}"), std::string("{\"a\":\0}", 7)}) {
        auto load = parseSafely(text);
        ASSERT_EQ(load.problems.list().size(), 1u) << load.problems.describe();
        expectWellFormed(load.problems, "q.json");
        EXPECT_NE(load.problems.list()[0].place.find("line "), std::string::npos);
    }
}

TEST(QuestionnaireValidation, InvalidUtf8IsShownAsEscapesWithAnEncodingFix) {
    auto load = parseSafely("{\"id\": \"caf\xe9\"}");  // Latin-1 é
    ASSERT_EQ(load.problems.list().size(), 1u);
    const Problem& p = load.problems.list()[0];
    EXPECT_NE(p.message.find("\\xE9"), std::string::npos) << p.describe();
    EXPECT_NE(p.fix.find("UTF-8"), std::string::npos) << p.describe();
    // Overlong forms and encoded surrogates are not UTF-8 either.
    for (const char* bad : {"{\"id\": \"\xc0\xaf\"}", "{\"id\": \"\xed\xa0\x80\"}", "{\"id\": \"\xf4\x90\x80\x80\"}"}) {
        auto l = parseSafely(bad);
        ASSERT_EQ(l.problems.list().size(), 1u);
        expectWellFormed(l.problems, "q.json");
    }
}

TEST(QuestionnaireValidation, DeepNestingAnywhereIsAProblemNotACrash) {
    constexpr size_t kDeep = 200000;  // far deeper than a stack of recursive calls survives
    // At the top, balanced and unbalanced.
    auto load = parseSafely(nested(kDeep));
    EXPECT_TRUE(hasProblem(load.problems, "top level", "is a list")) << load.problems.describe();
    load = parseSafely(std::string(kDeep, '['));
    EXPECT_EQ(load.problems.list().size(), 1u);
    load = parseSafely(std::string(kDeep, '{'));
    EXPECT_EQ(load.problems.list().size(), 1u);
    // Inside a translation, an unknown field, a question and a face caption (which once
    // copied its value recursively and overflowed the stack).
    load = parseSafely(withQuestions(R"([{"id": "a", "type": "stars", "text": {"en": )" + nested(kDeep) + "}}]"));
    EXPECT_TRUE(hasProblem(load.problems, "questions[0].text.en", "is a list, expected text")) << load.problems.describe();
    load = parseSafely(withQuestions("[]").insert(1, "\"extra\": " + nested(kDeep) + ", "));
    EXPECT_TRUE(hasProblem(load.problems, "extra", "unknown field")) << load.problems.describe();
    load = parseSafely(withQuestions(nested(kDeep)));
    EXPECT_TRUE(hasProblem(load.problems, "questions[0]", "is a list, expected a question object")) << load.problems.describe();
    std::string labels = R"({"en": )" + nested(kDeep) + R"(}, {"en": "b"}, {"en": "c"}, {"en": "d"}, {"en": "e"})";
    std::string text = withQuestions("[]");
    text.insert(text.find("}, \"questions\""), ", \"labels\": [" + labels + "]");
    load = parseSafely(text);
    EXPECT_TRUE(hasProblem(load.problems, "main.labels[0].en", "is a list, expected text")) << load.problems.describe();
}

TEST(QuestionnaireValidation, DeeplyNestedConditionsStopAtTheDepthLimit) {
    std::string condition = R"({"any_rating_at_most": 2})";
    std::string open, close;
    for (int i = 0; i < 50000; ++i) {
        open += R"({"any": [)";
        close += "]}";
    }
    auto load = parseSafely(withQuestions(R"([{"id": "a", "type": "stars", "text": {"en": "?"}, "show_if": )" + open +
                                          condition + close + "}]"));
    ASSERT_EQ(load.problems.list().size(), 1u) << load.problems.describe();
    EXPECT_NE(load.problems.list()[0].message.find("nested too deeply"), std::string::npos);
    // Four levels are allowed.
    load = parseSafely(withQuestions(R"([{"id": "a", "type": "stars", "text": {"en": "?"}, "show_if": {"any": [{"all": [{"any": [{"all": [)" +
                                     condition + "]}]}]}]}}]"));
    EXPECT_TRUE(load.questionnaire) << load.problems.describe();
}

TEST(QuestionnaireValidation, HugeInputsGiveProblemsQuickly) {
    auto start = std::chrono::steady_clock::now();
    // A megabyte of text in one translation.
    auto load = parseSafely(withQuestions(R"([{"id": "a", "type": "stars", "text": {"en": ")" + std::string(1 << 20, 'x') + R"("}}])"));
    EXPECT_TRUE(hasProblem(load.problems, "questions[0].text.en", "is 1048576 characters long")) << load.problems.describe();
    // Twenty thousand questions: one problem for the count, none lost or crashed on the rest.
    std::string questions = "[";
    for (int i = 0; i < 20000; ++i)
        questions += (i ? "," : "") + std::string(R"({"id": "q)") + std::to_string(i) + R"(", "type": "stars", "text": {"en": "?"}})";
    load = parseSafely(withQuestions(questions + "]"));
    ASSERT_EQ(load.problems.list().size(), 1u) << (load.problems.list().size() > 1 ? load.problems.list()[1].describe() : "");
    EXPECT_EQ(load.problems.list()[0].message, "has 20000 questions; at most 40");
    // A very long key: the suggestion search must not make it slow.
    load = parseSafely(withQuestions("[]").insert(1, "\"" + std::string(100000, 'k') + "\": 1, "));
    EXPECT_EQ(load.problems.list().size(), 1u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(QuestionnaireValidation, EveryTruncationOfTheDefaultIsRefusedWithoutThrowing) {
    std::string text = readFile(kDefault);
    ASSERT_FALSE(text.empty());
    for (size_t n = 0; n + 1 < text.size(); ++n) {
        auto load = parseSafely(text.substr(0, n));
        ASSERT_FALSE(load.problems.empty()) << "prefix " << n;
        ASSERT_TRUE(isUtf8(load.problems.describe())) << "prefix " << n;
    }
}

TEST(QuestionnaireValidation, EverySingleByteDamageToTheDefaultIsHandled) {
    std::string text = readFile(kDefault);
    const char kDamage[] = {'"', '}', '1', '\xff', ',', ' '};
    for (size_t i = 0; i < text.size(); ++i) {
        std::string damaged = text;
        damaged[i] = kDamage[i % sizeof kDamage];
        auto load = parseSafely(damaged);  // may even stay valid; must never throw
        for (const auto& p : load.problems.list()) ASSERT_FALSE(p.fix.empty()) << "byte " << i << ": " << p.describe();
    }
}

TEST(QuestionnaireValidation, ProblemDescriptionFormat) {
    Problems problems("kiosk.json");
    problems.add("questions[2].id", "missing", "add it");
    problems.add("", "cannot open", "");
    ASSERT_EQ(problems.list().size(), 2u);
    EXPECT_EQ(problems.list()[0].describe(), "kiosk.json: questions[2].id: missing. Fix: add it");
    EXPECT_EQ(problems.list()[1].describe(), "kiosk.json: cannot open");
    EXPECT_EQ(problems.describe(), "kiosk.json: questions[2].id: missing. Fix: add it\nkiosk.json: cannot open\n");
    Problems more("other.json");
    more.add("x", "y", "z");
    problems.addAll(more);
    EXPECT_EQ(problems.list()[2].file, "other.json");
}

TEST(QuestionnaireValidation, IdentifierAndLanguageCodeRules) {
    namespace jc = json_check;
    EXPECT_TRUE(jc::isIdentifier("a"));
    EXPECT_TRUE(jc::isIdentifier("waited_long-2"));
    EXPECT_TRUE(jc::isIdentifier(std::string(40, 'a')));
    EXPECT_FALSE(jc::isIdentifier(std::string(41, 'a')));
    EXPECT_FALSE(jc::isIdentifier(""));
    EXPECT_FALSE(jc::isIdentifier("2nd"));
    EXPECT_FALSE(jc::isIdentifier("_x"));
    EXPECT_FALSE(jc::isIdentifier("Staff"));
    EXPECT_FALSE(jc::isIdentifier("a b"));
    EXPECT_FALSE(jc::isIdentifier("персонал"));
    EXPECT_TRUE(jc::isLanguageCode("uk"));
    EXPECT_TRUE(jc::isLanguageCode("ukr"));
    EXPECT_FALSE(jc::isLanguageCode("u"));
    EXPECT_FALSE(jc::isLanguageCode("ukra"));
    EXPECT_FALSE(jc::isLanguageCode("UK"));
    EXPECT_FALSE(jc::isLanguageCode("u1"));
}

TEST(QuestionnaireValidation, SuggestionsFindCloseNamesOnly) {
    std::vector<std::string_view> names = {"questions", "services", "languages"};
    EXPECT_EQ(closestName("question", names), "questions");
    EXPECT_EQ(closestName("servces", names), "services");
    EXPECT_EQ(closestName("langauges", names), "languages");  // a swap is two edits
    EXPECT_EQ(closestName("colour", names), "");
    EXPECT_EQ(closestName("", names), "");
    EXPECT_EQ(closestName("x", {}), "");
    EXPECT_EQ(joinNames(names), "questions, services, languages");
    EXPECT_EQ(joinNames({}), "");
}
