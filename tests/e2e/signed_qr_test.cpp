// The real kiosk with its QR secret, headless and offline (the hub address refuses
// connections): the QR codes on its screenshots, read by zbarimg, are signed URLs that the
// hub's verifier accepts for this terminal; they change on schedule and after every visitor;
// the comment screen's code continues the visitor's own response, which is stored when the
// visitor walks away.
#include <gtest/gtest.h>

#include <chrono>

#include "kiosk_process.h"

using namespace otklik;
using namespace otklik::e2e;
using nlohmann::json;

namespace {

const json* element(const json& tree, const std::string& id) {
    for (const auto& e : tree["elements"])
        if (e["id"] == id) return &e;
    return nullptr;
}

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The decoded code of a screenshot, checked: a signed URL for test-terminal-07, the same text
// the element tree gives as the code's label. `scriptMs`: how far the script's `wait`s had
// moved the kiosk's simulated clock ahead of real time when the shot was taken.
std::string checkedCode(const KioskRun& run, const std::string& shot, const std::string& tree, const char* id = "qr",
                        int64_t scriptMs = 0) {
    std::string url = decodeQr(run.path(shot));
    EXPECT_EQ(url.rfind(std::string("HTTPS://127.0.0.1:9/Q/"), 0), 0u) << shot << ": " << url;
    json elements = run.tree(tree);
    const json* code = element(elements, id);
    EXPECT_NE(code, nullptr) << tree << " has no " << id;
    if (code) {
        EXPECT_EQ((*code)["label"], url) << "the tree names the code it shows";
    }
    QrTokenCheck check = verifyTestQrUrl(url, nowMs() + scriptMs);
    EXPECT_EQ(check.error, QrTokenError::None) << shot << ": " << toString(check.error);
    if (check.token) {
        EXPECT_EQ(check.token->terminalId, "test-terminal-07");
    }
    return url;
}

}  // namespace

TEST(SignedQr, IdleCodeVerifiesAndChangesOnScheduleAndAfterEveryVisitor) {
    std::string dir = freshDir("signed_idle_cfg");
    auto run = runKiosk("signed_idle", R"(
        shot a.png
        tree a.json
        wait 59000
        shot b.png
        tree b.json
        wait 1000
        shot c.png
        tree c.json
        tap rate.5
        wait 700
        expect question
        tap nav.finish
        expect thanks
        wait 5000
        expect idle
        shot d.png
        tree d.json
    )", {"--config", writeConfig(dir, signedQrToml(60))});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    std::string a = checkedCode(run, "a.png", "a.json");
    std::string b = checkedCode(run, "b.png", "b.json", "qr", 59000);
    std::string c = checkedCode(run, "c.png", "c.json", "qr", 60000);
    std::string d = checkedCode(run, "d.png", "d.json", "qr", 65700);
    EXPECT_EQ(a, b) << "59 s into a 60 s period the code stays";
    EXPECT_NE(b, c) << "after qr_rotate_s the code changes";
    EXPECT_NE(c, d) << "the next visitor must not see the code the last one saw";
    EXPECT_NE(run.log.find("QR codes: signed for the hub at https://127.0.0.1:9, renewed every 60 s"), std::string::npos) << run.log;
    ASSERT_EQ(run.responses.size(), 1u);
}

TEST(SignedQr, CommentScreenCodeCarriesTheOpenResponseWhichIsStoredAsPartial) {
    std::string dir = freshDir("signed_comment_cfg");
    std::string script = "tap rate.5\nwait 700\n";
    for (int i = 0; i < 6; ++i) script += "tap nav.skip\n";
    script += "expect comment\nshot comment.png\ntree comment.json\nwait 30000\nexpect idle\n";
    auto run = runKiosk("signed_comment", script, {"--config", writeConfig(dir, signedQrToml())});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    std::string url = checkedCode(run, "comment.png", "comment.json", "qr.continue", 700);
    EXPECT_EQ(element(run.tree("comment.json"), "qr"), nullptr) << "one code per screen: zbarimg and phones pick the right one";
    ASSERT_EQ(run.responses.size(), 1u);
    const json& stored = run.responses[0];
    EXPECT_EQ(stored["status"], "partial") << "the visitor went on on the phone; the terminal keeps its part";
    QrTokenCheck check = verifyTestQrUrl(url, nowMs() + 700);
    ASSERT_TRUE(check.token);
    EXPECT_EQ(check.token->responseId, stored["id"].get<std::string>()) << "the phone continues this very response";
}

TEST(SignedQr, WithoutASecretTheStaticLinkStaysAndNoCodeOnTheCommentScreen) {
    std::string script = "tap rate.5\nwait 700\n";
    for (int i = 0; i < 6; ++i) script += "tap nav.skip\n";
    auto run = runKiosk("static_comment", "wait 120000\nshot idle.png\n" + script + "tree comment.json\n");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    EXPECT_EQ(decodeQr(run.path("idle.png")), kTestQrUrl);
    EXPECT_EQ(element(run.tree("comment.json"), "qr.continue"), nullptr) << "nothing to continue without a signed token";
}
