// Questionnaires for the config-pull tests: the default one under another version (with a
// new letter in its main question, so the fonts must be rebuilt), and ones that parse but
// do not fit a terminal showing ru/uk/en, or do not parse at all.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sync/protocol/file_io.h"

namespace otklik::variants {

inline nlohmann::json defaultQuestionnaireJson() {
    std::string error;
    auto text = readWholeFile(std::string(OTKLIK_SOURCE_DIR) + "/assets/questionnaires/default.json", error);
    return nlohmann::json::parse(text.value_or("{}"));
}

// The default questionnaire as version `version`; its main question gains "ʼЇ" (new glyphs).
inline std::string questionnaireVersion(const std::string& version) {
    nlohmann::json q = defaultQuestionnaireJson();
    q["version"] = version;
    q["main"]["text"]["uk"] = q["main"]["text"]["uk"].get<std::string>() + " Їжак " + version;
    return q.dump();
}

// Valid on its own, but in Russian only: a terminal with ru/uk/en buttons must refuse it.
inline std::string russianOnlyQuestionnaire() {
    return R"({"format": 1, "id": "ru-only", "version": "ru-1", "languages": ["ru"],
               "main": {"id": "overall", "text": {"ru": "Как вам у нас?"}}, "questions": []})";
}

// Not a questionnaire the parser accepts: no main question.
inline std::string brokenQuestionnaire() {
    return R"({"format": 1, "id": "broken", "version": "b-1", "languages": ["ru", "uk", "en"], "questions": []})";
}

}  // namespace otklik::variants
