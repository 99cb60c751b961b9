// The phone form behind the QR code on the real hub over HTTPS: a genuine token opens the
// form and lands one response with channel qr; replayed, altered, expired, malformed, unknown
// and revoked tokens get a friendly page in the visitor's language and store nothing; headless
// Chromium fills and submits the form, and axe-core finds no serious accessibility problem.
#include <chrono>
#include <thread>
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync/protocol/qr_token.h"
#include "tests/integration/hub_process.h"

namespace otklik::test {
namespace {

using json = nlohmann::json;

constexpr const char* kCentre = "МФЦ Владивосток";

int64_t nowS() { return static_cast<int64_t>(std::time(nullptr)); }

class HubPhone : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        dir = freshDirForThisTest();
        db = testStore(GetParam(), dir);
        Enrolled e = enrol(db, "mfc-01", kCentre);
        token = e.token;
        qrSecret = e.qrSecret;
        hub = std::make_unique<HubProcess>(db, dir);
    }

    std::string qrToken(int64_t issuedAtS, std::optional<std::string> responseId = std::nullopt, const std::string& terminal = "mfc-01") {
        return makeQrToken(qrSecret, newQrToken(terminal, issuedAtS, std::move(responseId)));
    }

    HttpResult get(const std::string& path, const std::string& acceptLanguage = "") {
        auto client = hub->client();
        otklik::HttpRequest request;
        request.url = hub->url(path);
        if (!acceptLanguage.empty()) request.headers.emplace_back("Accept-Language", acceptLanguage);
        return client.send(request);
    }

    HttpResult post(const std::string& path, const std::string& body, const std::string& acceptLanguage = "") {
        auto client = hub->client();
        otklik::HttpRequest request;
        request.method = "POST";
        request.url = hub->url(path);
        request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        if (!acceptLanguage.empty()) request.headers.emplace_back("Accept-Language", acceptLanguage);
        request.body = body;
        return client.send(request);
    }

    // `node tests/web/page.js ARGS` at phone size; its JSON answer.
    json chromium(const std::string& path, const std::string& args) {
        std::string command = "node " OTKLIK_SOURCE_DIR "/tests/web/page.js --url '" + hub->url(path) + "' --ca-cert " + hub->pki().caCert +
                              " --width 390 --height 844 " + args + " 2>&1";
        std::string output;
        FILE* pipe = ::popen(command.c_str(), "r");
        EXPECT_NE(pipe, nullptr);
        if (!pipe) return json();
        char buffer[4096];
        for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
        int rc = ::pclose(pipe);
        EXPECT_EQ(rc, 0) << "headless Chromium could not load the page (run ./packaging/install-deps.sh): " << output;
        size_t brace = output.find('{');
        return brace == std::string::npos ? json() : json::parse(output.substr(brace), nullptr, false);
    }

    std::string dir, db, token, qrSecret;
    std::unique_ptr<HubProcess> hub;
};

// A refusal: the status and a page (not JSON) in the language asked for.
void expectRefusal(const HttpResult& reply, int status, const std::string& lang, const std::string& what) {
    EXPECT_EQ(reply.status, status) << what << "\n" << reply.body.substr(0, 300);
    EXPECT_EQ(reply.header("content-type").value_or(""), "text/html; charset=utf-8") << what;
    EXPECT_NE(reply.body.find("<html lang=\"" + lang + "\""), std::string::npos) << what;
    EXPECT_NE(reply.body.find("<h2>"), std::string::npos) << what;
}

