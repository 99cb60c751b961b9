// Every screen at the extremes the product supports (800x480 to 3840x2160, both
// orientations): everything on screen, nothing tappable overlapping, every target at least
// 15 mm, and the QR code readable by a real decoder and holding the configured address.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "kiosk_process.h"
#include "layout_check.h"

using namespace otklik::e2e;
using nlohmann::json;

namespace {

const char* kTour = R"(
    shot idle.png
    tree idle.json
    tap rate.2
    wait 700
    tree service.json
    tap answer.job_search
    tree stars.json
    tap answer.1
    tap answer.2
    tap answer.3
    tap answer.4
    tap answer.5
    tree reasons.json
    tap answer.no_seats
    tap nav.next
    tree comment.json
    tap key.shift
    tap key.layout
    tree comment-digits.json
    tap nav.skip
    tree thanks.json
    wait 5000
    tap a11y.large
    tree idle-large.json
    shot idle-large.png
    tap rate.4
    wait 700
    tree service-large.json
    tap nav.skip
    tree stars-large.json
)";

const char* kTrees[] = {"idle.json",          "service.json", "stars.json",      "reasons.json",
                        "comment.json",       "comment-digits.json", "thanks.json", "idle-large.json",
                        "service-large.json", "stars-large.json"};

struct Screen {
    const char* size;
    double inches;
    double minKeyMm;
};

class LayoutTest : public ::testing::TestWithParam<Screen> {};

}  // namespace

TEST_P(LayoutTest, EveryScreenFitsAndEveryTargetIsTappable) {
    Screen s = GetParam();
    std::string name = std::string("layout_") + s.size + "_" + std::to_string(static_cast<int>(s.inches * 10));
    std::string dir = freshDir(name + "_cfg");
    auto run = runKiosk(name, kTour, {"--size", s.size, "--config", writeConfig(dir, "", s.inches)});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    for (const char* tree : kTrees) checkTree(run.tree(tree), tree, s.inches, s.minKeyMm);
    EXPECT_EQ(run.tree("comment.json")["screen"], "comment");
    EXPECT_EQ(run.tree("thanks.json")["screen"], "thanks");
    EXPECT_EQ(decodeQr(run.path("idle.png")), kTestQrUrl) << "QR on " << s.size;
    EXPECT_EQ(decodeQr(run.path("idle-large.png")), kTestQrUrl) << "QR in the large mode on " << s.size;
}

// With the QR secret the comment screen may add a "continue on your phone" card: where it
// shows, everything still fits, and the code is readable; where it does not fit (the smallest
// screens), it is left out rather than squeezed. The idle code is the signed URL.
TEST_P(LayoutTest, ContinueOnThePhoneCardFitsWhereItShows) {
    Screen s = GetParam();
    std::string name = std::string("layout_signed_") + s.size + "_" + std::to_string(static_cast<int>(s.inches * 10));
    std::string dir = freshDir(name + "_cfg");
    std::string skips;
    for (int i = 0; i < 6; ++i) skips += "tap nav.skip\n";
    std::string script = "shot idle.png\ntap rate.5\nwait 700\n" + skips + "expect comment\ntree comment.json\nshot comment.png\n" +
                         "tap a11y.large\ntree comment-large.json\nshot comment-large.png\n";
    auto run = runKiosk(name, script, {"--size", s.size, "--config", writeConfig(dir, signedQrToml(), s.inches)});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    EXPECT_EQ(decodeQr(run.path("idle.png")).rfind("HTTPS://127.0.0.1:9/Q/", 0), 0u) << "signed QR on " << s.size;
    for (std::string mode : {"comment", "comment-large"}) {
        json tree = run.tree(mode + ".json");
        checkTree(tree, mode + ".json", s.inches, s.minKeyMm);
        const json* card = nullptr;
        for (const auto& e : tree["elements"])
            if (e["id"] == "qr.continue") card = &e;
        std::printf("[ info ] %s %.0f\": %s card %s\n", s.size, s.inches, mode.c_str(), card ? "shown" : "left out");
        if (!card) continue;
        const json* textBox = nullptr;
        for (const auto& e : tree["elements"])
            if (e["id"] == "comment.text") textBox = &e;
        ASSERT_NE(textBox, nullptr);
        EXPECT_FALSE(overlap(box(*card), box(*textBox))) << mode << " on " << s.size << ": the code covers the text box";
        EXPECT_EQ(decodeQr(run.path(mode + ".png")), (*card)["label"]) << mode << " on " << s.size;
    }
}

