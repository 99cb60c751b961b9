// HTML for the hub's browser routes: results, sign-in, errors. Everything is built as one
// string; every value from outside goes through htmlEscape. Bars are drawn with width classes
// (.w0 … .w100) rather than style attributes, so a hash-based CSP allows the page as it is,
// and every bar has its number in text beside it (readable without colour, and by a screen
// reader: the bars themselves are aria-hidden).
#include "sync/hub/results_page.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sync/protocol/crypto.h"
#include "sync/protocol/response.h"

namespace otklik::hub {

// ------------------------------------------------------------------ small formatting helpers

std::string htmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string formatAge(int64_t ageMs) {
    int64_t s = ageMs / 1000;
    if (s < 60) return "just now";
    if (s < 3600) return std::to_string(s / 60) + " min ago";
    if (s < 48 * 3600) return std::to_string(s / 3600) + " h ago";
    return std::to_string(s / 86400) + " days ago";
}

std::string formatDuration(int64_t seconds) {
    if (seconds < 0) seconds = 0;
    if (seconds < 60) return std::to_string(seconds) + " s";
    if (seconds < 3600) return std::to_string(seconds / 60) + " min";
    if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + " h";
    return std::to_string(seconds / 86400) + " days";
}

std::string formatDate(int64_t unixMs) {
    return formatUtc(unixMs).substr(0, 10);
}

namespace {

std::string h(std::string_view s) { return htmlEscape(s); }

// 1234567 -> "1,234,567"
std::string count(int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "−" + out : out;
}

std::string fixed(double v, int decimals) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string percent(double share) {
    if (share <= 0) return "0%";
    if (share < 0.005) return "&lt;1%";
    return std::to_string(int(std::lround(share * 100))) + "%";
}

std::string ratio(int64_t part, int64_t whole) {
    return whole ? percent(double(part) / double(whole)) : "—";
}

// Width class of a bar for a share 0..1.
std::string width(double share) {
    long w = std::lround(std::clamp(share, 0.0, 1.0) * 100);
    if (w == 0 && share > 0) w = 1;  // a non-zero value stays visible
    return "w" + std::to_string(w);
}

std::string mean(const ScaleStats& s) {
    return s.answered ? fixed(s.mean(), 2) : "—";
}

// A colour band for a mean, with the word for it (so it is not told by colour alone).
const char* meanBand(const ScaleStats& s) {
    if (!s.answered) return "m0";
    double m = s.mean();
    if (m >= 4.5) return "m5";
    if (m >= 4.0) return "m4";
    if (m >= 3.0) return "m3";
    return "m1";
}

std::string monthDay(int64_t unixMs) {
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string iso = formatUtc(unixMs);
    int month = std::stoi(iso.substr(5, 2));
    int day = std::stoi(iso.substr(8, 2));
    return std::to_string(day) + " " + months[(month - 1) % 12] + " " + iso.substr(0, 4);
}

std::string dateTime(int64_t unixMs) {
    std::string iso = formatUtc(unixMs);
    return monthDay(unixMs) + ", " + iso.substr(11, 5) + " UTC";
}

std::string offset(int64_t ms) {
    std::string sign = ms < 0 ? "−" : "+";
    int64_t a = ms < 0 ? -ms : ms;
    if (a < 1000) return sign + std::to_string(a) + " ms";
    if (a < 60000) return sign + fixed(double(a) / 1000.0, 1) + " s";
    if (a < 3600000) return sign + std::to_string(a / 60000) + " min";
    return sign + fixed(double(a) / 3600000.0, 1) + " h";
}

std::string bytes(int64_t b) {
    if (b >= int64_t(1) << 30) return fixed(double(b) / double(int64_t(1) << 30), 1) + " GB";
    if (b >= int64_t(1) << 20) return std::to_string(b >> 20) + " MB";
    return std::to_string(b >> 10) + " KB";
}

// ------------------------------------------------------------------ page frame

std::string pageStart(const std::string& title, const std::string& bodyClass = "") {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<meta name=\"color-scheme\" content=\"light\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n"
                      "<title>";
    out += h(title);
    out += "</title>\n<style>";
    out += pageStylesheet();
    out += "</style>\n</head>\n<body";
    if (!bodyClass.empty()) out += " class=\"" + h(bodyClass) + "\"";
    out += ">\n";
    return out;
}

const char* pageEnd() { return "</body>\n</html>\n"; }

// ------------------------------------------------------------------ pieces of the results page

// The five-colour bar of a distribution and its counts in text.
std::string distribution(const ScaleStats& s) {
    std::string out = "<div class=\"bar\" aria-hidden=\"true\">";
    for (int r = 1; r <= 5; ++r) {
        int64_t n = s.distribution[size_t(r - 1)];
        if (n) out += "<span class=\"r" + std::to_string(r) + " " + width(s.share(r)) + "\"></span>";
    }
    out += "</div><div class=\"chips\"><span class=\"sr\">Ratings 1 to 5:</span>";
    for (int r = 1; r <= 5; ++r) {
        out += "<span><span class=\"chip r" + std::to_string(r) + "\" aria-hidden=\"true\">" + std::to_string(r) + "</span>";
        out += "<span class=\"sr\">rating " + std::to_string(r) + ": </span>" + count(s.distribution[size_t(r - 1)]) + "</span>";
    }
    out += "</div>";
    return out;
}

std::string meter(double share, const std::string& text, const char* fillClass = "fill") {
    return "<div class=\"meter\"><div class=\"bar\" aria-hidden=\"true\"><span class=\"" + std::string(fillClass) + " " +
           width(share) + "\"></span></div><span class=\"n\">" + text + "</span></div>";
}

std::string meanCell(const ScaleStats& s) {
    return "<td class=\"n\" data-label=\"Mean\"><span class=\"mean " + std::string(meanBand(s)) + "\">" + mean(s) + "</span></td>";
}

// A data cell; `label` names it on a phone, where rows become cards. Inline content is kept in
// one span there, so the card's two-column flex sees label and value only.
std::string cell(const char* label, const std::string& html, const char* cls = "n") {
    std::string classes = cls ? cls : "";
    bool block = classes.find("barcell") != std::string::npos || classes.find("wide") != std::string::npos;
    std::string out = "<td";
    if (!classes.empty()) out += " class=\"" + classes + "\"";
    out += " data-label=\"" + h(label) + "\">";
    out += block ? html : "<span>" + html + "</span>";
    out += "</td>";
    return out;
}

// A table in its white box. `classes`: "stack" turns rows into cards on a phone.
std::string tableStart(const std::string& captionTitle, const std::string& captionNote, const std::vector<std::pair<std::string, bool>>& columns,
                       const std::string& classes = "stack", bool openBody = true) {
    std::string out = "<div class=\"tablebox\"><table";
    if (!classes.empty()) out += " class=\"" + classes + "\"";
    out += ">\n<caption><b>" + captionTitle + "</b>";
    if (!captionNote.empty()) out += captionNote;
    out += "</caption>\n<thead><tr>";
    for (const auto& [name, numeric] : columns) out += std::string("<th scope=\"col\"") + (numeric ? " class=\"n\"" : "") + ">" + name + "</th>";
    out += "</tr></thead>\n";
    if (openBody) out += "<tbody>\n";
    return out;
}

const char* tableEnd() { return "</tbody>\n</table></div>\n"; }

// Rows of a group table (centres or services): name, responses, mean, distribution, shares.
// `anchors`: where each name links to on this page (empty = no links).
std::string groupTable(const std::string& caption, const std::string& note, const char* nameColumn,
                       const std::vector<const GroupResults*>& groups, bool withQr, const std::vector<std::string>& anchors = {}) {
    std::vector<std::pair<std::string, bool>> columns = {{nameColumn, false},       {"Responses", true}, {"Mean", true},
                                                         {"Ratings 1 → 5", false},   {"1–2", true},       {"4–5", true},
                                                         {"Partial", true}};
    if (withQr) columns.push_back({"QR", true});
    std::string out = tableStart(caption, note, columns);
    for (size_t i = 0; i < groups.size(); ++i) {
        const GroupResults* g = groups[i];
        out += "<tr><th scope=\"row\">" +
               (i < anchors.size() ? "<a href=\"#" + anchors[i] + "\">" + h(g->label) + "</a>" : h(g->label)) + "</th>";
        out += cell("Responses", count(g->responses));
        out += meanCell(g->main);
        out += cell("Ratings 1 → 5", g->main.answered ? distribution(g->main) : "<span class=\"muted\">no ratings</span>", "barcell");
        out += cell("Rated 1–2", g->main.answered ? percent(g->main.lowShare()) : "—");
        out += cell("Rated 4–5", g->main.answered ? percent(g->main.highShare()) : "—");
        out += cell("Partial", count(g->partial));
        if (withQr) out += cell("Via QR", ratio(g->qr, g->responses));
        out += "</tr>\n";
    }
    out += tableEnd();
    return out;
}

// A question's short name, with the question itself under it when the questionnaire has one.
std::string questionCell(const std::string& name, const std::string& label) {
    std::string out = h(name);
    if (!label.empty() && label != name && readableId(label) != name) out += "<span class=\"q\">" + h(label) + "</span>";
    return out;
}

std::string criteriaTable(const GroupResults& g, const std::string& caption) {
    std::string out = tableStart(caption, "Each criterion is rated 1–5 and may be skipped: mean and spread of those who rated it.",
                                 {{"Criterion", false}, {"Rated by", true}, {"Mean", true}, {"Ratings 1 → 5", false}, {"1–2", true}});
    for (const auto& c : g.criteria) {
        out += "<tr><th scope=\"row\">" + questionCell(c.name, c.label) + "</th>";
        out += cell("Rated by", count(c.answered) + (g.responses ? " <span class=\"muted small\">(" + ratio(c.answered, g.responses) + ")</span>" : ""));
        out += meanCell(c);
        out += cell("Ratings 1 → 5", c.answered ? distribution(c) : "<span class=\"muted\">no ratings</span>", "barcell");
        out += cell("Rated 1–2", c.answered ? percent(c.lowShare()) : "—");
        out += "</tr>\n";
    }
    out += tableEnd();
    return out;
}

std::string choiceTable(const ChoiceStats& c, int64_t responses) {
    std::string note = "Share of all " + count(responses) + " responses that picked each option (several may be picked); " +
                       count(c.answered) + " answered. Bars are relative to the most picked option.";
    std::string title = h(c.label == c.id ? c.name : c.label);
    std::string out = tableStart(title, note, {{"Option", false}, {"Picked", true}, {"Share", false}});
    double top = 0;
    for (const auto& o : c.options) top = std::max(top, o.share);
    for (const auto& o : c.options) {
        out += "<tr><th scope=\"row\">" + h(o.label) + "</th>";
        out += cell("Picked by", count(o.picked));
        out += cell("Share of responses", meter(top > 0 ? o.share / top : 0.0, percent(o.share), "r2"), "barcell");
        out += "</tr>\n";
    }
    out += tableEnd();
    return out;
}

std::string commentsList(const std::vector<CommentItem>& comments) {
    std::string out = "<ul class=\"comments\">\n";
    for (const auto& c : comments) {
        out += "<li class=\"c" + std::to_string(c.rating) + "\"><blockquote>" + h(c.text) + "</blockquote><p>";
        if (c.rating) out += "Rated " + std::to_string(c.rating) + " of 5 · ";
        out += h(c.service) + " · " + dateTime(c.completedAtMs) + " · terminal <span class=\"mono\">" + h(c.terminalId) + "</span></p></li>\n";
    }
    out += "</ul>\n";
    return out;
}

struct TerminalAttention {
    int gaps = 0, silent = 0, revoked = 0, configErrors = 0, clock = 0, backlog = 0;
};

constexpr int64_t kSilentMs = 3600 * 1000;        // no heartbeat for an hour
constexpr int64_t kClockOffsetMs = 2 * 60 * 1000;  // terminal clock off by more than 2 minutes
constexpr int64_t kOldBacklogS = 3600;            // something unsent for an hour

TerminalAttention attention(const std::vector<TerminalHealth>& terminals) {
    TerminalAttention a;
    for (const auto& t : terminals) {
        if (t.revoked) {
            ++a.revoked;
            continue;
        }
        if (t.hasGaps()) ++a.gaps;
        if (!t.lastSeenAgeMs || *t.lastSeenAgeMs > kSilentMs) ++a.silent;
        if (!t.configError.empty()) ++a.configErrors;
        if (t.clockOffsetMs && std::llabs(*t.clockOffsetMs) > kClockOffsetMs) ++a.clock;
        if (t.reportedOldestUnsentS && *t.reportedOldestUnsentS > kOldBacklogS) ++a.backlog;
    }
    return a;
}

std::string terminalsTable(const std::vector<TerminalHealth>& terminals) {
    std::string out = tableStart("Every terminal, by centre",
                                 "Responses: completed in this period. Stored seq: every response up to it has arrived (of the highest "
                                 "received). A gap is a number "
                                 "below the highest one that never arrived: a lost or still undelivered response.",
                                 {{"Terminal", false}, {"Last seen", false}, {"Responses", true}, {"Unsent", false},
                                  {"Stored seq", true}, {"Gaps", false}, {"Clock", true}, {"Notes", false}},
                                 "stack terminals", /*openBody=*/false);
    const std::string* centre = nullptr;
    for (const auto& t : terminals) {
        if (!centre || *centre != t.centre) {
            if (centre) out += "</tbody>\n";
            centre = &t.centre;
            out += "<tbody><tr class=\"group\"><th colspan=\"8\" scope=\"rowgroup\">" +
                   (t.centre.empty() ? std::string("No centre") : h(t.centre)) + "</th></tr>\n";
        }
        out += std::string("<tr") + (t.revoked ? " class=\"revoked\"" : "") + "><th scope=\"row\" class=\"tid\"><span class=\"mono\">" +
               h(t.id) + "</span></th>";
        // Last seen
        if (!t.lastSeenMs) out += cell("Last seen", "never", t.revoked ? "nw" : "warn nw");
        else {
            bool silent = !t.revoked && *t.lastSeenAgeMs > kSilentMs;
            out += cell("Last seen", formatAge(*t.lastSeenAgeMs) + "<span class=\"sr\"> (" + dateTime(*t.lastSeenMs) + ")</span>",
                        silent ? (*t.lastSeenAgeMs > 24 * kSilentMs ? "bad nw" : "warn nw") : "nw");
        }
        out += cell("Responses", count(t.responsesInPeriod));
        // Backlog the terminal reported
        if (!t.reportedUnsent) out += cell("Unsent", "<span class=\"muted\">not reported</span>", "");
        else if (*t.reportedUnsent == 0) out += cell("Unsent", "none", "");
        else {
            std::string text = "<b>" + count(*t.reportedUnsent) + "</b>";
            if (t.reportedOldestUnsentS) text += ", oldest " + formatDuration(*t.reportedOldestUnsentS);
            bool old = t.reportedOldestUnsentS && *t.reportedOldestUnsentS > kOldBacklogS;
            out += cell("Unsent", text, old && !t.revoked ? "warn nw" : "nw");
        }
        std::string seq = count(t.highWaterSeq);
        if (t.maxSeq > t.highWaterSeq) seq += " <span class=\"muted small\">of " + count(t.maxSeq) + "</span>";
        out += cell("Stored seq", seq);
        // Gaps
        if (!t.hasGaps()) out += cell("Gaps", "none", "");
        else {
            std::string text = "<b>" + std::string(t.gapCountIsLowerBound ? "at least " : "") + count(t.gapCount) + " missing</b><span class=\"seqlist\">";
            for (size_t i = 0; i < t.missing.size(); ++i) text += (i ? ", " : "") + std::to_string(t.missing[i]);
            if (t.gapCountIsLowerBound) text += ", …";
            text += "</span>";
            out += cell("Gaps", text, "bad wide");
        }
        if (!t.clockOffsetMs) out += cell("Clock", "<span class=\"muted\">—</span>");
        else {
            bool off = std::llabs(*t.clockOffsetMs) > kClockOffsetMs;
            out += cell("Clock", offset(*t.clockOffsetMs), off && !t.revoked ? "n warn" : "n");
        }
        std::string notes;
        if (t.revoked) notes += "<span class=\"badge bad\">Revoked" + (t.revokedAtMs ? " " + monthDay(*t.revokedAtMs) : std::string()) + "</span> ";
        if (!t.configError.empty()) notes += "<span class=\"badge warn\">Config refused</span> <span class=\"small\">" + h(t.configError) + "</span> ";
        if (t.freeDiskBytes && *t.freeDiskBytes < (int64_t(200) << 20)) notes += "<span class=\"badge warn\">Disk " + bytes(*t.freeDiskBytes) + " free</span> ";
        if (!t.version.empty()) notes += "<span class=\"muted small\">v" + h(t.version) + "</span>";
        if (notes.empty()) notes = "<span class=\"muted\">—</span>";
        out += cell("Notes", notes, "wide");
        out += "</tr>\n";
    }
    if (centre) out += "</tbody>\n";
    out += "</table></div>\n";
    return out;
}

std::string summaryCards(const Results& r) {
    const GroupResults& t = r.total;
    std::string out = "<div class=\"cards\">\n";
    out += "<div class=\"card\"><p class=\"k\">Responses</p><p class=\"v\">" + count(t.responses) + "</p><p class=\"s\">" +
           count(t.partial) + " partial · " + ratio(t.qr, t.responses) + " via QR</p></div>\n";
    out += "<div class=\"card\"><p class=\"k\">Mean rating</p><p class=\"v\"><span class=\"mean " + std::string(meanBand(t.main)) + "\">" +
           mean(t.main) + "</span> <small>of 5</small></p><p class=\"s\">main question, " + count(t.main.answered) + " rated</p></div>\n";
    out += "<div class=\"card\"><p class=\"k\">Satisfied (4–5)</p><p class=\"v\">" + (t.main.answered ? percent(t.main.highShare()) : "—") +
           "</p><p class=\"s\">dissatisfied (1–2): " + (t.main.answered ? percent(t.main.lowShare()) : "—") + "</p></div>\n";
    TerminalAttention a = attention(r.terminals);
    std::vector<std::string> issues;
    if (a.gaps) issues.push_back(std::to_string(a.gaps) + " with gaps");
    if (a.silent) issues.push_back(std::to_string(a.silent) + " silent over 1 h");
    if (a.backlog) issues.push_back(std::to_string(a.backlog) + " with an old backlog");
    if (a.clock) issues.push_back(std::to_string(a.clock) + " clock off");
    if (a.configErrors) issues.push_back(std::to_string(a.configErrors) + " refused config");
    if (a.revoked) issues.push_back(std::to_string(a.revoked) + " revoked");
    std::string s;
    for (size_t i = 0; i < issues.size(); ++i) s += (i ? " · " : "") + issues[i];
    if (s.empty()) s = r.terminals.empty() ? "none registered" : "all reporting, no gaps";
    out += "<div class=\"card\"><p class=\"k\">Terminals</p><p class=\"v\">" + count(int64_t(r.terminals.size())) + "</p><p class=\"s\">" + s +
           "</p></div>\n";
    out += "</div>\n";
    return out;
}

std::string mainDistribution(const GroupResults& g) {
    std::string out = tableStart("Main question" + (g.main.label != g.main.id ? ": " + h(g.main.label) : std::string()),
                                 count(g.main.answered) + " responses with a rating.", {{"Rating", false}, {"Responses", false}}, "bars");
    for (int r = 5; r >= 1; --r) {
        int64_t n = g.main.distribution[size_t(r - 1)];
        out += "<tr><th scope=\"row\"><span class=\"chip r" + std::to_string(r) + "\" aria-hidden=\"true\">" + std::to_string(r) +
               "</span> " + std::to_string(r) + " of 5</th>";
        out += "<td class=\"barcell\">" +
               meter(g.main.share(r), count(n) + " <span class=\"muted small\">(" + percent(g.main.share(r)) + ")</span>",
                     ("r" + std::to_string(r)).c_str()) +
               "</td></tr>\n";
    }
    out += tableEnd();
    return out;
}

std::string choicesSection(const GroupResults& g) {
    std::string out;
    bool any = false;
    for (const auto& c : g.choices) {
        if (c.options.empty()) continue;
        any = true;
        out += choiceTable(c, g.responses);
    }
    return any ? out : std::string();
}

}  // namespace

// ------------------------------------------------------------------ public

std::string renderResultsPage(const Results& r, const ResultsPageOptions& options) {
    std::string since = options.since.empty() ? formatDate(r.sinceMs) : options.since;
    std::vector<std::string> centreNames = options.centres;
    if (centreNames.empty())
        for (const auto& c : r.centres) centreNames.push_back(c.total.label);
    if (!r.centreFilter.empty() && std::find(centreNames.begin(), centreNames.end(), r.centreFilter) == centreNames.end())
        centreNames.push_back(r.centreFilter);
    std::sort(centreNames.begin(), centreNames.end());

    const bool severalCentres = r.centres.size() > 1;
    // With no responses, the tables would be rows of zeros: the overview says so instead, and
    // the terminals (are they reporting?) are what is left to look at.
    const bool any = r.total.responses > 0;
    const bool singleComments = any && !severalCentres && !r.centres.empty() && !r.centres.front().comments.empty();
    std::string out = pageStart("Otklik — results");
    out += "<a class=\"skip\" href=\"#main\">Skip to results</a>\n";

    // Header: title, period, filter.
    out += "<header class=\"top\"><div class=\"wrap\">\n<h1>Otklik — results</h1>\n<p class=\"period\">Since <b>" + h(monthDay(r.sinceMs)) +
           "</b> · " + (r.centreFilter.empty() ? std::string("all centres") : "centre <b>" + h(r.centreFilter) + "</b>") + " · <b>" +
           count(r.total.responses) + "</b> responses · as of " + dateTime(r.nowMs) + "</p>\n";
    out += "<form class=\"filter\" method=\"get\" action=\"" + h(options.resultsPath) + "\">\n";
    out += "<label for=\"since\">Since<input id=\"since\" name=\"since\" type=\"date\" value=\"" + h(since) + "\"></label>\n";
    out += "<label for=\"centre\">Centre<select id=\"centre\" name=\"centre\"><option value=\"\">All centres</option>";
    for (const auto& name : centreNames) {
        out += "<option value=\"" + h(name) + "\"" + (name == r.centreFilter ? " selected" : "") + ">" + h(name) + "</option>";
    }
    out += "</select></label>\n<button type=\"submit\">Show</button>\n</form>\n</div></header>\n";

    // Contents.
    out += "<nav class=\"toc\" aria-label=\"Sections\"><ul>";
    out += "<li><a href=\"#overview\">Overview</a></li>";
    if (any && severalCentres) out += "<li><a href=\"#centres\">Centres</a></li>";
    if (any) out += "<li><a href=\"#services\">Services</a></li><li><a href=\"#criteria\">Criteria</a></li>";
    if (any && !r.total.choices.empty()) out += "<li><a href=\"#reasons\">Reasons</a></li>";
    if (singleComments) out += "<li><a href=\"#comments\">Comments</a></li>";
    out += "<li><a href=\"#terminals\">Terminals</a></li></ul></nav>\n";

    out += "<main id=\"main\" class=\"wrap\">\n";

    // Overview.
    out += "<section id=\"overview\" aria-labelledby=\"overview-h\"><h2 id=\"overview-h\">Overview</h2>\n";
    out += summaryCards(r);
    if (r.total.responses == 0)
        out += "<p class=\"empty\">No responses completed since " + h(monthDay(r.sinceMs)) +
               ". Pick an earlier date above, or check the terminals below: are they reporting?</p>\n";
    else out += mainDistribution(r.total);
    if (r.unreadable)
        out += "<p class=\"muted small\">" + count(r.unreadable) + " stored responses could not be read and are not counted.</p>\n";
    out += "</section>\n";

    if (any && severalCentres) {
        std::vector<const GroupResults*> groups;
        std::vector<std::string> anchors;
        for (const auto& c : r.centres) {
            groups.push_back(&c.total);
            anchors.push_back("centre-" + std::to_string(anchors.size() + 1));  // as the sections below
        }
        out += "<section id=\"centres\" aria-labelledby=\"centres-h\"><h2 id=\"centres-h\">Centres</h2>\n";
        out += groupTable("Responses by centre", "Main question: mean and how the ratings spread. A name leads to the centre's details.",
                          "Centre", groups, true, anchors);
        out += "</section>\n";
    }

    if (any) {
        std::vector<const GroupResults*> groups;
        for (const auto& s : r.services) groups.push_back(&s);
        out += "<section id=\"services\" aria-labelledby=\"services-h\"><h2 id=\"services-h\">Services</h2>\n";
        out += groupTable(severalCentres ? "All centres by service" : "By service",
                          "The service the visitor named; “" + std::string(kServiceNotNamed) + "” when they skipped the question.",
                          "Service", groups, true);
        out += "</section>\n";
    }

    if (any) {
        out += "<section id=\"criteria\" aria-labelledby=\"criteria-h\"><h2 id=\"criteria-h\">Criteria</h2>\n";
        if (r.total.criteria.empty()) out += "<p class=\"empty\">No criteria were rated in this period.</p>\n";
        else out += criteriaTable(r.total, severalCentres ? "All centres by criterion" : "By criterion");
        out += "</section>\n";
    }

    if (any && !r.total.choices.empty()) {
        out += "<section id=\"reasons\" aria-labelledby=\"reasons-h\"><h2 id=\"reasons-h\">Reasons</h2>\n<div class=\"grid2\">\n";
        out += choicesSection(r.total);
        out += "</div>\n</section>\n";
    }

    if (singleComments) {
        out += "<section id=\"comments\" aria-labelledby=\"comments-h\"><h2 id=\"comments-h\">Recent comments</h2>\n";
        out += commentsList(r.centres.front().comments);
        out += "</section>\n";
    }

    if (any && severalCentres) {
        int index = 0;
        for (const auto& c : r.centres) {
            ++index;
            std::string id = "centre-" + std::to_string(index);
            const GroupResults& g = c.total;
            out += "<section class=\"centre\" id=\"" + id + "\" aria-labelledby=\"" + id + "-h\"><h2 id=\"" + id + "-h\">" + h(g.label) + "</h2>\n";
            out += "<p class=\"lead\">" + count(g.responses) + " responses · mean <span class=\"mean " + std::string(meanBand(g.main)) + "\">" +
                   mean(g.main) + "</span> · " + std::to_string(c.terminals) + (c.terminals == 1 ? " terminal" : " terminals") + "</p>\n";
            if (g.responses == 0) {
                out += "<p class=\"empty\">No responses from this centre since " + h(monthDay(r.sinceMs)) + ".</p>\n</section>\n";
                continue;
            }
            std::vector<const GroupResults*> groups;
            for (const auto& s : c.services) groups.push_back(&s);
            out += groupTable("By service", "", "Service", groups, false);
            out += criteriaTable(g, "By criterion");
            std::string side;
            for (const auto& choice : g.choices)
                if (choice.answered) side += choiceTable(choice, g.responses);
            if (!c.comments.empty())
                side += "<div><h3>Recent comments</h3>\n" + commentsList(c.comments) + "</div>\n";
            if (!side.empty()) out += "<div class=\"grid2\">\n" + side + "</div>\n";
            out += "</section>\n";
        }
    }

    out += "<section id=\"terminals\" aria-labelledby=\"terminals-h\"><h2 id=\"terminals-h\">Terminals</h2>\n";
    if (r.terminals.empty()) out += "<p class=\"empty\">No terminals registered" + std::string(r.centreFilter.empty() ? "" : " in this centre") + ".</p>\n";
    else out += terminalsTable(r.terminals);
    out += "</section>\n</main>\n";

    out += "<footer><div class=\"wrap\">Counts responses completed since " + h(monthDay(r.sinceMs)) + " (terminal clock, UTC).";
    if (!r.questionnaireId.empty())
        out += " Labels from questionnaire <span class=\"mono\">" + h(r.questionnaireId) + "</span> version " + h(r.questionnaireVersion) + ".";
    out += " Partial: the visitor walked away; what they answered is counted.</div></footer>\n";
    out += pageEnd();
    return out;
}

std::string renderLoginPage(const std::string& error) {
    std::string out = pageStart("Otklik — sign in");
    out += "<main class=\"narrow\">\n<h1>Otklik — sign in</h1>\n<p class=\"muted\">Results are for the centre's and the region's analysts. "
           "Enter the admin token given by whoever installed the hub.</p>\n";
    if (!error.empty()) out += "<p class=\"alert\" role=\"alert\">" + h(error) + "</p>\n";
    out += "<form class=\"form\" method=\"post\" action=\"/login\">\n<label for=\"token\">Admin token</label>\n"
           "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus"
           " spellcheck=\"false\" autocapitalize=\"off\">\n<button type=\"submit\">Sign in</button>\n</form>\n</main>\n";
    out += pageEnd();
    return out;
}

std::string renderErrorPage(int status, const std::string& message, const std::string& fix) {
    std::string out = pageStart("Otklik — error " + std::to_string(status));
    out += "<main class=\"narrow\">\n<p class=\"code\">" + std::to_string(status) + "</p>\n<h1>" + h(message) + "</h1>\n";
    if (!fix.empty()) out += "<p>" + h(fix) + "</p>\n";
    out += "<p><a href=\"/results\">Back to the results</a></p>\n</main>\n";
    out += pageEnd();
    return out;
}

}  // namespace otklik::hub
