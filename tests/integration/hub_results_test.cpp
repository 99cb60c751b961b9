// The admin's results page on the real hub: sign-in, and the page as headless Chromium shows
// it (phone size), with its numbers checked against `otklik-hub export`.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/integration/hub_process.h"
#include "tests/support/postgres_server.h"

namespace otklik::test {
namespace {

using json = nlohmann::json;

std::string fixed2(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

class HubResults : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        dir = freshDirForThisTest();
        db = testStore(GetParam(), dir);
        terminals = {{"mfc-01", enrol(db, "mfc-01", "МФЦ Владивосток").token}, {"cnap-07", enrol(db, "cnap-07", "ЦНАП Київ").token}};
        ASSERT_EQ(hubCommand(db, {"questionnaire", "set", "--centre", "МФЦ Владивосток", OTKLIK_SOURCE_DIR "/assets/questionnaires/default.json"})
                      .exitCode,
                  0);
        hub = std::make_unique<HubProcess>(db, dir, std::vector<std::string>{"--rate-limit", "0"});
    }

    // Sends `count` responses from a terminal with ratings from `ratings` in turn.
    void send(const std::string& id, int count, const std::vector<int>& ratings) {
        auto client = hub->client();
        json items = json::array();
        int64_t now = std::time(nullptr) * int64_t{1000};
        for (int seq = 1; seq <= count; ++seq) {
            Response r;
            r.id = newUuidV7(now - seq);
            r.seq = seq;
            r.terminalId = id;
            r.questionnaireId = "default";
            r.questionnaireVersion = "1";
            r.service = seq % 2 ? "job_search" : "documents";
            r.language = "ru";
            r.startedAtMs = now - 3600000 + seq;
            r.completedAtMs = r.startedAtMs + 30000;
            r.answers["overall"].rating = ratings[static_cast<size_t>(seq) % ratings.size()];
            items.push_back(toJson(r));
        }
        HttpResult reply = postJson(client, hub->url("/api/v1/responses:batch"), terminals[id], json{{"responses", items}}.dump());
        ASSERT_EQ(reply.status, 200) << reply.body;
    }

    std::string dir, db;
    std::map<std::string, std::string> terminals;
    std::unique_ptr<HubProcess> hub;
};

TEST_P(HubResults, SignInIsRequiredAndGivesASecureCookie) {
    auto client = hub->client();
    HttpResult anonymous = getWithToken(client, hub->url("/results"), "");
    EXPECT_EQ(anonymous.status, 303);
    EXPECT_EQ(anonymous.header("location"), "/login");
    EXPECT_EQ(getWithToken(client, hub->url("/results"), "otk_wrong").status, 303);

    otklik::HttpRequest login;
    login.method = "POST";
    login.url = hub->url("/login");
    login.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    login.body = "token=adm_wrong";
    EXPECT_EQ(client.send(login).status, 401);
    login.body = "token=" + hub->adminToken();
    HttpResult ok = client.send(login);
    ASSERT_EQ(ok.status, 303);
    auto cookie = ok.header("set-cookie");
    ASSERT_TRUE(cookie);
    for (const char* attribute : {"HttpOnly", "Secure", "SameSite=Strict"}) EXPECT_NE(cookie->find(attribute), std::string::npos) << *cookie;

    HttpResult page = getWithToken(client, hub->url("/results"), hub->adminToken());
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(page.header("content-security-policy"));
    EXPECT_EQ(page.body.find("<script"), std::string::npos);
}

TEST_P(HubResults, ChromiumShowsTheSameNumbersAsTheExport) {
    send("mfc-01", 37, {5, 4, 4, 2, 5, 3});
    send("cnap-07", 23, {1, 3, 5});
    // What the export says, per centre: count and mean of the main question.
    CommandResult exported = hubCommand(db, {"export", "--format", "jsonl"});
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    std::map<std::string, std::pair<int, int>> byCentre;  // centre -> (count, sum of ratings)
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);) {
        json row = json::parse(line);
        auto& [count, sum] = byCentre[row["centre"]];
        ++count;
        sum += row["answers"]["overall"].get<int>();
    }
    ASSERT_EQ(byCentre.size(), 2u);

    std::string shot = dir + "/results-phone.png", text = dir + "/results.txt";
    std::string command = "node " OTKLIK_SOURCE_DIR "/tests/web/page.js --url '" + hub->url("/results") + "' --cookie otklik_admin=" +
                          hub->adminToken() + " --ca-cert " + hub->pki().caCert + " --width 390 --height 844 --screenshot " + shot +
                          " --text " + text + " 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    ASSERT_EQ(::pclose(pipe), 0) << "headless Chromium could not load the page (run ./packaging/install-deps.sh): " << output;
    json status = json::parse(output.substr(output.find('{')), nullptr, false);
    EXPECT_EQ(status["status"], 200) << output;

    std::ifstream in(text);
    std::stringstream s;
    s << in.rdbuf();
    std::string page = s.str();
    EXPECT_NE(page.find("60 responses"), std::string::npos) << page.substr(0, 400);
    for (const auto& [centre, stats] : byCentre) {
        EXPECT_NE(page.find(centre), std::string::npos) << centre;
        std::string mean = fixed2(static_cast<double>(stats.second) / stats.first);
        EXPECT_NE(page.find(mean), std::string::npos) << centre << " mean " << mean;
    }
    EXPECT_TRUE(std::ifstream(shot).good());
}

INSTANTIATE_TEST_SUITE_P(Stores, HubResults, ::testing::Values("sqlite", "postgresql"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace otklik::test