// The configured default screen (21.5") at the product's extreme resolutions, and a 7" tablet
// at 800x480, where twelve 15 mm keys would not fit the glass and keys may shrink to 10 mm.
INSTANTIATE_TEST_SUITE_P(Sizes, LayoutTest,
                         ::testing::Values(Screen{"1920x1080", 21.5, 15}, Screen{"1080x1920", 21.5, 15},
                                           Screen{"800x480", 21.5, 15}, Screen{"480x800", 21.5, 15},
                                           Screen{"3840x2160", 21.5, 15}, Screen{"2160x3840", 21.5, 15},
                                           Screen{"800x480", 7.0, 10}),
                         [](const auto& info) {
                             std::string n = std::string(info.param.size) + "_" + std::to_string(static_cast<int>(info.param.inches)) + "in";
                             for (auto& c : n)
                                 if (c == 'x') c = '_';
                             return n;
                         });

TEST(Layout, RotatedPanelShowsThePortraitLayoutUpright) {
    // A landscape panel mounted on its side: orientation = "portrait" turns the picture.
    std::string dir = freshDir("rotated_cfg");
    std::string config = writeConfig(dir, "");
    // writeConfig ends with a [screen] table: append the orientation to it.
    FILE* f = std::fopen(config.c_str(), "a");
    std::fputs("orientation = \"portrait\"\n", f);
    std::fclose(f);
    auto run = runKiosk("rotated", "tree idle.json\nshot idle.png\n", {"--size", "1920x1080", "--config", config});
    ASSERT_EQ(run.exitCode, 0) << run.log;
    auto tree = run.tree("idle.json");
    EXPECT_EQ(tree["width"], 1080);
    EXPECT_EQ(tree["height"], 1920);
    EXPECT_EQ(decodeQr(run.path("idle.png")), kTestQrUrl);
}

// A terminal set to skip TLS checks (development only) says so on every screen, in the
// visitor's language, and every screen still fits, on the tightest glass too.
TEST(Layout, InsecureDeliveryShowsARedBannerOnEveryScreen) {
    for (Screen s : {Screen{"1920x1080", 21.5, 15}, Screen{"800x480", 7.0, 10}}) {
        std::string name = std::string("insecure_") + s.size;
        std::string dir = freshDir(name + "_cfg");
        std::string hub = "[hub]\nurl = \"http://127.0.0.1:9\"\ntoken = \"t\"\ninsecure_development_only = true\n";
        auto run = runKiosk(name, std::string(kTour) + "tap lang.en\ntree idle-en.json\nshot idle-en.png\n",
                            {"--size", s.size, "--config", writeConfig(dir, hub, s.inches)});
        ASSERT_EQ(run.exitCode, 0) << run.log;
        std::vector<std::string> trees(std::begin(kTrees), std::end(kTrees));
        trees.push_back("idle-en.json");
        for (const auto& treeName : trees) {
            json tree = run.tree(treeName);
            checkTree(tree, std::string(s.size) + " " + treeName, s.inches, s.minKeyMm);
            const json* banner = nullptr;
            for (const auto& e : tree["elements"])
                if (e["id"] == "banner.insecure") banner = &e;
            ASSERT_NE(banner, nullptr) << treeName << " on " << s.size << " has no insecure banner";
            EXPECT_EQ((*banner)["y"].get<double>(), 0.0) << "at the very top";
            EXPECT_EQ((*banner)["w"].get<double>(), tree["width"].get<double>()) << "across the whole width";
            EXPECT_GT((*banner)["h"].get<double>(), 0.0);
        }
        json english = run.tree("idle-en.json");  // kept: a loop over a temporary's member would read freed memory
        for (const auto& e : english["elements"])
            if (e["id"] == "banner.insecure") {
                EXPECT_NE(e["label"].get<std::string>().find("DEVELOPMENT MODE"), std::string::npos);
            }
        EXPECT_EQ(decodeQr(run.path("idle.png")), kTestQrUrl) << "the banner leaves the QR code readable on " << s.size;
        EXPECT_NE(run.log.find("TLS checks are OFF"), std::string::npos) << run.log;
    }
}

TEST(Layout, NoBannerWhenTlsIsChecked) {
    auto run = runKiosk("secure_banner", "tree idle.json\n");
    ASSERT_EQ(run.exitCode, 0) << run.log;
    json tree = run.tree("idle.json");
    for (const auto& e : tree["elements"]) EXPECT_NE(e["id"], "banner.insecure");
}
