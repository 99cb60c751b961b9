// The hub's browser pages for people: /login (the admin token, kept in an HttpOnly cookie)
// and /results (answers per centre and service; docs/hub.md). Routed by api.cpp.
#include <algorithm>

#include "sync/hub/api.h"
#include "sync/hub/results.h"
#include "sync/hub/results_page.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/questionnaire.h"
#include "sync/protocol/utc_time.h"

namespace otklik::hub {

namespace {

HttpReply htmlReply(int status, std::string html) {
    HttpReply reply;
    reply.status = status;
    reply.contentType = "text/html; charset=utf-8";
    reply.body = std::move(html);
    reply.headers = {{"Content-Security-Policy", contentSecurityPolicy()},
                     {"Cache-Control", "no-store"},
                     {"X-Frame-Options", "DENY"},
                     {"Referrer-Policy", "no-referrer"}};
    return reply;
}

// A field of an application/x-www-form-urlencoded body, decoded ("" if absent or malformed).
std::string formField(const std::string& body, const std::string& name) {
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t end = body.find('&', pos);
        if (end == std::string::npos) end = body.size();
        std::string_view pair(body.data() + pos, end - pos);
        if (pair.substr(0, name.size() + 1) == name + "=") {
            std::string value;
            for (size_t i = name.size() + 1; i < pair.size(); ++i) {
                char c = pair[i];
                if (c == '+') value += ' ';
                else if (c == '%' && i + 2 < pair.size() + 0 && std::isxdigit(static_cast<unsigned char>(pair[i + 1])) &&
                         std::isxdigit(static_cast<unsigned char>(pair[i + 2]))) {
                    value += static_cast<char>(std::stoi(std::string(pair.substr(i + 1, 2)), nullptr, 16));
                    i += 2;
                } else if (c == '%') {
                    return "";
                } else {
                    value += c;
                }
            }
            return value;
        }
        pos = end + 1;
    }
    return "";
}

}  // namespace

HttpReply HubApi::results(const HttpRequest& request) {
    if (request.method != "GET") return errorReply(405, request.method + " is not allowed here", "use GET");
    if (!isAdmin(request)) {
        HttpReply reply;
        reply.status = 303;
        reply.headers.emplace_back("Location", "/login");
        return reply;
    }
    int64_t now = clock_.wallMs();
    ResultsOptions options;
    options.nowMs = now;
    options.sinceMs = now - int64_t{30} * 24 * 3600 * 1000;
    options.centreFilter = request.queryValue("centre");
    std::string since = request.queryValue("since");
    if (!since.empty()) {
        auto parsed = parseUtcDate(since);
        if (!parsed) return htmlReply(400, renderErrorPage(400, "\"" + since.substr(0, 40) + "\" is not a date", "write the date as YYYY-MM-DD"));
        options.sinceMs = *parsed;
    }
    std::optional<Questionnaire> questionnaire;
    if (auto text = store_.questionnaireForResults(options.centreFilter)) {
        QuestionnaireLoad load = parseQuestionnaire(*text, "stored questionnaire");
        questionnaire = std::move(load.questionnaire);
    }
    options.questionnaire = questionnaire ? &*questionnaire : nullptr;
    options.language = questionnaire && !questionnaire->languages.empty() ? questionnaire->languages.front() : "en";

    ResultsBuilder builder(options);
    ExportFilter filter;
    filter.sinceMs = options.sinceMs;
    filter.centre = options.centreFilter;
    store_.exportRows(filter, [&](const StoredRow& row) { builder.add(row); });
    auto terminals = store_.terminals();
    Results results = builder.finish(terminals, [&](const std::string& id) { return store_.missingSeqs(id, kMissingListLimit + 1); });

    ResultsPageOptions page;
    page.since = formatDate(options.sinceMs);
    for (const auto& t : terminals)
        if (std::find(page.centres.begin(), page.centres.end(), t.centre) == page.centres.end()) page.centres.push_back(t.centre);
    return htmlReply(200, renderResultsPage(results, page));
}

HttpReply HubApi::login(const HttpRequest& request) {
    if (request.method == "GET") return htmlReply(200, renderLoginPage(""));
    if (request.method != "POST") return errorReply(405, request.method + " is not allowed here", "use GET or POST");
    std::string type = request.header("content-type");
    if (type.compare(0, 33, "application/x-www-form-urlencoded") != 0)
        return htmlReply(415, renderErrorPage(415, "the sign-in form was not sent as a form", "use the form on /login"));
    std::string token = formField(request.body, "token");
    auto expected = store_.adminTokenHash();
    if (token.empty() || !expected || !constantTimeEqual(sha256Hex(token), *expected))
        return htmlReply(401, renderLoginPage(token.empty() ? "Enter the admin token." : "That admin token is not valid."));
    HttpReply reply;
    reply.status = 303;
    reply.contentType.clear();
    reply.headers.emplace_back("Location", "/results");
    // HttpOnly: no script can read it; Secure: never sent over plain HTTP; Strict: no
    // cross-site request carries it.
    reply.headers.emplace_back("Set-Cookie", "otklik_admin=" + token + "; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=43200");
    return reply;
}

}  // namespace otklik::hub
