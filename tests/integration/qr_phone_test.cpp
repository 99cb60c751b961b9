// Issue 6 end to end: the real kiosk, headless, shows its signed QR code; zbarimg reads it off
// the screenshot; headless Chromium opens the URL as a phone, fills in the form and submits;
// the real hub's export holds the answer with channel "qr" for that terminal. The same URL
// again, a token with one character changed and a token older than the window are refused,
// and nothing more is stored.
//
// The phone form this drives (sync/hub/phone_page.cpp): GET /Q/<token> gives a form whose
// fields are named after the questionnaire's questions (radio "overall" 1-5, textarea
// "comment") and a submit button; POST stores the answer and consumes the token; a used
// token gives 410.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sync/protocol/qr_token.h"
#include "tests/integration/hub_process.h"

namespace otklik::test {
namespace {

using json = nlohmann::json;

const char* kTerminal = "kiosk-qr-01";
const char* kCentre = "МФЦ Владивосток";

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

class QrPhone : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        dir = freshDirForThisTest();
        db = testStore(GetParam(), dir);
        terminal = enrol(db, kTerminal, kCentre);
        ASSERT_EQ(terminal.qrSecret.size(), 43u) << "terminal add prints a qr_secret";
        ASSERT_EQ(hubCommand(db, {"questionnaire", "set", "--centre", kCentre, OTKLIK_SOURCE_DIR "/assets/questionnaires/default.json"}).exitCode, 0);
        hub = std::make_unique<HubProcess>(db, dir, std::vector<std::string>{"--rate-limit", "0"});
    }

    // The kiosk's idle screen with this terminal's config; returns the screenshot's path.
    std::string kioskScreenshot() {
        std::string config = dir + "/kiosk.toml";
        std::ofstream(config) << "terminal_id = \"" << kTerminal << "\"\n"
                              << "assets_dir = \"" OTKLIK_SOURCE_DIR "/assets\"\n"
                              << "data_dir = \"" << dir << "/kiosk-data\"\n"
                              << "[hub]\nurl = \"" << hub->url("") << "\"\ntoken = \"" << terminal.token << "\"\n"
                              << "qr_secret = \"" << terminal.qrSecret << "\"\nca_file = \"" << hub->pki().caCert << "\"\n"
                              << "start_delay_max_s = 0\n";
        std::string shot = dir + "/idle.png", script = dir + "/script.txt";
        std::ofstream(script) << "shot " << shot << "\n";
        CommandResult run = runProgram({OTKLIK_KIOSK_BINARY, "--headless", "--config", config, "--script", script});
        EXPECT_EQ(run.exitCode, 0) << run.err;
        return shot;
    }

    // Headless Chromium as a phone: opens `url`, and with `submit` picks 5, writes a comment and
    // sends the form. Returns page.js's report (status of the last page, its text in "text").
    json phone(const std::string& url, bool submit, const std::string& name) {
        std::vector<std::string> argv = {"/usr/bin/node", OTKLIK_SOURCE_DIR "/tests/web/page.js", "--url", url, "--ca-cert",
                                         hub->pki().caCert, "--width", "390", "--height", "844",
                                         "--screenshot", dir + "/" + name + ".png", "--text", dir + "/" + name + ".txt"};
        if (submit)
            for (const char* a : {"--click", "input[name=\"overall\"][value=\"5\"]", "--fill", "textarea[name=\"comment\"]=Всё быстро, спасибо",
                                  "--submit", "form button[type=\"submit\"]"})
                argv.emplace_back(a);
        CommandResult run = runProgram(argv);
        EXPECT_EQ(run.exitCode, 0) << "headless Chromium failed on " << url << ": " << run.out << run.err;
        json report = json::parse(run.out.substr(std::min(run.out.find('{'), run.out.size())), nullptr, false);
        if (report.is_discarded()) report = json::object();
        std::ifstream text(dir + "/" + name + ".txt");
        report["text"] = std::string(std::istreambuf_iterator<char>(text), {});
        return report;
    }

    // A POST of the form straight to the hub, as a replaying script would send it.
    int post(const std::string& token) {
        auto client = hub->client();
        HttpRequest request;
        request.method = "POST";
        request.url = hub->url("/Q/" + token);
        request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        request.body = "overall=1";
        return client.send(request).status;
    }

    std::vector<json> qrAnswers() {
        std::vector<json> out;
        for (const auto& row : hubExport(db))
            if (row["channel"] == "qr") out.push_back(row);
        return out;
    }

    std::string dir, db;
    Enrolled terminal;
    std::unique_ptr<HubProcess> hub;
};

TEST_P(QrPhone, ScreenshotToPhoneToExportAndEveryReplayOrForgeryIsRefused) {
    std::string url = trimmed(runProgram({"/usr/bin/zbarimg", "--quiet", "--raw", kioskScreenshot()}).out);
    std::string prefix = "HTTPS://127.0.0.1:" + std::to_string(hub->port()) + "/Q/";
    ASSERT_EQ(url.rfind(prefix, 0), 0u) << "zbarimg read: " << url;
    std::string token = url.substr(prefix.size());

    json sent = phone(url, true, "submitted");
    EXPECT_EQ(sent["status"], 200) << sent.dump();
    std::vector<json> answers = qrAnswers();
    ASSERT_EQ(answers.size(), 1u) << "the phone's answer reached the hub's export; page: " << sent.dump();
    EXPECT_EQ(answers[0]["terminal_id"], kTerminal);
    EXPECT_EQ(answers[0]["centre"], kCentre);
    EXPECT_EQ(answers[0]["answers"]["overall"], 5);
    EXPECT_EQ(answers[0]["comment"], "Всё быстро, спасибо");

    // The same URL again: the phone is told so, and a replayed POST stores nothing.
    json again = phone(url, false, "again");
    EXPECT_EQ(again["status"], 410) << again.dump();
    EXPECT_EQ(post(token), 410);

    // One character changed, at every kind of place: refused before anything else.
    for (size_t at : {size_t{0}, token.size() / 2, token.size() - 2}) {
        std::string forged = token;
        forged[at] = forged[at] == 'A' ? 'B' : 'A';
        json page = phone(prefix + forged, false, "forged-" + std::to_string(at));
        EXPECT_GE(page["status"].get<int>(), 400) << at << ": " << page.dump();
        EXPECT_LT(page["status"].get<int>(), 500) << at << ": " << page.dump();
        int status = post(forged);
        EXPECT_GE(status, 400) << at;
        EXPECT_LT(status, 500) << at;
    }

    // Genuine, but issued 16 minutes ago: beyond the hub's 15-minute window (plus its slack).
    QrToken old = newQrToken(kTerminal, static_cast<int64_t>(std::time(nullptr)) - 16 * 60 - 61);
    std::string oldToken = makeQrToken(terminal.qrSecret, old);
    json expired = phone(prefix + oldToken, false, "expired");
    EXPECT_GE(expired["status"].get<int>(), 400) << expired.dump();
    EXPECT_LT(expired["status"].get<int>(), 500) << expired.dump();
    int status = post(oldToken);
    EXPECT_GE(status, 400);
    EXPECT_LT(status, 500);

    EXPECT_EQ(qrAnswers().size(), 1u) << "nothing more was stored";
}

INSTANTIATE_TEST_SUITE_P(Stores, QrPhone, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace otklik::test