TEST_P(HubPhone, AGenuineTokenOpensTheFormAndStoresOneQrResponse) {
    std::string t = qrToken(nowS());
    HttpResult form = get("/Q/" + t, "uk-UA,uk;q=0.9,en;q=0.5");
    ASSERT_EQ(form.status, 200) << form.body.substr(0, 400);
    EXPECT_NE(form.body.find("<html lang=\"uk\""), std::string::npos) << "Accept-Language picks Ukrainian";
    EXPECT_NE(form.body.find(kCentre), std::string::npos);
    EXPECT_EQ(form.body.find("<script"), std::string::npos);
    EXPECT_LT(form.body.size(), 50u * 1024) << "the phone form must stay under 50 KB";
    EXPECT_TRUE(form.header("content-security-policy"));
    EXPECT_EQ(get("/q/" + t + "?lang=en").status, 200) << "lower-case /q/ for a URL typed by hand";
    EXPECT_NE(get("/Q/" + t + "?lang=en", "ru").body.find("<html lang=\"en\""), std::string::npos) << "?lang= beats Accept-Language";
    EXPECT_TRUE(hubExport(db).empty()) << "opening the form stores nothing";

    HttpResult thanks = post("/Q/" + t + "?lang=uk", "overall=2&service=documents&waiting_time=1&reasons=no_seats&reasons=crowded&comment=%D0%94%D1%83%D0%B6%D0%B5+%D0%B4%D0%BE%D0%B2%D0%B3%D0%BE");
    ASSERT_EQ(thanks.status, 200) << thanks.body.substr(0, 400);
    EXPECT_NE(thanks.body.find("Дякуємо"), std::string::npos);

    auto rows = hubExport(db);
    ASSERT_EQ(rows.size(), 1u);
    const json& r = rows[0];
    EXPECT_EQ(r["channel"], "qr");
    EXPECT_EQ(r["terminal_id"], "mfc-01");
    EXPECT_EQ(r["centre"], kCentre);
    EXPECT_EQ(r["service"], "documents");
    EXPECT_EQ(r["language"], "uk");
    EXPECT_EQ(r["status"], "complete");
    EXPECT_TRUE(r["seq"].is_null()) << "phone responses are outside the terminal's seq";
    EXPECT_TRUE(r["continues"].is_null());
    EXPECT_EQ(r["questionnaire_id"], "default") << "no questionnaire assigned: the assets' default";
    EXPECT_EQ(r["answers"]["overall"], 2);
    EXPECT_EQ(r["answers"]["waiting_time"], 1);
    EXPECT_EQ(r["answers"]["reasons"], json::array({"no_seats", "crowded"}));
    EXPECT_EQ(r["answers"]["comment"], "Дуже довго");

    // The same submit again, and the form again: used.
    expectRefusal(post("/Q/" + t + "?lang=ru", "overall=5"), 410, "ru", "replayed POST");
    EXPECT_EQ(hubExport(db).size(), 1u) << "a replay stored a second response";
    HttpResult reopened = get("/Q/" + t, "en");
    EXPECT_EQ(reopened.status, 410);
    EXPECT_NE(reopened.body.find("already been sent"), std::string::npos);

    // The terminal's own numbering is untouched by the phone's response.
    CommandResult list = hubCommand(db, {"terminal", "list", "--json"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    json terminal = json::parse(list.out.substr(0, list.out.find('\n')));
    EXPECT_EQ(terminal["high_water_seq"], 0) << list.out;
}

TEST_P(HubPhone, EveryBadTokenGetsAFriendlyPageInTheVisitorsLanguageAndStoresNothing) {
    std::string good = qrToken(nowS());
    std::string altered = good;
    altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
    struct Case {
        std::string what, token;
        int status;
        std::string lang, accept;
    };
    std::vector<Case> cases = {
        {"one character changed", altered, 403, "en", "en-GB,en;q=0.9"},
        {"older than the window and the form's lifetime", qrToken(nowS() - 50 * 60), 410, "uk", "uk"},
        {"malformed", "NOT-A-TOKEN", 400, "ru", "ru-RU"},
        {"lower-cased", [&] {
             std::string lower = good;
             for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
             return lower;
         }(), 400, "en", "en"},
        {"unknown terminal", qrToken(nowS(), std::nullopt, "mfc-99"), 403, "uk", "uk-UA"},
    };
    for (const auto& c : cases) {
        expectRefusal(get("/Q/" + c.token, c.accept), c.status, c.lang, "GET, " + c.what);
        expectRefusal(post("/Q/" + c.token, "overall=5", c.accept), c.status, c.lang, "POST, " + c.what);
        EXPECT_TRUE(hubExport(db).empty()) << c.what << ": a refused token stored something";
    }
}

// The value of a hidden field in a form page ("" if absent).
std::string hiddenField(const std::string& html, const std::string& name) {
    std::string marker = "name=\"" + name + "\" value=\"";
    size_t at = html.find(marker);
    if (at == std::string::npos) return "";
    at += marker.size();
    return html.substr(at, html.find('"', at) - at);
}

TEST_P(HubPhone, ExpiryAllowsTheFormLifetimeOnSubmitAndARevokedTerminalIsRefused) {
    // Opened within the 15-minute window (+60 s skew), sent after it: the form's signed opening
    // time lets a slow typist through.
    std::string slow = qrToken(nowS() - 900 - 60 + 2);
    HttpResult form = get("/Q/" + slow);
    ASSERT_EQ(form.status, 200);
    std::string opened = hiddenField(form.body, "opened"), signature = hiddenField(form.body, "opened_sig");
    ASSERT_FALSE(opened.empty());
    ASSERT_FALSE(signature.empty());
    std::this_thread::sleep_for(std::chrono::seconds(4));
    EXPECT_EQ(get("/Q/" + slow).status, 410) << "past the window now";
    std::string stamp = "&opened=" + opened + "&opened_sig=" + signature;
    EXPECT_EQ(post("/Q/" + slow, "overall=4" + stamp).status, 200);
    EXPECT_EQ(hubExport(db).size(), 1u);

    // Past the window and never opened in time (a replay from home): refused on submit too,
    // with no stamp, a stamp of another token, or a forged one.
    std::string old = qrToken(nowS() - 20 * 60);
    expectRefusal(post("/Q/" + old + "?lang=ru", "overall=4"), 410, "ru", "POST of a token past the window, no form opened");
    expectRefusal(post("/Q/" + old + "?lang=ru", "overall=4" + stamp), 410, "ru", "POST with another token's stamp");
    expectRefusal(post("/Q/" + old + "?lang=ru", "overall=4&opened=" + opened + "&opened_sig=AAAA"), 410, "ru", "POST with a forged stamp");
    EXPECT_EQ(hubExport(db).size(), 1u);

    ASSERT_EQ(hubCommand(db, {"terminal", "revoke", "mfc-01"}).exitCode, 0);
    std::string t = qrToken(nowS());
    EXPECT_EQ(get("/Q/" + t + "?lang=en").status, 403);
    EXPECT_EQ(post("/Q/" + t + "?lang=en", "overall=4").status, 403);
    EXPECT_EQ(hubExport(db).size(), 1u);
}

TEST_P(HubPhone, TheTerminalsKnownClockOffsetIsAllowedFor) {
    // The terminal's clock is two hours slow; its heartbeat told the hub so.
    int64_t terminalNowMs = (nowS() - 2 * 3600) * 1000;
    auto client = hub->client();
    HttpResult beat = postJson(client, hub->url("/api/v1/heartbeat"), token,
                               json{{"unsent", 0}, {"terminal_time_ms", terminalNowMs}}.dump());
    ASSERT_EQ(beat.status, 200) << beat.body;
    EXPECT_EQ(get("/Q/" + qrToken(terminalNowMs / 1000)).status, 200) << "a token made on the slow clock just now";
    EXPECT_EQ(get("/Q/" + qrToken(nowS())).status, 403) << "two hours ahead of the terminal's clock: from the future";
}

TEST_P(HubPhone, AMissingMainAnswerShowsTheFormAgainAndKeepsTheToken) {
    std::string t = qrToken(nowS());
    HttpResult again = post("/Q/" + t + "?lang=en", "service=job_search");
    EXPECT_EQ(again.status, 422);
    EXPECT_NE(again.body.find("role=\"alert\""), std::string::npos);
    EXPECT_NE(again.body.find("value=\"job_search\" checked"), std::string::npos) << "what was chosen is kept";
    EXPECT_TRUE(hubExport(db).empty());
    EXPECT_EQ(post("/Q/" + t + "?lang=en", "overall=3&service=job_search").status, 200);
    EXPECT_EQ(hubExport(db).size(), 1u);
}

TEST_P(HubPhone, AContinuationNamesTheTerminalResponseAndUsesTheAssignedQuestionnaire) {
    ASSERT_EQ(hubCommand(db, {"questionnaire", "set", "--centre", kCentre, OTKLIK_SOURCE_DIR "/assets/questionnaires/default.json"}).exitCode, 0);
    std::string open = "01a20246-7804-7af1-b529-70811271dc04";
    std::string t = qrToken(nowS(), open);
    HttpResult form = get("/Q/" + t + "?lang=ru");
    ASSERT_EQ(form.status, 200);
    EXPECT_NE(form.body.find("class=\"note\""), std::string::npos) << "the form says it continues the terminal's response";
    ASSERT_EQ(post("/Q/" + t, "overall=4&comment=ok").status, 200);
    auto rows = hubExport(db);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["continues"], open);
}

TEST_P(HubPhone, ChromiumFillsAndSubmitsTheForm) {
    // The page is the same whatever the store; the store's side runs on both in the cases above.
    if (GetParam() != std::string("sqlite")) GTEST_SKIP() << "browser checks run once, on SQLite";
    std::string t = qrToken(nowS());
    std::string shot = dir + "/thanks.png";
    json result = chromium("/Q/" + t + "?lang=ru",
                           "--click 'label[for=q0-r4]' --click 'label[for=q1-o1]' --fill 'textarea=Всё хорошо' --submit 'button[type=submit]' "
                           "--screenshot " + shot);
    EXPECT_EQ(result["status"], 200) << result.dump();
    EXPECT_EQ(result["title"], "Спасибо!") << result.dump();
    EXPECT_TRUE(result["console"].empty()) << "CSP violations or errors: " << result["console"].dump();
    auto rows = hubExport(db);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["channel"], "qr");
    EXPECT_EQ(rows[0]["terminal_id"], "mfc-01");
    EXPECT_EQ(rows[0]["service"], "career_guidance");
    EXPECT_EQ(rows[0]["answers"]["overall"], 4);
    EXPECT_EQ(rows[0]["answers"]["comment"], "Всё хорошо");
    // The same page submitted again (a back button and resend) is refused.
    json again = chromium("/Q/" + t + "?lang=ru", "");
    EXPECT_EQ(again["status"], 410);
    EXPECT_EQ(hubExport(db).size(), 1u);
}

