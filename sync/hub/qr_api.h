// The phone form's routes behind the QR code: GET /Q/<token> (also /q/) verifies the token
// and shows the form, POST /Q/<token> verifies it again and stores the answer while consuming
// the token's nonce. Refusals are friendly pages in the visitor's language with a 4xx status,
// and store nothing. HubApi routes here; the rules are in docs/hub.md ("The phone form").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/clock.h"
#include "sync/hub/http_server.h"
#include "sync/hub/hub_store.h"
#include "sync/hub/phone_form.h"
#include "sync/hub/phone_page.h"
#include "sync/protocol/qr_token.h"

namespace otklik::hub {

struct PhoneSettings {
    int64_t windowS = 900;         // how long after issue a token opens the form (--qr-window)
    int64_t skewS = 60;            // slack for the terminal's measured clock offset
    int64_t formLifetimeS = 1800;  // a form opened within the window may be sent this long after opening
};

class PhoneRoutes {
public:
    PhoneRoutes(HubStore& store, const Clock& clock, PhoneSettings settings, std::shared_ptr<const PhoneAssets> assets);
    // `request.path` starts with /Q/ or /q/.
    HttpReply handle(const HttpRequest& request);

private:
    struct Verified;
    HttpReply page(int status, const PhonePage& page) const;
    // Languages for pages shown before the terminal's questionnaire is known.
    [[nodiscard]] std::vector<std::string> refusalLanguages() const;
    HttpReply refusal(int status, const std::string& lang, const std::string& what) const;
    // The verified token, its terminal and questionnaire; or the refusal to send.
    std::optional<Verified> verify(const std::string& text, const HttpRequest& request, const std::string& lang, HttpReply& refused);
    HttpReply submit(const HttpRequest& request, const Verified& v, const std::string& lang);

    HubStore& store_;
    const Clock& clock_;
    PhoneSettings settings_;
    std::shared_ptr<const PhoneAssets> assets_;
};

}  // namespace otklik::hub
