// The phone pages (see phone_page.h): the form from a questionnaire, thank-you and refusal
// pages, and the CSS that hides follow-ups until their condition holds.
#include "sync/hub/phone_page.h"

#include <algorithm>
#include <optional>

#include "sync/hub/results_page.h"

namespace otklik::hub {

namespace {

std::string h(std::string_view text) { return htmlEscape(text); }

// Fixed part of the stylesheet. Colours pass WCAG AA on their backgrounds (4.5:1 and more);
// every control is at least 48 px tall; focus is a thick yellow ring.
const char* const kStyle = R"CSS(:root{--ink:#1b1f24;--muted:#4d5761;--line:#aeb8c2;--bg:#f2f4f7;--navy:#0f2a44;--accent:#0b5cad;--sel:#e3eefb}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
header{background:var(--navy);color:#fff}
.top{max-width:560px;margin:0 auto;padding:10px 16px 16px}
.langs ul{display:flex;justify-content:flex-end;gap:4px;list-style:none;margin:0 -8px 4px 0;padding:0}
.langs a{display:flex;align-items:center;justify-content:center;min-width:52px;min-height:48px;padding:0 8px;border-radius:10px;color:#fff;font-size:.9375rem;font-weight:700;letter-spacing:.03em;text-decoration:none}
.langs a[aria-current]{background:#fff;color:var(--navy)}
h1{margin:0;font-size:1.625rem;line-height:1.2}
.centre{margin:4px 0 0;color:#d3deea;font-size:1rem}
main{max-width:560px;margin:0 auto;padding:16px 16px 40px}
.intro{margin:0 0 14px;color:var(--muted);font-size:1rem}
.note,.error{margin:0 0 14px;padding:12px 14px;border-radius:10px;font-size:1rem}
.note{background:var(--sel);border-left:4px solid var(--accent)}
.error{background:#fdebe9;color:#8c1710;border-left:4px solid #a11a12;font-weight:600}
fieldset,.text{margin:0 0 14px;padding:16px;border:0;border-radius:14px;background:#fff;box-shadow:0 1px 3px rgba(15,42,68,.12)}
legend,.text>label{float:left;width:100%;margin:0 0 12px;padding:0;font-size:1.125rem;font-weight:700;line-height:1.35}
legend+*,.text>label+*{clear:both}
.req{font-weight:400;color:var(--muted);font-size:.9375rem;white-space:nowrap}
.hint{display:block;margin:2px 0 0;color:var(--muted);font-size:.9375rem;font-weight:400}
.opt{position:relative}
.opt input{position:absolute;top:50%;left:50%;width:1px;height:1px;margin:0;opacity:0}
.opt label{display:flex;align-items:center;gap:12px;min-height:52px;padding:10px 14px;border:2px solid var(--line);border-radius:12px;background:#fff;cursor:pointer;font-size:1.0625rem;line-height:1.3}
.opt input:checked+label{border-color:var(--accent);background:var(--sel);font-weight:600}
.opt input:focus-visible+label{outline:3px solid #f0b429;outline-offset:2px}
.list{display:grid;gap:8px}
.list label::before{content:"";flex:none;width:24px;height:24px;border:2px solid #57606a;border-radius:50%;background:#fff}
.list input:checked+label::before{border:7px solid var(--accent)}
.list.many label::before{border-radius:6px}
.list.many input:checked+label::before{border:2px solid var(--accent);background:var(--accent);box-shadow:inset 0 0 0 3px #fff}
.scale{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:5px}
.scale label{flex-direction:column;justify-content:center;gap:4px;min-height:72px;padding:8px 0;text-align:center;font-size:.6875rem;line-height:1.15;letter-spacing:-.01em}
.scale label b{font-size:1.625rem;line-height:1}
.scale.stars label{min-height:56px}
.v1 b{color:#b42318}.v2 b{color:#b93a0b}.v3 b{color:#7d5a00}.v4 b{color:#3d7520}.v5 b{color:#1e6b34}
textarea{display:block;width:100%;min-height:8.5rem;padding:12px;border:2px solid #57606a;border-radius:12px;font:inherit;font-size:1rem;color:var(--ink);resize:vertical}
textarea:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
button{display:block;width:100%;min-height:56px;margin:20px 0 0;border:0;border-radius:12px;background:var(--accent);color:#fff;font:inherit;font-size:1.125rem;font-weight:700;cursor:pointer}
button:focus-visible{outline:3px solid #f0b429;outline-offset:3px}
.msg{padding:28px 20px;border-radius:14px;background:#fff;text-align:center;box-shadow:0 1px 3px rgba(15,42,68,.12)}
.msg .mark{display:flex;align-items:center;justify-content:center;width:72px;height:72px;margin:0 auto 14px;border-radius:50%;background:#fdebe9;color:#8c1710;font-size:2.5rem;font-weight:700}
.msg.ok .mark{background:#e3f4e6;color:#1e6b34}
.msg h2{margin:0 0 10px;font-size:1.375rem;line-height:1.3}
.msg p{margin:0 0 8px}
.msg .quiet{color:var(--muted);font-size:1rem}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
)CSS";

std::string text(const LocalizedText& t, const std::string& lang) {
    if (auto it = t.find(lang); it != t.end() && !it->second.empty()) return it->second;
    return t.empty() ? std::string() : t.begin()->second;
}

// Index of a question in the form: 0 is the main question, 1.. the follow-ups.
std::optional<size_t> indexOf(const Questionnaire& q, const std::string& id) {
    if (q.main.id == id) return 0;
    for (size_t i = 0; i < q.questions.size(); ++i)
        if (q.questions[i].id == id) return i + 1;
    return std::nullopt;
}

const Question& questionAt(const Questionnaire& q, size_t index) { return index == 0 ? q.main : q.questions[index - 1]; }

// Input ids: "q<index>-r<rating>" for scales, "q<index>-o<option index>" for choices.
std::string optionInputId(const Questionnaire& q, size_t index, const std::string& option) {
    const Question& question = questionAt(q, index);
    if (question.type == QuestionType::YesNo) return "q" + std::to_string(index) + "-o" + option;
    const auto& options = question.type == QuestionType::Service ? q.services : question.options;
    for (size_t i = 0; i < options.size(); ++i)
        if (options[i].id == option) return "q" + std::to_string(index) + "-o" + std::to_string(i);
    return "";
}

// Selectors of which any one being :checked makes `c` hold, for question `before` (only
// questions before it count, as on the terminal). nullopt when CSS cannot say it (nested All).
std::optional<std::vector<std::string>> anyOf(const Questionnaire& q, const Condition& c, size_t before) {
    std::vector<std::string> out;
    auto ratings = [&](size_t index, int from, int to) {
        for (int r = std::max(from, 1); r <= std::min(to, 5); ++r) out.push_back("#q" + std::to_string(index) + "-r" + std::to_string(r) + ":checked");
    };
    switch (c.kind) {
        case Condition::Kind::AnyRatingAtMost:
            for (size_t i = 0; i < before; ++i)
                if (isScale(questionAt(q, i).type)) ratings(i, 1, c.number);
            return out;
        case Condition::Kind::AtMost:
        case Condition::Kind::AtLeast: {
            auto index = indexOf(q, c.question);
            if (!index) return out;
            if (c.kind == Condition::Kind::AtMost) ratings(*index, 1, c.number);
            else ratings(*index, c.number, 5);
            return out;
        }
        case Condition::Kind::Is: {
            auto index = indexOf(q, c.question);
            if (!index) return out;
            std::string id = optionInputId(q, *index, c.option);
            if (!id.empty()) out.push_back("#" + id + ":checked");
            return out;
        }
        case Condition::Kind::Any:
            for (const auto& child : c.children) {
                auto part = anyOf(q, child, before);
                if (!part) return std::nullopt;
                out.insert(out.end(), part->begin(), part->end());
            }
            return out;
        case Condition::Kind::All:
            if (c.children.size() == 1) return anyOf(q, c.children[0], before);
            return std::nullopt;
    }
    return std::nullopt;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
    return out;
}

// Hides follow-up #qN while no input that would make its show_if hold is checked. A browser
// without :has() drops these rules and shows every question.
std::string conditionalRules(const Questionnaire& q) {
    std::string css;
    for (size_t i = 0; i < q.questions.size(); ++i) {
        const Question& question = q.questions[i];
        if (!question.showIf) continue;
        std::string target = "#q" + std::to_string(i + 1);
        // All of several: hide when any one part fails.
        std::vector<Condition> parts = question.showIf->kind == Condition::Kind::All ? question.showIf->children
                                                                                      : std::vector<Condition>{*question.showIf};
        for (const auto& part : parts) {
            auto selectors = anyOf(q, part, i + 1);
            if (!selectors) return css;  // cannot express: leave it visible
            if (selectors->empty()) css += target + "{display:none}\n";
            else css += ".f:not(:has(" + join(*selectors) + ")) " + target + "{display:none}\n";
        }
    }
    return css;
}

std::string pageStart(const std::string& lang, const std::string& title, const std::string& css) {
    return "<!DOCTYPE html>\n<html lang=\"" + h(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light\">\n"
           "<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>" +
           h(title) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n";
}

// The header: language links (relative "?lang=xx", so they keep the token and any path
// prefix a proxy adds), the title and the centre.
std::string header(const Strings& s, const std::string& lang, const std::vector<std::string>& languages, const std::string& title,
                   const std::string& centre) {
    std::string out = "<header><div class=\"top\">\n";
    if (languages.size() > 1) {
        out += "<nav class=\"langs\" aria-label=\"" + h(s.get("phone.languages", lang)) + "\"><ul>";
        for (const auto& l : languages) {
            // The short name shown, the full one for screen readers; the accessible name holds both.
            out += "<li><a href=\"?lang=" + h(l) + "\" lang=\"" + h(l) + "\" hreflang=\"" + h(l) + "\"" +
                   (l == lang ? " aria-current=\"true\"" : "") + ">" + h(s.get("language.short", l)) + "<span class=\"sr\"> " +
                   h(s.get("language.name", l)) + "</span></a></li>";
        }
        out += "</ul></nav>\n";
    }
    out += "<h1>" + h(title) + "</h1>\n";
    if (!centre.empty()) out += "<p class=\"centre\">" + h(centre) + "</p>\n";
    out += "</div></header>\n";
    return out;
}

std::string choice(const std::string& type, const std::string& name, const std::string& id, const std::string& value, bool checked,
                   bool required, const std::string& labelHtml, const std::string& cls = "") {
    return "<div class=\"opt" + cls + "\"><input type=\"" + type + "\" name=\"" + h(name) + "\" id=\"" + id + "\" value=\"" + h(value) +
           "\"" + (checked ? " checked" : "") + (required ? " required" : "") + "><label for=\"" + id + "\">" + labelHtml + "</label></div>";
}

std::string questionHtml(const PhoneFormView& v, size_t index) {
    const Questionnaire& q = *v.questionnaire;
    const Question& question = questionAt(q, index);
    const Strings& s = *v.strings;
    const std::string& lang = v.language;
    std::string id = "q" + std::to_string(index);
    const Answer* previous = nullptr;
    if (auto it = v.previous.find(question.id); it != v.previous.end()) previous = &it->second;
    bool required = index == 0;
    std::string title = h(text(question.text, lang));
    if (required) title += " <span class=\"req\">(" + h(s.get("phone.required", lang)) + ")</span>";
    std::string hint = text(question.hint, lang);

    if (question.type == QuestionType::Text) {
        std::string out = "<div class=\"text\" id=\"" + id + "\"><label for=\"" + id + "-t\">" + title +
                          (hint.empty() ? "" : "<span class=\"hint\">" + h(hint) + "</span>") + "</label>";
        out += "<textarea id=\"" + id + "-t\" name=\"" + h(question.id) + "\" maxlength=\"" + std::to_string(question.maxLength) +
               "\" rows=\"4\">" + h(previous ? previous->text : "") + "</textarea></div>\n";
        return out;
    }
    bool scale = isScale(question.type);
    if (question.type == QuestionType::Stars && hint.empty()) hint = s.get("phone.stars_scale", lang);
    if (question.type == QuestionType::Multi && hint.empty()) hint = s.get("multi.hint", lang);
    std::string out = "<fieldset id=\"" + id + "\"><legend>" + title + (hint.empty() ? "" : "<span class=\"hint\">" + h(hint) + "</span>") +
                      "</legend>";
    if (scale) {
        bool faces = question.type == QuestionType::Faces;
        out += std::string("<div class=\"scale") + (faces ? "" : " stars") + "\">";
        for (int r = 1; r <= 5; ++r) {
            std::string caption;
            if (faces) caption = size_t(r - 1) < q.faceLabels.size() ? text(q.faceLabels[size_t(r - 1)], lang) : s.get("face." + std::to_string(r), lang);
            std::string label = "<b aria-hidden=\"true\">" + std::to_string(r) + "</b>";
            label += faces ? "<span class=\"sr\">" + std::to_string(r) + " — </span><span>" + h(caption) + "</span>"
                           : "<span class=\"sr\">" + h(s.format("phone.rating", lang, {{"n", std::to_string(r)}})) + "</span>";
            out += choice("radio", question.id, id + "-r" + std::to_string(r), std::to_string(r), previous && previous->rating == r, required,
                          label, " v" + std::to_string(r));
        }
        out += "</div>";
    } else {
        bool many = question.type == QuestionType::Multi;
        out += std::string("<div class=\"list") + (many ? " many" : "") + "\">";
        auto selected = [&](const std::string& option) {
            return previous && std::find(previous->selected.begin(), previous->selected.end(), option) != previous->selected.end();
        };
        if (question.type == QuestionType::YesNo) {
            for (const char* option : {"yes", "no"})
                out += choice("radio", question.id, optionInputId(q, index, option), option, selected(option), false,
                              h(s.get(std::string("answer.") + option, lang)));
        } else {
            const auto& options = question.type == QuestionType::Service ? q.services : question.options;
            for (const auto& o : options)
                out += choice(many ? "checkbox" : "radio", question.id, optionInputId(q, index, o.id), o.id, selected(o.id), false,
                              h(text(o.label, lang)));
        }
        out += "</div>";
    }
    out += "</fieldset>\n";
    return out;
}

}  // namespace

std::string phoneStylesheet() { return kStyle; }

PhonePage renderPhoneForm(const PhoneFormView& v) {
    const Strings& s = *v.strings;
    std::string css = std::string(kStyle) + conditionalRules(*v.questionnaire);
    std::string out = pageStart(v.language, s.get("phone.title", v.language), css);
    out += header(s, v.language, v.languages, s.get("phone.title", v.language), v.centre);
    out += "<main>\n";
    if (!v.errorKey.empty()) out += "<p class=\"error\" role=\"alert\">" + h(s.get(v.errorKey, v.language)) + "</p>\n";
    if (v.continuing) out += "<p class=\"note\">" + h(s.get("phone.continued", v.language)) + "</p>\n";
    else out += "<p class=\"intro\">" + h(s.get("phone.intro", v.language)) + "</p>\n";
    // A relative action: the same path (the token) with the language, behind any proxy prefix.
    out += "<form class=\"f\" method=\"post\" action=\"?lang=" + h(v.language) + "\">\n";
    for (const auto& [name, value] : v.hidden) out += "<input type=\"hidden\" name=\"" + h(name) + "\" value=\"" + h(value) + "\">\n";
    for (size_t i = 0; i <= v.questionnaire->questions.size(); ++i) out += questionHtml(v, i);
    out += "<button type=\"submit\">" + h(s.get("phone.submit", v.language)) + "</button>\n</form>\n</main>\n</body>\n</html>\n";
    return {std::move(out), contentSecurityPolicyFor(css)};
}

PhonePage renderPhoneMessage(const Strings& s, const std::string& lang, const std::vector<std::string>& languages,
                             const std::string& titleKey, const std::string& textKey, const std::string& extraKey, bool success) {
    std::string css = kStyle;
    std::string out = pageStart(lang, s.get(titleKey, lang), css);
    out += header(s, lang, languages, s.get("phone.title", lang), "");
    out += std::string("<main>\n<div class=\"msg") + (success ? " ok" : "") + "\"><div class=\"mark\" aria-hidden=\"true\">" +
           (success ? "✓" : "!") + "</div>\n<h2>" + h(s.get(titleKey, lang)) + "</h2>\n<p>" + h(s.get(textKey, lang)) + "</p>\n";
    if (!extraKey.empty()) out += "<p class=\"quiet\">" + h(s.get(extraKey, lang)) + "</p>\n";
    out += "</div>\n</main>\n</body>\n</html>\n";
    return {std::move(out), contentSecurityPolicyFor(css)};
}

}  // namespace otklik::hub