TEST_P(HubPhone, AxeFindsNoSeriousProblemInAnyLanguage) {
    // The page is the same whatever the store; the store's side runs on both in the cases above.
    if (GetParam() != std::string("sqlite")) GTEST_SKIP() << "browser checks run once, on SQLite";
    std::string t = qrToken(nowS());
    for (const char* lang : {"ru", "uk", "en"}) {
        std::string shot = dir + "/form-" + lang + ".png";
        json result = chromium("/Q/" + t + "?lang=" + lang, std::string("--axe --screenshot ") + shot);
        ASSERT_EQ(result["status"], 200) << result.dump();
        ASSERT_TRUE(result["axe"].is_array()) << result.dump();
        for (const auto& v : result["axe"]) {
            EXPECT_TRUE(v["impact"] != "serious" && v["impact"] != "critical") << lang << ": " << v.dump();
        }
        EXPECT_TRUE(result["console"].empty()) << result["console"].dump();
    }
    json refused = chromium("/Q/" + qrToken(nowS() - 3600) + "?lang=uk", "--axe --screenshot " + dir + "/expired-uk.png");
    EXPECT_EQ(refused["status"], 410);
    for (const auto& v : refused["axe"]) EXPECT_TRUE(v["impact"] != "serious" && v["impact"] != "critical") << v.dump();
}

INSTANTIATE_TEST_SUITE_P(Stores, HubPhone, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace otklik::test
