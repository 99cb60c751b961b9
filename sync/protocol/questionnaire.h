// The questionnaire a terminal asks: a main 1-5 question answered with one tap, then
// follow-up questions, some shown only under conditions. Shared by the kiosk and the hub
// (which renders the same questions on the phone form), parsed and validated here only.
// The file format is documented in docs/questionnaire.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.h"

namespace otklik {

// Language code ("ru", "uk", "en") -> text in that language.
using LocalizedText = std::map<std::string, std::string>;

enum class QuestionType { Faces, Stars, YesNo, Single, Multi, Text, Service };

const char* toString(QuestionType type);
std::optional<QuestionType> questionTypeFromString(const std::string& name);
// Faces and stars: answered with a number 1..5.
bool isScale(QuestionType type);

struct Option {
    std::string id;
    LocalizedText label;
};

// When a follow-up question is shown. Conditions refer only to questions asked earlier.
struct Condition {
    enum class Kind {
        AnyRatingAtMost,  // any scale answer so far (main question included) <= number
        AtMost,           // scale answer of `question` <= number
        AtLeast,          // scale answer of `question` >= number
        Is,               // `question` (choice, yes/no, service) has `option` selected
        Any,              // at least one child holds
        All,              // every child holds
    };
    Kind kind = Kind::AnyRatingAtMost;
    std::string question;
    int number = 0;
    std::string option;
    std::vector<Condition> children;
};

struct Question {
    std::string id;
    QuestionType type = QuestionType::Faces;
    LocalizedText text;
    LocalizedText hint;            // optional smaller line under the question
    bool optional = true;          // the visitor may skip it
    std::vector<Option> options;   // single and multi
    std::optional<Condition> showIf;
    int maxLength = 500;           // text: characters accepted
};

struct Questionnaire {
    static constexpr int kFormat = 1;

    std::string id;
    std::string version;
    std::vector<std::string> languages;  // every text exists in each of these
    Question main;                       // always faces, asked on the idle screen
    std::vector<LocalizedText> faceLabels;   // 5 captions under the faces, optional
    std::vector<Option> services;        // the centre's services, for type "service"
    std::vector<Question> questions;     // follow-ups in order

    [[nodiscard]] const Question* find(const std::string& questionId) const;
    [[nodiscard]] bool hasLanguage(const std::string& code) const;
};

struct QuestionnaireLoad {
    std::optional<Questionnaire> questionnaire;  // set only when problems is empty
    Problems problems;
};

// Parses and validates questionnaire JSON; `file` names it in problems.
QuestionnaireLoad parseQuestionnaire(const std::string& jsonText, const std::string& file);
// Reads the file, then parses it; an unreadable file is a problem, not an exception.
QuestionnaireLoad loadQuestionnaire(const std::string& path);

}  // namespace otklik
