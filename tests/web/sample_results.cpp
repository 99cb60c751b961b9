// hub_results_sample: writes the hub's HTML pages filled with realistic, made-up data, to look
// at them in a browser or screenshot them with page.js (no hub, no store needed):
//
//   hub_results_sample results > results.html   # four centres, five services, gaps, a revoked terminal
//   hub_results_sample centre  > centre.html    # the same, filtered to one centre
//   hub_results_sample empty   > empty.html     # a period with no responses
//   hub_results_sample login | login-error | error > page.html
//   hub_results_sample csp                       # the Content-Security-Policy the pages need
//
// The data are deterministic (fixed seed), so two runs give the same page.
#include <cstdio>
#include <iostream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "sync/hub/results.h"
#include "sync/hub/results_page.h"
#include "sync/protocol/questionnaire.h"

using namespace otklik;
using namespace otklik::hub;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1795334400000;  // 2026-11-22T08:00:00Z
constexpr int64_t kMin = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMin;

struct CentreSpec {
    const char* name;
    const char* terminals[2];
    double mood;  // shifts ratings: > 0 happier
    int responses;
};

const CentreSpec kCentres[] = {
    {"МФЦ Владивосток, Первомайский район", {"mfc-vlad-01", "mfc-vlad-02"}, 0.4, 320},
    {"Центр занятости населения Находки", {"czn-nakhodka-01", "czn-nakhodka-02"}, -0.6, 180},
    {"ЦНАП Київ, Оболонь", {"cnap-kyiv-obolon-1", "cnap-kyiv-obolon-2"}, 0.1, 240},
    {"Поликлиника № 3, Уссурийск", {"poly3-ussuriysk-01", "poly3-ussuriysk-02"}, -0.2, 90},
};

const char* kServices[] = {"job_search", "career_guidance", "medical_checkup", "school_meals", "documents"};
const char* kCriteria[] = {"waiting_time", "service_time", "staff", "premises", "information"};
const char* kReasons[] = {"waited_long", "no_seats", "crowded", "temperature", "staff_impolite", "service_not_received", "no_information", "other"};
const char* kComments[] = {
    "Очередь двигалась очень медленно, работало одно окно из четырёх.",
    "Спасибо Ирине Петровне за терпение и подробные объяснения!",
    "Негде сесть, пожилые люди стоят по 40 минут.",
    "Дуже зручно, все зробили за 10 хвилин. Дякую!",
    "В зале душно, кондиционер не работает.",
    "<script>alert('xss')</script> — проверка, извините",
    "Не смогли оформить документы: «система не работает», приходите завтра.",
    "Хотілося б більше інформації на стендах українською.",
};

int rating(std::mt19937& rng, double mood) {
    std::normal_distribution<double> d(3.9 + mood, 1.1);
    int r = int(std::lround(d(rng)));
    return std::clamp(r, 1, 5);
}

