// The hub's HTML: the results page for analysts (from results.h), the admin sign-in form and
// a generic error page. Server-rendered HTML5 with one inline stylesheet and no script, so the
// hub can send a strict Content-Security-Policy (contentSecurityPolicy()); no inline style
// attributes either (bar widths are classes), so the stylesheet's hash is the only exception
// the policy needs. Every text from outside (centre names, terminal ids, comments, labels) is
// HTML-escaped here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sync/hub/results.h"

namespace otklik::hub {

struct ResultsPageOptions {
    std::string since;                 // YYYY-MM-DD shown in the filter form ("" = from results.sinceMs)
    std::vector<std::string> centres;  // every centre name, for the filter's list ("" = those in the results)
    std::string resultsPath = "/results";
};

// The results page (status 200, text/html; charset=utf-8).
std::string renderResultsPage(const Results& results, const ResultsPageOptions& options = {});
// The admin sign-in form: POSTs field `token` to /login. `error` ("" = none) is shown above it.
std::string renderLoginPage(const std::string& error);
// A page for an HTTP error on an HTML route: what went wrong and what to do.
std::string renderErrorPage(int status, const std::string& message, const std::string& fix);

// The one stylesheet every page above embeds in <style>.
const std::string& pageStylesheet();
// The Content-Security-Policy header value for the pages above: nothing may load, the
// stylesheet is allowed by its SHA-256, forms post to the same origin only.
std::string contentSecurityPolicy();
// The same policy for a page whose one <style> holds `stylesheet` (the phone form's).
std::string contentSecurityPolicyFor(const std::string& stylesheet);

// & < > " ' as entities (text and attribute values alike).
std::string htmlEscape(std::string_view text);
// "just now", "3 min ago", "5 h ago", "2 days ago" (negative ages read as "just now").
std::string formatAge(int64_t ageMs);
// "45 s", "5 min", "3 h", "2 days".
std::string formatDuration(int64_t seconds);
// YYYY-MM-DD (UTC).
std::string formatDate(int64_t unixMs);

}  // namespace otklik::hub
