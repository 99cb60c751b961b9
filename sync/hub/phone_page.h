// The pages a visitor's phone sees behind the QR code: the form built from the terminal's
// questionnaire, the thank-you page and the friendly refusals (invalid, expired, already
// used, busy). Server-rendered HTML5 that works without JavaScript: one inline stylesheet
// allowed by its hash in the Content-Security-Policy, targets at least 48 px, a fieldset and
// legend per question, the page's language in <html lang>. Follow-up questions with a
// show_if are hidden with CSS :has() until their condition holds (shown everywhere else;
// the hub drops answers whose condition fails). Every outside text is HTML-escaped.
#pragma once

#include <string>
#include <vector>

#include "sync/protocol/questionnaire.h"
#include "sync/protocol/response.h"
#include "sync/protocol/strings.h"

namespace otklik::hub {

struct PhonePage {
    std::string html;
    std::string contentSecurityPolicy;  // send as the Content-Security-Policy header
};

struct PhoneFormView {
    const Questionnaire* questionnaire = nullptr;  // required
    const Strings* strings = nullptr;              // required: ui.json + phone.json
    std::string language;
    std::vector<std::string> languages;  // offered in the language switch
    std::string centre;                  // shown under the title ("" = none)
    bool continuing = false;             // the token carries the terminal's open response
    std::string errorKey;                // a strings key to show above the form ("" = none)
    Answers previous;                    // to fill the form again after an error
    std::vector<std::pair<std::string, std::string>> hidden;  // hidden fields sent back with the form
};

std::string phoneStylesheet();

PhonePage renderPhoneForm(const PhoneFormView& view);

// A page with a title and a sentence (thank-you or refusal) from `strings` keys, with the
// language switch; `extraKey` adds a second, quieter sentence ("" = none).
PhonePage renderPhoneMessage(const Strings& strings, const std::string& language, const std::vector<std::string>& languages,
                             const std::string& titleKey, const std::string& textKey, const std::string& extraKey = "",
                             bool success = false);

}  // namespace otklik::hub