Results sampleResults(const Questionnaire& q, const std::string& centreFilter, bool empty) {
    std::mt19937 rng(20261122);
    std::uniform_real_distribution<double> u(0, 1);
    ResultsOptions options;
    options.questionnaire = &q;
    options.sinceMs = kNow - 30 * kDay;
    options.nowMs = kNow;
    options.centreFilter = centreFilter;
    ResultsBuilder builder(options);
    std::vector<Terminal> terminals;
    int64_t idCounter = 0;
    for (const auto& c : kCentres) {
        int64_t seqs[2] = {0, 0};
        for (int i = 0; i < c.responses && !empty; ++i) {
            int t = u(rng) < 0.6 ? 0 : 1;
            int64_t seq = ++seqs[t];
            int overall = rating(rng, c.mood);
            json answers = {{"overall", overall}};
            std::string service;
            if (u(rng) < 0.85) {
                // Centres lean towards some services.
                size_t k = size_t(std::min(4.0, std::floor(std::pow(u(rng), 1.6) * 5)));
                service = kServices[(k + (&c - kCentres)) % 5];
                answers["service"] = {service};
            }
            bool partial = u(rng) < 0.07;
            if (!partial) {
                for (const char* criterion : kCriteria)
                    if (u(rng) < 0.62) answers[criterion] = std::clamp(overall + int(std::lround((u(rng) - 0.5) * 2.2)), 1, 5);
                bool low = overall <= 2;
                for (const auto& [k, v] : answers.items())
                    if (v.is_number() && v.get<int>() <= 2) low = true;
                if (low && u(rng) < 0.8) {
                    json picked = json::array();
                    for (const char* reason : kReasons)
                        if (u(rng) < (std::string(reason) == "waited_long" ? 0.55 : std::string(reason) == "no_seats" ? 0.35 : 0.14))
                            picked.push_back(reason);
                    if (picked.empty()) picked.push_back("other");
                    answers["reasons"] = picked;
                }
                if (u(rng) < 0.09) answers["comment"] = kComments[size_t(u(rng) * 8) % 8];
            }
            StoredRow row;
            row.id = "019ab1c2-0000-7000-8000-" + std::to_string(100000000000 + ++idCounter);
            row.terminalId = c.terminals[t];
            row.centre = c.name;
            row.seq = seq;
            row.service = service;
            row.channel = u(rng) < 0.12 ? "qr" : "touch";
            row.status = partial ? "partial" : "complete";
            row.completedAtMs = kNow - int64_t(u(rng) * 29 * kDay);
            row.receivedAtMs = row.completedAtMs + 2000;
            json body{{"id", row.id}, {"seq", seq}, {"terminal_id", row.terminalId}, {"questionnaire_id", "default"},
                      {"questionnaire_version", q.version}, {"service", service}, {"channel", row.channel}, {"language", "ru"},
                      {"started_at_ms", row.completedAtMs - 40000}, {"completed_at_ms", row.completedAtMs}, {"status", row.status},
                      {"presses", 1}, {"flags", u(rng) < 0.03 ? json{"repeated"} : json::array()}, {"answers", answers}};
            body["comment"] = answers.contains("comment") ? answers["comment"] : json("");
            row.body = body.dump();
            if (centreFilter.empty() || centreFilter == c.name) builder.add(row);
        }
        for (int t = 0; t < 2; ++t) {
            Terminal term;
            term.id = c.terminals[t];
            term.centre = c.name;
            term.createdAtMs = kNow - 90 * kDay;
            term.lastSeenMs = kNow - (2 + 3 * t) * kMin;
            term.clockOffsetMs = 180 + 40 * t;
            term.highWaterSeq = seqs[t];
            term.maxSeq = seqs[t];
            term.reportedUnsent = 0;
            term.reportedOldestUnsentS = 0;
            term.reportedFreeDiskBytes = int64_t(11) << 30;
            term.version = "0.1.0";
            terminals.push_back(term);
        }
    }
    // The troubles an analyst should notice.
    auto find = [&](const std::string& id) -> Terminal& {
        for (auto& t : terminals)
            if (t.id == id) return t;
        throw std::logic_error("no terminal " + id);
    };
    Terminal& lossy = find("czn-nakhodka-01");  // lost three responses in the middle
    lossy.highWaterSeq = std::max<int64_t>(lossy.maxSeq - 40, 0);
    lossy.reportedUnsent = 14;
    lossy.reportedOldestUnsentS = 3 * 3600 + 600;
    Terminal& silent = find("poly3-ussuriysk-02");  // unplugged since yesterday
    silent.lastSeenMs = kNow - 26 * 60 * kMin;
    silent.clockOffsetMs = -7 * 60 * 1000 - 12000;
    silent.reportedFreeDiskBytes = int64_t(150) << 20;
    Terminal& revoked = find("cnap-kyiv-obolon-2");  // stolen tablet
    revoked.revokedAtMs = kNow - 6 * kDay;
    revoked.lastSeenMs = kNow - 6 * kDay - 30 * kMin;
    Terminal& refusing = find("mfc-vlad-02");
    refusing.configError = "questions[6].options[2].label.uk: missing. Fix: add the Ukrainian label";
    refusing.reportedUnsent = 3;
    refusing.reportedOldestUnsentS = 95;
    Terminal fresh;  // enrolled, never connected
    fresh.id = "school-42-office";
    fresh.centre = "Школа № 42, Артём";
    terminals.push_back(fresh);

    auto missing = [&](const std::string& id) -> std::vector<int64_t> {
        if (id != "czn-nakhodka-01") return {};
        int64_t hw = find(id).highWaterSeq;
        return {hw + 1, hw + 2, hw + 17};
    };
    return builder.finish(terminals, missing);
}

}  // namespace

int main(int argc, char** argv) {
    std::string what = argc > 1 ? argv[1] : "results";
    if (what == "csp") std::cout << contentSecurityPolicy() << "\n";
    else if (what == "login") std::cout << renderLoginPage("");
    else if (what == "login-error") std::cout << renderLoginPage("That token is not the admin token. Check it and try again.");
    else if (what == "error") std::cout << renderErrorPage(400, "“since” must be a date such as 2026-11-01", "Pick the date in the form, or fix the address.");
    else if (what == "results" || what == "centre" || what == "empty") {
        auto load = loadQuestionnaire(std::string(OTKLIK_SOURCE_DIR) + "/assets/questionnaires/default.json");
        if (!load.questionnaire) {
            std::cerr << "hub_results_sample: cannot load the default questionnaire\n";
            return 1;
        }
        std::string centre = what == "centre" ? kCentres[0].name : "";
        Results r = sampleResults(*load.questionnaire, centre, what == "empty");
        ResultsPageOptions page;
        for (const auto& c : kCentres) page.centres.push_back(c.name);
        page.centres.push_back("Школа № 42, Артём");
        std::cout << renderResultsPage(r, page);
    } else {
        std::cerr << "usage: hub_results_sample results|centre|empty|login|login-error|error|csp\n";
        return 2;
    }
    return 0;
}
