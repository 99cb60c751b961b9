// The phone form's logic without HTTP or storage: which language to speak, the visitor's
// answers read from the submitted form and checked against the questionnaire, and the
// response JSON the hub stores for them. The routes (qr_api.cpp) and the unit tests use it;
// the HTML is phone_page.h's. Rules: docs/hub.md, "The phone form".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/protocol/questionnaire.h"
#include "sync/protocol/response.h"
#include "sync/protocol/strings.h"

namespace otklik::hub {

// What the phone form needs from the assets folder: interface strings (i18n/ui.json for the
// keys the kiosk already has, i18n/phone.json for the phone's own) and the questionnaire used
// when none is assigned to the terminal or its centre (questionnaires/default.json).
struct PhoneAssets {
    Strings strings;
    Questionnaire defaultQuestionnaire;
};

// Loads and checks the three files under `assetsDir`; nullopt with `error` saying which file
// is wrong and how.
std::optional<PhoneAssets> loadPhoneAssets(const std::string& assetsDir, std::string& error);

// The language to answer in: `requested` (?lang=) when offered, else the first offered match
// in Accept-Language (by q-value, "uk-UA" matches "uk"), else the first offered language.
std::string chooseLanguage(const std::string& requested, const std::string& acceptLanguage, const std::vector<std::string>& offered);

// The languages both the questionnaire and the strings have, in the questionnaire's order.
std::vector<std::string> phoneLanguages(const Questionnaire& questionnaire, const Strings& strings);

// An application/x-www-form-urlencoded body: every name with all its values, in order.
// nullopt when a %-escape is broken.
using FormFields = std::multimap<std::string, std::string>;
std::optional<FormFields> parseFormBody(std::string_view body);

// The answers a submitted form gives, checked against the questionnaire: ratings 1-5, option
// ids the question offers, text trimmed to the question's length (CRLF read as LF, control
// characters dropped). Unknown fields and invalid values are ignored, as is the answer to a
// question whose show_if does not hold for the answers before it (a browser without CSS
// :has() shows every question; the terminal would not have asked it).
Answers answersFromForm(const Questionnaire& questionnaire, const FormFields& fields);

// The service the answers name (the first service-type question's choice), or "".
std::string serviceOf(const Questionnaire& questionnaire, const Answers& answers);

// What the hub stores for a phone response. `continues` is the terminal response it
// completes (from the token), if any.
struct PhoneSubmission {
    std::string id;          // UUIDv7 made by the hub
    std::string terminalId;  // from the verified token
    std::string language;
    const Questionnaire* questionnaire = nullptr;
    Answers answers;
    int64_t nowMs = 0;       // the hub's clock: started and completed, offset 0
    std::optional<std::string> continues;
};
// The response JSON (as a terminal would send it, channel "qr", no "seq": phone responses
// are not in the terminal's numbering), plus "continues" when set.
std::string phoneResponseJson(const PhoneSubmission& submission);

}  // namespace otklik::hub
