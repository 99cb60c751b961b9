// The phone form's logic (see phone_form.h): assets, language choice, form decoding, answers
// checked against the questionnaire, and the stored response JSON.
#include "sync/hub/phone_form.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "sync/protocol/condition.h"

namespace otklik::hub {

namespace {

const std::vector<std::string> kLanguages = {"ru", "uk", "en"};

// Keys of i18n/ui.json the phone reuses, and the phone's own in i18n/phone.json.
const std::vector<std::string> kUiKeys = {"language.name", "language.short", "face.1", "face.2", "face.3", "face.4",
                                          "face.5", "answer.yes", "answer.no", "multi.hint", "thanks.title", "thanks.text"};
const std::vector<std::string> kPhoneKeys = {
    "phone.title",         "phone.intro",        "phone.continued",    "phone.languages",    "phone.required",
    "phone.stars_scale",   "phone.rating",       "phone.submit",       "phone.missing_main", "phone.thanks_close",
    "phone.invalid.title", "phone.invalid.text", "phone.expired.title", "phone.expired.text", "phone.used.title",
    "phone.used.text",     "phone.busy.title",   "phone.busy.text"};

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> urlDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            int hi = i + 1 < text.size() ? hexValue(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

// Counts UTF-8 code points, so max_length means characters as the visitor sees them.
std::string cleanText(const std::string& raw, int maxChars) {
    std::string out;
    int chars = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(raw[i]);
        if (c == '\r') continue;  // browsers send a textarea's line ends as CRLF
        if (c < 0x20 && c != '\n' && c != '\t') continue;
        if (c == 0x7f) continue;
        if ((c & 0xC0) != 0x80) {  // the first byte of a character
            if (chars == maxChars) break;
            ++chars;
        }
        out += static_cast<char>(c);
    }
    size_t end = out.find_last_not_of(" \n\t");
    size_t begin = out.find_first_not_of(" \n\t");
    return begin == std::string::npos ? std::string() : out.substr(begin, end - begin + 1);
}

const std::vector<Option>& optionsOf(const Questionnaire& questionnaire, const Question& q) {
    return q.type == QuestionType::Service ? questionnaire.services : q.options;
}

bool offers(const std::vector<Option>& options, const std::string& id) {
    return std::any_of(options.begin(), options.end(), [&](const Option& o) { return o.id == id; });
}

std::optional<Answer> answerFor(const Questionnaire& questionnaire, const Question& q, const FormFields& fields) {
    auto [first, last] = fields.equal_range(q.id);
    if (first == last) return std::nullopt;
    Answer a;
    switch (q.type) {
        case QuestionType::Faces:
        case QuestionType::Stars:
            if (first->second.size() == 1 && first->second[0] >= '1' && first->second[0] <= '5') a.rating = first->second[0] - '0';
            break;
        case QuestionType::YesNo:
            if (first->second == "yes" || first->second == "no") a.selected = {first->second};
            break;
        case QuestionType::Single:
        case QuestionType::Service:
            if (offers(optionsOf(questionnaire, q), first->second)) a.selected = {first->second};
            break;
        case QuestionType::Multi:
            // In the questionnaire's order, each once, whatever order the browser sent.
            for (const Option& o : q.options)
                for (auto it = first; it != last; ++it)
                    if (it->second == o.id) {
                        a.selected.push_back(o.id);
                        break;
                    }
            break;
        case QuestionType::Text:
            a.text = cleanText(first->second, q.maxLength);
            break;
    }
    if (a.empty()) return std::nullopt;
    return a;
}

}  // namespace

std::optional<PhoneAssets> loadPhoneAssets(const std::string& assetsDir, std::string& error) {
    namespace fs = std::filesystem;
    StringsLoad ui = loadStrings((fs::path(assetsDir) / "i18n" / "ui.json").string(), kUiKeys, kLanguages);
    StringsLoad phone = loadStrings((fs::path(assetsDir) / "i18n" / "phone.json").string(), kPhoneKeys, kLanguages);
    QuestionnaireLoad questionnaire = loadQuestionnaire((fs::path(assetsDir) / "questionnaires" / "default.json").string());
    for (const Problems* problems : {&ui.problems, &phone.problems, &questionnaire.problems})
        if (!problems->empty()) {
            error = problems->describe() + "\n(give the folder holding i18n/ and questionnaires/ with --assets)";
            return std::nullopt;
        }
    PhoneAssets assets{std::move(*ui.strings), std::move(*questionnaire.questionnaire)};
    for (const auto& lang : phone.strings->languages())
        for (const auto& key : kPhoneKeys) assets.strings.set(key, lang, phone.strings->get(key, lang));
    return assets;
}

std::string chooseLanguage(const std::string& requested, const std::string& acceptLanguage, const std::vector<std::string>& offered) {
    if (offered.empty()) return "en";
    if (std::find(offered.begin(), offered.end(), requested) != offered.end()) return requested;
    // Accept-Language: "uk-UA,uk;q=0.9,ru;q=0.8,en;q=0.5". The best q wins; ties keep header order.
    std::string best;
    double bestQ = 0;
    size_t pos = 0;
    while (pos < acceptLanguage.size()) {
        size_t end = acceptLanguage.find(',', pos);
        if (end == std::string::npos) end = acceptLanguage.size();
        std::string item = acceptLanguage.substr(pos, end - pos);
        pos = end + 1;
        double q = 1;
        if (size_t semi = item.find(';'); semi != std::string::npos) {
            size_t qpos = item.find("q=", semi);
            if (qpos != std::string::npos) q = std::strtod(item.c_str() + qpos + 2, nullptr);
            item.resize(semi);
        }
        item.erase(0, item.find_first_not_of(' '));
        std::string primary = item.substr(0, item.find('-'));
        std::transform(primary.begin(), primary.end(), primary.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (q > bestQ && std::find(offered.begin(), offered.end(), primary) != offered.end()) {
            best = primary;
            bestQ = q;
        }
    }
    return best.empty() ? offered.front() : best;
}

std::vector<std::string> phoneLanguages(const Questionnaire& questionnaire, const Strings& strings) {
    std::vector<std::string> out;
    const auto& known = strings.languages();
    for (const auto& lang : questionnaire.languages)
        if (std::find(known.begin(), known.end(), lang) != known.end()) out.push_back(lang);
    return out;
}

std::optional<FormFields> parseFormBody(std::string_view body) {
    FormFields fields;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = body.find('&', pos);
        if (end == std::string_view::npos) end = body.size();
        std::string_view pair = body.substr(pos, end - pos);
        pos = end + 1;
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        auto name = urlDecode(pair.substr(0, eq));
        auto value = urlDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        fields.emplace(std::move(*name), std::move(*value));
    }
    return fields;
}

Answers answersFromForm(const Questionnaire& questionnaire, const FormFields& fields) {
    Answers answers;
    if (auto main = answerFor(questionnaire, questionnaire.main, fields); main && main->rating) answers[questionnaire.main.id] = *main;
    // In order, so a condition sees only the answers before its question, as on the terminal.
    for (const Question& q : questionnaire.questions) {
        if (q.showIf && !conditionHolds(*q.showIf, answers)) continue;
        if (auto a = answerFor(questionnaire, q, fields)) answers[q.id] = std::move(*a);
    }
    return answers;
}

std::string serviceOf(const Questionnaire& questionnaire, const Answers& answers) {
    for (const Question& q : questionnaire.questions) {
        if (q.type != QuestionType::Service) continue;
        auto it = answers.find(q.id);
        if (it != answers.end() && !it->second.selected.empty()) return it->second.selected.front();
    }
    return "";
}

std::string phoneResponseJson(const PhoneSubmission& s) {
    Response r;
    r.id = s.id;
    r.terminalId = s.terminalId;
    r.questionnaireId = s.questionnaire ? s.questionnaire->id : "";
    r.questionnaireVersion = s.questionnaire ? s.questionnaire->version : "";
    r.service = s.questionnaire ? serviceOf(*s.questionnaire, s.answers) : "";
    r.channel = "qr";
    r.language = s.language;
    r.startedAtMs = s.nowMs;
    r.completedAtMs = s.nowMs;
    r.answers = s.answers;
    r.status = ResponseStatus::Complete;
    r.clockOffsetMs = 0;  // the hub's own clock: nothing to correct
    nlohmann::json j = toJson(r);
    j.erase("seq");
    if (s.continues) j["continues"] = *s.continues;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace otklik::hub
