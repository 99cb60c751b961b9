// The phone form's routes (see qr_api.h). Order of checks: docs/qr-token.md, "Verification
// on the hub"; the single-use check is the store's (storePhoneResponse).
#include "sync/hub/qr_api.h"

#include <algorithm>
#include <cctype>

#include "platform/log.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/uuid.h"

namespace otklik::hub {

namespace {

constexpr int64_t kNonceKeptMs = 24 * 3600 * 1000;  // a day past issue: longer than any window + offset change

// The form carries when it was opened, signed with the terminal's QR secret, so a visitor who
// opened it in time may take a while to write, while a token older than the window that was
// never opened — a replay from home — is refused on submit as on opening. Stateless: nothing
// is stored until the answer is.
std::string openedSignature(const std::string& secret, const std::string& token, int64_t openedMs) {
    return base64UrlEncode(hmacSha256(secret, "otklik-form-opened|" + token + "|" + std::to_string(openedMs)));
}

bool isFormPost(const HttpRequest& request) {
    std::string type = request.header("content-type");
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type.compare(0, 33, "application/x-www-form-urlencoded") == 0;
}

}  // namespace

struct PhoneRoutes::Verified {
    QrToken token;
    Terminal terminal;
    Questionnaire questionnaire;
    std::vector<std::string> languages;
    std::string secret;  // the terminal's QR secret (signs the form's opening time)
};

PhoneRoutes::PhoneRoutes(HubStore& store, const Clock& clock, PhoneSettings settings, std::shared_ptr<const PhoneAssets> assets)
    : store_(store), clock_(clock), settings_(settings), assets_(std::move(assets)) {}

HttpReply PhoneRoutes::page(int status, const PhonePage& p) const {
    HttpReply reply;
    reply.status = status;
    reply.contentType = "text/html; charset=utf-8";
    reply.body = p.html;
    reply.headers = {{"Content-Security-Policy", p.contentSecurityPolicy},
                     {"Cache-Control", "no-store"},
                     {"X-Frame-Options", "DENY"},
                     {"Referrer-Policy", "no-referrer"}};
    return reply;
}

HttpReply PhoneRoutes::refusal(int status, const std::string& lang, const std::string& what) const {
    const Strings& s = assets_->strings;
    return page(status, renderPhoneMessage(s, lang, refusalLanguages(), "phone." + what + ".title", "phone." + what + ".text"));
}

std::vector<std::string> PhoneRoutes::refusalLanguages() const {
    // The default questionnaire's order (ru, uk, en), not the strings file's (alphabetical).
    auto languages = phoneLanguages(assets_->defaultQuestionnaire, assets_->strings);
    return languages.empty() ? assets_->strings.languages() : languages;
}

HttpReply PhoneRoutes::handle(const HttpRequest& request) {
    const Strings& s = assets_->strings;
    // Before the questionnaire is known, speak any language the strings have.
    std::string lang = chooseLanguage(request.queryValue("lang"), request.header("accept-language"), refusalLanguages());
    if (request.method != "GET" && request.method != "POST") {
        HttpReply reply = refusal(405, lang, "invalid");
        reply.headers.emplace_back("Allow", "GET, POST");
        return reply;
    }
    try {
        HttpReply refused;
        const std::string tokenText = request.path.substr(3);
        auto v = verify(tokenText, request, lang, refused);
        if (!v) return refused;
        lang = chooseLanguage(request.queryValue("lang"), request.header("accept-language"), v->languages);
        if (request.method == "POST") return submit(request, *v, lang);
        // Opening the form does not consume the token, but a used one says so at once.
        if (store_.qrNonceUsed(v->token.terminalId, v->token.nonceHex())) return refusal(410, lang, "used");
        PhoneFormView view{&v->questionnaire, &s, lang, v->languages, v->terminal.centre, v->token.responseId.has_value(), "", {}, {}};
        int64_t opened = clock_.wallMs();
        view.hidden = {{"opened", std::to_string(opened)}, {"opened_sig", openedSignature(v->secret, tokenText, opened)}};
        return page(200, renderPhoneForm(view));
    } catch (const SqlError& e) {
        log::error(std::string("hub: phone form: storage: ") + e.what());
        HttpReply reply = refusal(503, lang, "busy");
        reply.headers.emplace_back("Retry-After", "5");
        return reply;
    }
}

std::optional<PhoneRoutes::Verified> PhoneRoutes::verify(const std::string& text, const HttpRequest& request, const std::string& lang,
                                                         HttpReply& refused) {
    std::optional<Terminal> terminal;
    std::string secret;
    QrTerminalLookup lookup = [&](const std::string& id) -> std::optional<QrTerminalKey> {
        terminal = store_.terminal(id);
        if (!terminal || terminal->revokedAtMs) return std::nullopt;
        auto stored = store_.qrSecret(id);
        if (!stored) return std::nullopt;
        secret = *stored;
        return QrTerminalKey{*stored, terminal->clockOffsetMs.value_or(0)};
    };
    QrAgeRules rules;
    rules.windowMs = settings_.windowS * 1000;
    rules.skewMs = settings_.skewS * 1000;
    const int64_t now = clock_.wallMs();
    QrTokenCheck check = verifyQrToken(text, lookup, rules, now);
    if (check.error == QrTokenError::Expired && request.method == "POST" && isFormPost(request)) {
        // Past the window on submit: fine if this very form was opened within the window (and
        // not longer ago than a form lives), as its signed stamp shows.
        auto fields = parseFormBody(request.body);
        auto field = [&](const char* name) -> std::string {
            if (!fields) return "";
            for (const auto& [key, value] : *fields)
                if (key == name) return value;
            return "";
        };
        int64_t opened = 0;
        try {
            opened = std::stoll(field("opened"));
        } catch (const std::exception&) {
        }
        QrAgeRules openedRules = rules;
        openedRules.windowMs += std::max<int64_t>(0, now - opened);  // the token's age when the form was opened
        if (opened > 0 && now - opened <= settings_.formLifetimeS * 1000 && !secret.empty() &&
            constantTimeEqual(field("opened_sig"), openedSignature(secret, text, opened)))
            check = verifyQrToken(text, lookup, openedRules, now);
    }
    if (check.error != QrTokenError::None) {
        // Logged by kind only: the token text is a bearer of sorts and the claims are untrusted.
        log::info(std::string("hub: phone form: token refused: ") + toString(check.error));
        switch (check.error) {
            case QrTokenError::Malformed:
            case QrTokenError::UnknownVersion: refused = refusal(400, lang, "invalid"); break;
            case QrTokenError::Expired: refused = refusal(410, lang, "expired"); break;
            default: refused = refusal(403, lang, "invalid"); break;  // unknown terminal, bad signature, from the future
        }
        return std::nullopt;
    }
    Verified v{std::move(*check.token), std::move(*terminal), assets_->defaultQuestionnaire, {}, secret};
    // The terminal's own questionnaire, as it would run it; the default when none is assigned.
    AssignedConfig config = store_.configFor(v.terminal);
    if (!config.questionnaireJson.empty()) {
        QuestionnaireLoad load = parseQuestionnaire(config.questionnaireJson, "assigned questionnaire");
        if (load.questionnaire) v.questionnaire = std::move(*load.questionnaire);
        else log::warning("hub: phone form: the questionnaire assigned to " + v.terminal.id + " does not parse; using the default");
    }
    v.languages = phoneLanguages(v.questionnaire, assets_->strings);
    if (v.languages.empty()) v.languages = refusalLanguages();
    return v;
}

HttpReply PhoneRoutes::submit(const HttpRequest& request, const Verified& v, const std::string& lang) {
    const Strings& s = assets_->strings;
    PhoneFormView view{&v.questionnaire, &s, lang, v.languages, v.terminal.centre, v.token.responseId.has_value(), "", {}, {}};
    // Sent back unchanged if the form is shown again.
    auto keep = isFormPost(request) ? parseFormBody(request.body) : std::nullopt;
    if (keep)
        for (const auto& [key, value] : *keep)
            if (key == "opened" || key == "opened_sig") view.hidden.emplace_back(key, value);
    auto fields = isFormPost(request) ? parseFormBody(request.body) : std::nullopt;
    if (!fields) {
        view.errorKey = "phone.missing_main";
        return page(400, renderPhoneForm(view));
    }
    Answers answers = answersFromForm(v.questionnaire, *fields);
    if (!answers.count(v.questionnaire.main.id)) {
        // The form again with what was chosen; the token is not consumed.
        view.errorKey = "phone.missing_main";
        view.previous = std::move(answers);
        return page(422, renderPhoneForm(view));
    }
    int64_t now = clock_.wallMs();
    PhoneSubmission submission{newUuidV7(now), v.token.terminalId, lang, &v.questionnaire, answers, now, v.token.responseId};
    PhoneResponse r;
    r.id = submission.id;
    r.terminalId = v.terminal.id;
    r.centre = v.terminal.centre;
    r.service = serviceOf(v.questionnaire, answers);
    r.language = lang;
    r.questionnaireId = v.questionnaire.id;
    r.questionnaireVersion = v.questionnaire.version;
    r.completedAtMs = now;
    r.body = phoneResponseJson(submission);
    r.nonceHex = v.token.nonceHex();
    r.nonceExpiresAtMs = v.token.issuedAtS * 1000 + v.terminal.clockOffsetMs.value_or(0) + kNonceKeptMs;
    if (store_.storePhoneResponse(r, now) == PhoneStoreResult::Replayed) {
        log::info("hub: phone form: token refused: replayed (terminal " + v.terminal.id + ")");
        return refusal(410, lang, "used");
    }
    // No language links here: they would open the (now used) token again.
    return page(200, renderPhoneMessage(s, lang, {}, "thanks.title", "thanks.text", "phone.thanks_close", true));
}

}  // namespace otklik::hub
