// Parsing and validation of questionnaire files (format in docs/questionnaire.md).
#include "questionnaire.h"

#include <algorithm>
#include <map>
#include <set>

#include "file_io.h"
#include "json_check.h"

namespace otklik {

using nlohmann::json;
namespace jc = json_check;

namespace {

constexpr size_t kMaxQuestionChars = 160;  // longer texts do not fit a question screen
constexpr size_t kMaxLabelChars = 60;      // longer labels do not fit a choice tile
constexpr size_t kMaxOptions = 12;         // more choices do not fit one screen at 800x480
constexpr size_t kMaxQuestions = 40;

struct TypeName {
    QuestionType type;
    const char* name;
};
constexpr TypeName kTypeNames[] = {
    {QuestionType::Faces, "faces"},   {QuestionType::Stars, "stars"},
    {QuestionType::YesNo, "yesno"},   {QuestionType::Single, "single"},
    {QuestionType::Multi, "multi"},   {QuestionType::Text, "text"},
    {QuestionType::Service, "service"},
};

size_t utf8Length(const std::string& s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// Everything the parser needs while it walks one file.
class Parser {
public:
    explicit Parser(Problems& problems) : problems_(problems) {}

    std::optional<Questionnaire> run(const json& root);

private:
    LocalizedText localized(const json& obj, const std::string& path, const std::string& key,
                            bool required, size_t maxChars);
    // The {"ru": ..., ...} object itself, found at `where`.
    LocalizedText translations(const json& node, const std::string& where, size_t maxChars);
    std::vector<Option> options(const json& obj, const std::string& path, const std::string& key);
    std::optional<Question> question(const json& obj, const std::string& path);
    std::optional<Condition> condition(const json& obj, const std::string& path,
                                       const std::string& ownerId, int depth);
    const Question* earlier(const std::string& id) const;

    Problems& problems_;
    std::vector<std::string> languages_;
    bool haveServices_ = false;
    Questionnaire q_;
    // Question id -> index in q_.questions (the first of duplicates). A linear search per
    // question made a 4 MiB file of tiny questions take quadratic time to refuse.
    std::map<std::string, size_t> byId_;
};

LocalizedText Parser::localized(const json& obj, const std::string& path, const std::string& key,
                                bool required, size_t maxChars) {
    std::string where = jc::join(path, key);
    auto it = obj.find(key);
    if (it == obj.end()) {
        if (required)
            problems_.add(where, "missing",
                          "add \"" + key + "\": {\"ru\": \"...\", \"uk\": \"...\", \"en\": \"...\"} with every language in \"languages\"");
        return {};
    }
    return translations(*it, where, maxChars);
}

LocalizedText Parser::translations(const json& node, const std::string& where, size_t maxChars) {
    LocalizedText out;
    if (!node.is_object()) {
        problems_.add(where, "is " + jc::typeName(node) + ", expected an object of translations",
                      "write {\"ru\": \"...\", ...} with one entry per language");
        return out;
    }
    for (const auto& item : node.items()) {
        const std::string& lang = item.key();
        if (std::find(languages_.begin(), languages_.end(), lang) == languages_.end()) {
            problems_.add(jc::join(where, lang), "language \"" + lang + "\" is not in \"languages\"",
                          "add it to \"languages\" or remove this translation");
            continue;
        }
        if (!item.value().is_string()) {
            problems_.add(jc::join(where, lang), "is " + jc::typeName(item.value()) + ", expected text",
                          "put the translation in double quotes");
            continue;
        }
        std::string value = item.value().get<std::string>();
        if (value.find_first_not_of(" \t\r\n") == std::string::npos) {
            problems_.add(jc::join(where, lang), "is empty", "write the text in this language");
            continue;
        }
        if (utf8Length(value) > maxChars) {
            problems_.add(jc::join(where, lang),
                          "is " + std::to_string(utf8Length(value)) + " characters long; at most " +
                              std::to_string(maxChars) + " fit on the screen",
                          "shorten it");
        }
        out[lang] = std::move(value);
    }
    for (const auto& lang : languages_) {
        if (!out.count(lang) && !node.contains(lang))
            problems_.add(jc::join(where, lang), "translation missing",
                          "add \"" + lang + "\": \"...\" so visitors using this language see the text");
    }
    return out;
}

std::vector<Option> Parser::options(const json& obj, const std::string& path, const std::string& key) {
    std::vector<Option> out;
    std::string where = jc::join(path, key);
    auto it = obj.find(key);
    if (it == obj.end()) return out;
    if (!it->is_array()) {
        problems_.add(where, "is " + jc::typeName(*it) + ", expected a list", "write [{\"id\": ..., \"label\": {...}}, ...]");
        return out;
    }
    if (it->size() > kMaxOptions)
        problems_.add(where, "has " + std::to_string(it->size()) + " entries; at most " + std::to_string(kMaxOptions) + " fit one screen",
                      "remove some or split the question in two");
    std::set<std::string> seen;
    for (size_t i = 0; i < it->size(); ++i) {
        const json& o = (*it)[i];
        std::string op = jc::index(where, i);
        if (!o.is_object()) {
            problems_.add(op, "is " + jc::typeName(o) + ", expected an object", "write {\"id\": \"...\", \"label\": {...}}");
            continue;
        }
        jc::rejectUnknownKeys(o, op, {"id", "label"}, problems_);
        Option option;
        if (auto id = jc::text(o, op, "id", true, problems_)) {
            if (!jc::isIdentifier(*id))
                problems_.add(jc::join(op, "id"), "\"" + *id + "\" is not a valid id",
                              "use 1-40 lowercase Latin letters, digits, '_' or '-', starting with a letter");
            else if (!seen.insert(*id).second)
                problems_.add(jc::join(op, "id"), "\"" + *id + "\" is used twice in this list", "give every option its own id");
            option.id = *id;
        }
        option.label = localized(o, op, "label", true, kMaxLabelChars);
        out.push_back(std::move(option));
    }
    return out;
}

const Question* Parser::earlier(const std::string& id) const {
    if (id == q_.main.id) return &q_.main;
    auto it = byId_.find(id);
    return it == byId_.end() ? nullptr : &q_.questions[it->second];
}

std::optional<Condition> Parser::condition(const json& obj, const std::string& path,
                                           const std::string& ownerId, int depth) {
    if (!obj.is_object()) {
        problems_.add(path, "is " + jc::typeName(obj) + ", expected a condition object",
                      "write e.g. {\"any_rating_at_most\": 2} or {\"question\": \"overall\", \"at_most\": 2}");
        return std::nullopt;
    }
    if (depth > 4) {
        problems_.add(path, "conditions are nested too deeply", "use at most 4 levels of \"any\"/\"all\"");
        return std::nullopt;
    }
    Condition c;
    auto scaleNumber = [&](const char* key) -> std::optional<int> {
        auto n = jc::integer(obj, path, key, true, problems_);
        if (!n) return std::nullopt;
        if (*n < 1 || *n > 5) {
            problems_.add(jc::join(path, key), "is " + std::to_string(*n) + ", ratings go from 1 to 5", "use a number from 1 to 5");
            return std::nullopt;
        }
        return static_cast<int>(*n);
    };
    auto children = [&](const char* key) -> bool {
        const json& list = obj[key];
        std::string where = jc::join(path, key);
        if (!list.is_array() || list.empty()) {
            problems_.add(where, "must be a non-empty list of conditions", "write [{...}, {...}]");
            return false;
        }
        for (size_t i = 0; i < list.size(); ++i) {
            auto child = condition(list[i], jc::index(where, i), ownerId, depth + 1);
            if (!child) return false;
            c.children.push_back(std::move(*child));
        }
        return true;
    };

    if (obj.contains("any_rating_at_most")) {
        jc::rejectUnknownKeys(obj, path, {"any_rating_at_most"}, problems_);
        c.kind = Condition::Kind::AnyRatingAtMost;
        auto n = scaleNumber("any_rating_at_most");
        if (!n) return std::nullopt;
        c.number = *n;
        return c;
    }
    if (obj.contains("any") || obj.contains("all")) {
        jc::rejectUnknownKeys(obj, path, {obj.contains("any") ? "any" : "all"}, problems_);
        c.kind = obj.contains("any") ? Condition::Kind::Any : Condition::Kind::All;
        if (!children(obj.contains("any") ? "any" : "all")) return std::nullopt;
        return c;
    }
    if (!obj.contains("question")) {
        problems_.add(path, "is not a condition this version understands",
                      "use one of: {\"any_rating_at_most\": N}, {\"question\": ID, \"at_most\": N}, "
                      "{\"question\": ID, \"at_least\": N}, {\"question\": ID, \"is\": OPTION}, {\"any\": [...]}, {\"all\": [...]}");
        return std::nullopt;
    }
    jc::rejectUnknownKeys(obj, path, {"question", "at_most", "at_least", "is"}, problems_);
    auto qid = jc::text(obj, path, "question", true, problems_);
    if (!qid) return std::nullopt;
    c.question = *qid;
    const Question* target = earlier(*qid);
    if (!target) {
        problems_.add(jc::join(path, "question"),
                      *qid == ownerId ? "a question cannot depend on itself"
                                      : "\"" + *qid + "\" is not a question asked before this one",
                      "refer to the main question or to a question listed earlier");
        return std::nullopt;
    }
    int forms = obj.contains("at_most") + obj.contains("at_least") + obj.contains("is");
    if (forms != 1) {
        problems_.add(path, "needs exactly one of \"at_most\", \"at_least\" or \"is\"",
                      "keep one test per condition; combine tests with \"all\"");
        return std::nullopt;
    }
    if (obj.contains("is")) {
        c.kind = Condition::Kind::Is;
        auto option = jc::text(obj, path, "is", true, problems_);
        if (!option) return std::nullopt;
        c.option = *option;
        std::vector<std::string> valid;
        if (target->type == QuestionType::YesNo) valid = {"yes", "no"};
        else if (target->type == QuestionType::Service)
            for (const auto& s : q_.services) valid.push_back(s.id);
        else
            for (const auto& o : target->options) valid.push_back(o.id);
        if (isScale(target->type) || target->type == QuestionType::Text) {
            problems_.add(jc::join(path, "is"), "\"" + *qid + "\" is a " + toString(target->type) + " question, it has no options",
                          "use \"at_most\"/\"at_least\" for ratings");
            return std::nullopt;
        }
        if (std::find(valid.begin(), valid.end(), *option) == valid.end()) {
            std::string list;
            for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
            problems_.add(jc::join(path, "is"), "\"" + *option + "\" is not an option of \"" + *qid + "\"", "use one of: " + list);
            return std::nullopt;
        }
        return c;
    }
    if (!isScale(target->type)) {
        problems_.add(path, "\"" + *qid + "\" is a " + std::string(toString(target->type)) + " question, not a 1-5 rating",
                      "use {\"question\": \"" + *qid + "\", \"is\": OPTION} for choices");
        return std::nullopt;
    }
    c.kind = obj.contains("at_most") ? Condition::Kind::AtMost : Condition::Kind::AtLeast;
    auto n = scaleNumber(obj.contains("at_most") ? "at_most" : "at_least");
    if (!n) return std::nullopt;
    c.number = *n;
    return c;
}

std::optional<Question> Parser::question(const json& obj, const std::string& path) {
    if (!obj.is_object()) {
        problems_.add(path, "is " + jc::typeName(obj) + ", expected a question object",
                      "write {\"id\": ..., \"type\": ..., \"text\": {...}}");
        return std::nullopt;
    }
    jc::rejectUnknownKeys(obj, path, {"id", "type", "text", "hint", "optional", "options", "show_if", "max_length"}, problems_);
    Question q;
    if (auto id = jc::text(obj, path, "id", true, problems_)) {
        if (!jc::isIdentifier(*id))
            problems_.add(jc::join(path, "id"), "\"" + *id + "\" is not a valid id",
                          "use 1-40 lowercase Latin letters, digits, '_' or '-', starting with a letter");
        else if (earlier(*id))
            problems_.add(jc::join(path, "id"), "\"" + *id + "\" is already used by another question",
                          "give every question its own id");
        q.id = *id;
    }
    if (auto type = jc::text(obj, path, "type", true, problems_)) {
        auto parsed = questionTypeFromString(*type);
        if (!parsed) {
            problems_.add(jc::join(path, "type"), "\"" + *type + "\" is not a question type",
                          "use one of: faces, stars, yesno, single, multi, text, service");
            return std::nullopt;
        }
        q.type = *parsed;
    } else {
        return std::nullopt;
    }
    q.text = localized(obj, path, "text", true, kMaxQuestionChars);
    q.hint = localized(obj, path, "hint", false, kMaxQuestionChars);
    if (auto optional = jc::boolean(obj, path, "optional", problems_)) q.optional = *optional;

    bool takesOptions = q.type == QuestionType::Single || q.type == QuestionType::Multi;
    if (takesOptions) {
        if (!obj.contains("options"))
            problems_.add(jc::join(path, "options"), "missing: a " + std::string(toString(q.type)) + " question needs choices",
                          "add \"options\": [{\"id\": ..., \"label\": {...}}, ...] with at least two entries");
        q.options = options(obj, path, "options");
        if (obj.contains("options") && obj["options"].is_array() && q.options.size() < 2)
            problems_.add(jc::join(path, "options"), "has fewer than two choices", "add at least two options");
    } else if (obj.contains("options")) {
        problems_.add(jc::join(path, "options"), "a " + std::string(toString(q.type)) + " question has no options",
                      q.type == QuestionType::Service ? "list the centre's services in the top-level \"services\""
                                                      : "remove \"options\" or change \"type\" to single or multi");
    }
    if (q.type == QuestionType::Service && !haveServices_)
        problems_.add(path, "a service question needs the centre's services", "add a top-level \"services\" list");

    if (obj.contains("max_length")) {
        if (q.type != QuestionType::Text) {
            problems_.add(jc::join(path, "max_length"), "only text questions have a length", "remove \"max_length\"");
        } else if (auto n = jc::integer(obj, path, "max_length", true, problems_)) {
            if (*n < 1 || *n > 2000)
                problems_.add(jc::join(path, "max_length"), "is " + std::to_string(*n) + ", allowed 1 to 2000", "choose a length from 1 to 2000");
            else
                q.maxLength = static_cast<int>(*n);
        }
    }
    if (obj.contains("show_if")) {
        if (auto c = condition(obj["show_if"], jc::join(path, "show_if"), q.id, 0)) q.showIf = std::move(*c);
    }
    return q;
}

std::optional<Questionnaire> Parser::run(const json& root) {
    if (!root.is_object()) {
        problems_.add("top level", "is " + jc::typeName(root) + ", expected an object",
                      "the file must start with { and hold \"format\", \"id\", \"version\", \"languages\", \"main\" and \"questions\"");
        return std::nullopt;
    }
    jc::rejectUnknownKeys(root, "", {"format", "id", "version", "languages", "main", "services", "questions"}, problems_);
    if (auto format = jc::integer(root, "", "format", true, problems_); format && *format != Questionnaire::kFormat)
        problems_.add("format", "is " + std::to_string(*format) + "; this terminal reads format " + std::to_string(Questionnaire::kFormat),
                      "convert the file to format 1 (docs/questionnaire.md) or update the terminal software");
    if (auto id = jc::text(root, "", "id", true, problems_)) {
        if (!jc::isIdentifier(*id))
            problems_.add("id", "\"" + *id + "\" is not a valid id", "use 1-40 lowercase Latin letters, digits, '_' or '-'");
        q_.id = *id;
    }
    if (auto version = jc::text(root, "", "version", true, problems_)) {
        if (version->empty() || version->size() > 64)
            problems_.add("version", "must be 1 to 64 characters", "write e.g. \"2026-11-22.1\"");
        q_.version = *version;
    }

    auto langs = root.find("languages");
    if (langs == root.end() || !langs->is_array() || langs->empty()) {
        problems_.add("languages", langs == root.end() ? "missing" : "must be a non-empty list",
                      "write e.g. \"languages\": [\"ru\", \"uk\", \"en\"]");
        return std::nullopt;  // every text check depends on the language list
    }
    for (size_t i = 0; i < langs->size(); ++i) {
        const json& l = (*langs)[i];
        if (!l.is_string() || !jc::isLanguageCode(l.get<std::string>())) {
            problems_.add(jc::index("languages", i), "is not a language code", "use a two- or three-letter lowercase code such as \"ru\"");
            continue;
        }
        std::string code = l.get<std::string>();
        if (std::find(languages_.begin(), languages_.end(), code) != languages_.end()) {
            problems_.add(jc::index("languages", i), "\"" + code + "\" is listed twice", "list every language once");
            continue;
        }
        languages_.push_back(code);
    }
    if (languages_.empty()) return std::nullopt;
    q_.languages = languages_;

    haveServices_ = root.contains("services");
    if (haveServices_) {
        q_.services = options(root, "", "services");
        if (q_.services.empty())
            problems_.add("services", "is empty", "list the centre's services or remove \"services\"");
    }

    auto main = root.find("main");
    if (main == root.end() || !main->is_object()) {
        problems_.add("main", main == root.end() ? "missing" : "is " + jc::typeName(*main) + ", expected an object",
                      "add \"main\": {\"id\": \"overall\", \"text\": {...}}: the one-tap question of the first screen");
    } else {
        jc::rejectUnknownKeys(*main, "main", {"id", "text", "labels"}, problems_);
        q_.main.type = QuestionType::Faces;
        q_.main.optional = false;
        if (auto id = jc::text(*main, "main", "id", true, problems_)) {
            if (!jc::isIdentifier(*id))
                problems_.add("main.id", "\"" + *id + "\" is not a valid id", "use 1-40 lowercase Latin letters, digits, '_' or '-'");
            q_.main.id = *id;
        }
        q_.main.text = localized(*main, "main", "text", true, kMaxQuestionChars);
        if (main->contains("labels")) {
            const json& labels = (*main)["labels"];
            if (!labels.is_array() || labels.size() != 5) {
                problems_.add("main.labels", "must be a list of exactly 5 captions, from worst to best",
                              "write five {\"ru\": ..., ...} objects or remove \"labels\" to use the built-in captions");
            } else {
                // Read in place: copying a caption into a holder object recursed through
                // whatever it held, and a deeply nested one overflowed the stack.
                for (size_t i = 0; i < 5; ++i)
                    q_.faceLabels.push_back(translations(labels[i], jc::index("main.labels", i), kMaxLabelChars));
            }
        }
    }

    auto questions = root.find("questions");
    if (questions == root.end() || !questions->is_array()) {
        problems_.add("questions", questions == root.end() ? "missing" : "is " + jc::typeName(*questions) + ", expected a list",
                      "add \"questions\": [...] (it may be empty for a one-tap terminal)");
    } else {
        if (questions->size() > kMaxQuestions)
            problems_.add("questions", "has " + std::to_string(questions->size()) + " questions; at most " + std::to_string(kMaxQuestions),
                          "keep the questionnaire short: visitors leave after a few screens");
        for (size_t i = 0; i < questions->size(); ++i) {
            if (auto q = question((*questions)[i], jc::index("questions", i))) {
                byId_.emplace(q->id, q_.questions.size());
                q_.questions.push_back(std::move(*q));
            }
        }
    }
    if (!problems_.empty()) return std::nullopt;
    return std::move(q_);
}

}  // namespace

const char* toString(QuestionType type) {
    for (const auto& t : kTypeNames)
        if (t.type == type) return t.name;
    return "unknown";
}

std::optional<QuestionType> questionTypeFromString(const std::string& name) {
    for (const auto& t : kTypeNames)
        if (name == t.name) return t.type;
    return std::nullopt;
}

bool isScale(QuestionType type) { return type == QuestionType::Faces || type == QuestionType::Stars; }

const Question* Questionnaire::find(const std::string& questionId) const {
    if (questionId == main.id) return &main;
    for (const auto& q : questions)
        if (q.id == questionId) return &q;
    return nullptr;
}

bool Questionnaire::hasLanguage(const std::string& code) const {
    return std::find(languages.begin(), languages.end(), code) != languages.end();
}

QuestionnaireLoad parseQuestionnaire(const std::string& jsonText, const std::string& file) {
    QuestionnaireLoad out{std::nullopt, Problems(file)};
    auto root = json_check::parse(jsonText, out.problems);
    if (!root) return out;
    Parser parser(out.problems);
    auto q = parser.run(*root);
    if (out.problems.empty()) out.questionnaire = std::move(q);
    return out;
}

QuestionnaireLoad loadQuestionnaire(const std::string& path) {
    std::string error;
    auto text = readWholeFile(path, error);
    if (!text) {
        QuestionnaireLoad out{std::nullopt, Problems(path)};
        out.problems.add("", error, "check questionnaire_path in the device config");
        return out;
    }
    return parseQuestionnaire(*text, path);
}

}  // namespace otklik
