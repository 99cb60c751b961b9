// The config pull against the in-memory hub: 304 changes nothing, a new config is saved (the
// one before kept) and posted for the idle screen, a bad one is refused with the validator's
// words and not fetched again, network trouble is quiet, the hub's settings are exposed, and
// the saved files survive a restart, a corrupt file and a kill in the middle of saving.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "kiosk/app/hub_questionnaire.h"
#include "kiosk/config/kiosk_setup.h"
#include "platform/clock.h"
#include "sync/client/config_puller.h"
#include "sync/protocol/file_io.h"
#include "tests/fakes/fake_hub_transport.h"
#include "tests/fakes/temp_dir.h"
#include "tests/unit/questionnaire_variants.h"

using namespace otklik;
using fakes::FakeHubTransport;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "t-1-secret-token";

std::string readFile(const std::string& path) {
    std::string error;
    return readWholeFile(path, error).value_or("");
}

// A puller as the kiosk builds it: the kiosk's own validator for a ru/uk/en terminal.
struct Pull {
    explicit Pull(const std::string& name) : dir(fakes::freshTempDir(name)), hub(kToken), clock(1000, 1'795'000'000'000) {
        device = defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", dir);
        device.terminalId = "t-1";  // the fake hub's terminal
        puller = makePuller();
    }
    std::unique_ptr<ConfigPuller> makePuller() {
        ConfigPullerSettings s{"https://hub.test", kToken, dir, 300'000};
        return std::make_unique<ConfigPuller>(s, hub, clock, hubConfigValidator(device), mailbox);
    }
    void serve(const std::string& questionnaire, const std::string& version, int heartbeatS = 300) {
        hub.serveConfig(FakeHubTransport::configBody(questionnaire, version, heartbeatS));
    }
    std::string savedVersion(const char* file) {
        std::string error;
        auto config = loadHubConfigFile(dir + "/" + file, error);
        return config ? config->questionnaireVersion : "(none: " + error + ")";
    }

    std::string dir;
    DeviceConfig device;
    FakeHubTransport hub;
    ManualClock clock;
    ConfigMailbox mailbox;
    std::unique_ptr<ConfigPuller> puller;
};

}  // namespace

TEST(ConfigPull, ANewConfigIsSavedAndPostedForTheIdleScreen) {
    Pull p("pull-new");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Accepted);
    auto posted = p.mailbox.take();
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->questionnaireVersion, "v2");
    EXPECT_FALSE(p.mailbox.take()) << "handed over once";
    EXPECT_EQ(p.savedVersion(kHubConfigFile), "v2");
    EXPECT_FALSE(fs::exists(p.dir + "/" + kPreviousHubConfigFile)) << "nothing came before it";
    EXPECT_FALSE(fs::exists(p.dir + "/hub-config.json.tmp"));
    EXPECT_EQ(p.puller->configError(), "");
    ASSERT_EQ(p.hub.calls().size(), 1u);
    EXPECT_EQ(p.hub.calls()[0].method, "GET");
    EXPECT_EQ(p.hub.calls()[0].ifNoneMatch, "") << "nothing held yet";
}

TEST(ConfigPull, NotModifiedChangesNothing) {
    Pull p("pull-304");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    (void)p.mailbox.take();
    std::string saved = readFile(p.dir + "/" + kHubConfigFile);
    auto mtime = fs::last_write_time(p.dir + "/" + kHubConfigFile);

    EXPECT_EQ(p.puller->pull(), PullOutcome::NotModified);
    EXPECT_FALSE(p.mailbox.take());
    EXPECT_EQ(readFile(p.dir + "/" + kHubConfigFile), saved);
    EXPECT_EQ(fs::last_write_time(p.dir + "/" + kHubConfigFile), mtime) << "a 304 writes nothing";
    EXPECT_FALSE(fs::exists(p.dir + "/" + kPreviousHubConfigFile));
    EXPECT_EQ(p.hub.calls().back().ifNoneMatch, p.puller->heldEtag());
    EXPECT_EQ(p.hub.calls().back().status, 304);
}

TEST(ConfigPull, TheConfigBeforeIsKeptAsPrevious) {
    Pull p("pull-previous");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    p.serve(variants::questionnaireVersion("v3"), "v3");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    EXPECT_EQ(p.savedVersion(kHubConfigFile), "v3");
    EXPECT_EQ(p.savedVersion(kPreviousHubConfigFile), "v2");
    EXPECT_EQ(p.mailbox.take()->questionnaireVersion, "v3") << "only the newest waits for the idle screen";
}

TEST(ConfigPull, ABadConfigIsRefusedOnceAndTheOldOneKept) {
    Pull p("pull-refused");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    (void)p.mailbox.take();
    std::string goodEtag = p.puller->heldEtag();

    p.serve(variants::russianOnlyQuestionnaire(), "ru-1");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Refused);
    EXPECT_FALSE(p.mailbox.take()) << "a refused config never reaches the screen";
    EXPECT_EQ(p.savedVersion(kHubConfigFile), "v2") << "nor the disk";
    EXPECT_NE(p.puller->configError().find("\"uk\" is not a language of the questionnaire"), std::string::npos)
        << p.puller->configError();
    EXPECT_EQ(p.puller->heldEtag(), goodEtag);

    // The refused one is not downloaded again: its tag goes in If-None-Match with the good one.
    EXPECT_EQ(p.puller->pull(), PullOutcome::NotModified);
    EXPECT_NE(p.hub.calls().back().ifNoneMatch.find(goodEtag), std::string::npos);
    EXPECT_NE(p.hub.calls().back().ifNoneMatch.find(", "), std::string::npos) << p.hub.calls().back().ifNoneMatch;
    EXPECT_NE(p.puller->configError(), "") << "still refused: the heartbeat keeps saying so";

    // A corrected questionnaire clears the error.
    p.serve(variants::questionnaireVersion("v4"), "v4");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Accepted);
    EXPECT_EQ(p.puller->configError(), "");
    EXPECT_EQ(p.savedVersion(kPreviousHubConfigFile), "v2");
}

TEST(ConfigPull, AQuestionnaireThatDoesNotParseIsRefusedWithTheParsersWords) {
    Pull p("pull-broken");
    p.serve(variants::brokenQuestionnaire(), "b-1");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Refused);
    EXPECT_NE(p.puller->configError().find("main: missing"), std::string::npos) << p.puller->configError();
    EXPECT_FALSE(fs::exists(p.dir + "/" + kHubConfigFile));
}

// A copy-paste slip gave this terminal another terminal's token: the hub answers with the
// other's config, which must not be used here (its questionnaire, its QR window, its PIN).
TEST(ConfigPull, AnotherTerminalsConfigIsRefusedNamingBoth) {
    Pull p("pull-other-terminal");
    p.device.terminalId = "mfc-03";
    p.puller = p.makePuller();
    p.serve(variants::questionnaireVersion("v2"), "v2");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Refused);
    std::string error = p.puller->configError();
    EXPECT_NE(error.find("terminal \"t-1\""), std::string::npos) << error;
    EXPECT_NE(error.find("this terminal is \"mfc-03\""), std::string::npos) << error;
    EXPECT_FALSE(p.mailbox.take().has_value());
    EXPECT_FALSE(fs::exists(p.dir + "/" + kHubConfigFile));
    // Positive control: the same reply for the terminal it belongs to is taken.
    p.device.terminalId = "t-1";
    p.puller = p.makePuller();
    EXPECT_EQ(p.puller->pull(), PullOutcome::Accepted);
}

TEST(ConfigPull, AMalformedReplyIsRefused) {
    Pull p("pull-malformed");
    p.hub.serveConfig("{\"terminal_id\": \"t-1\"");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Refused);
    EXPECT_EQ(p.puller->configError(), "the hub's config reply is not JSON");
    p.hub.serveConfig(R"({"terminal_id": "t-1", "centre": "", "questionnaire": null, "questionnaire_version": "",
                          "settings": {"heartbeat_interval_s": 0, "batch_size": 200, "qr_token_window_s": 900}})");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Refused);
    EXPECT_NE(p.puller->configError().find("heartbeat_interval_s is 0"), std::string::npos) << p.puller->configError();
}

TEST(ConfigPull, TheErrorFitsTheHeartbeatsLimit) {
    Pull p("pull-long-error");
    ConfigPullerSettings s{"https://hub.test", kToken, p.dir, 300'000};
    ConfigPuller puller(s, p.hub, p.clock, [](const HubConfig&) { return std::string(2000, 'x') + "ж"; }, p.mailbox);
    p.serve(variants::questionnaireVersion("v2"), "v2");
    EXPECT_EQ(puller.pull(), PullOutcome::Refused);
    EXPECT_EQ(puller.configError().size(), 500u);
}

TEST(ConfigPull, NetworkTroubleIsQuietAndTheNextPullTriesAgain) {
    Pull p("pull-network");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    for (auto fault : {fakes::HubFault::Timeout, fakes::HubFault::Tls, fakes::HubFault::Status503, fakes::HubFault::Status401}) {
        p.hub.failAt(1, fault);
        EXPECT_EQ(p.puller->pull(), PullOutcome::Failed) << fakes::toString(fault);
        EXPECT_EQ(p.puller->configError(), "") << "the hub's trouble is not a refused config";
    }
    EXPECT_EQ(p.puller->pull(), PullOutcome::Accepted);
}

TEST(ConfigPull, NoQuestionnaireFromTheHubMeansTheTerminalsOwn) {
    Pull p("pull-none");
    p.serve("", "");
    EXPECT_EQ(p.puller->pull(), PullOutcome::Accepted);
    auto local = variants::defaultQuestionnaireJson();
    HubQuestionnaireUpdates updates(p.mailbox, *parseQuestionnaire(local.dump(), "local").questionnaire, p.device);
    auto next = updates.take();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->version, local["version"]);
}

TEST(ConfigPull, TheHubsSettingsAreExposed) {
    Pull p("pull-settings");
    EXPECT_FALSE(p.puller->settings()) << "none known before the first config";
    p.serve("", "", 120);
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    ASSERT_TRUE(p.puller->settings());
    EXPECT_EQ(p.puller->settings()->heartbeatIntervalS, 120);
    EXPECT_EQ(p.puller->settings()->batchSize, 200);
    // And after a restart, from the saved file.
    auto again = p.makePuller();
    ASSERT_TRUE(again->settings());
    EXPECT_EQ(again->settings()->heartbeatIntervalS, 120);
}

TEST(ConfigPull, ARestartSendsTheSavedEtagAndGetsA304) {
    Pull p("pull-restart");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    std::string etag = p.puller->heldEtag();
    auto restarted = p.makePuller();
    EXPECT_EQ(restarted->heldEtag(), etag);
    EXPECT_EQ(restarted->pull(), PullOutcome::NotModified);
}

TEST(ConfigPull, WithoutAnEtagTheSameConfigIsNotAppliedTwice) {
    Pull p("pull-no-etag");
    p.hub.serveConfig(FakeHubTransport::configBody(variants::questionnaireVersion("v2"), "v2"), false);
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    (void)p.mailbox.take();
    EXPECT_EQ(p.puller->pull(), PullOutcome::Unchanged);
    EXPECT_FALSE(p.mailbox.take());
    EXPECT_FALSE(fs::exists(p.dir + "/" + kPreviousHubConfigFile));
}

TEST(ConfigPull, AsAChoreItIsDueAtOnceThenEveryInterval) {
    Pull p("pull-schedule");
    EXPECT_LE(p.puller->msUntilDue(), 0);
    p.puller->run();
    EXPECT_EQ(p.puller->msUntilDue(), 300'000);
    p.clock.advance(299'000);
    EXPECT_EQ(p.puller->msUntilDue(), 1000);
    p.hub.failAt(1, fakes::HubFault::Connect);
    p.clock.advance(1000);
    p.puller->run();
    EXPECT_EQ(p.puller->msUntilDue(), 300'000) << "a failed pull waits for the next one, too";
}

TEST(ConfigPull, PostingWakesTheUiThread) {
    Pull p("pull-wake");
    int woken = 0;
    p.mailbox.setOnPosted([&] { ++woken; });
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    EXPECT_EQ(woken, 1);
    EXPECT_TRUE(p.mailbox.waitForPost(0));
}

// ---- the saved files at start ----

namespace {

KioskSetup setupWithData(const std::string& dir) {
    auto load = loadKioskSetup("", defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", dir));
    EXPECT_TRUE(load.setup) << load.describe();
    load.setup->config.terminalId = "t-1";  // the fake hub's terminal, whose configs were saved
    return *load.setup;
}

}  // namespace

TEST(ConfigAtStart, TheSavedConfigIsUsed) {
    Pull p("start-saved");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    EXPECT_EQ(chooseStartingQuestionnaire(setupWithData(p.dir)).questionnaire.version, "v2");
}

TEST(ConfigAtStart, ACorruptSavedFileFallsBackToThePreviousThenToTheOwn) {
    Pull p("start-corrupt");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    p.serve(variants::questionnaireVersion("v3"), "v3");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    std::ofstream(p.dir + "/" + kHubConfigFile) << "{\"etag\": \"x\", \"config\": {\"questionn";  // torn
    auto start = chooseStartingQuestionnaire(setupWithData(p.dir));
    EXPECT_EQ(start.questionnaire.version, "v2");
    EXPECT_NE(start.source.find(kPreviousHubConfigFile), std::string::npos) << start.source;
    // The puller then holds v2's tag, so the hub sends v3 again and it is saved whole.
    auto restarted = p.makePuller();
    EXPECT_EQ(restarted->pull(), PullOutcome::Accepted);
    EXPECT_EQ(p.savedVersion(kHubConfigFile), "v3");

    std::ofstream(p.dir + "/" + kHubConfigFile) << "garbage";
    std::ofstream(p.dir + "/" + kPreviousHubConfigFile) << "";
    auto own = chooseStartingQuestionnaire(setupWithData(p.dir));
    EXPECT_EQ(own.questionnaire.version, variants::defaultQuestionnaireJson()["version"]);
    EXPECT_NE(own.source.find("own"), std::string::npos) << own.source;
}

TEST(ConfigAtStart, ASavedConfigThatNoLongerFitsIsNotUsed) {
    Pull p("start-unfit");
    ConfigPullerSettings s{"https://hub.test", kToken, p.dir, 300'000};
    ConfigPuller lenient(s, p.hub, p.clock, [](const HubConfig&) { return std::string(); }, p.mailbox);
    p.serve(variants::russianOnlyQuestionnaire(), "ru-1");
    ASSERT_EQ(lenient.pull(), PullOutcome::Accepted);  // saved by a terminal that showed Russian only
    EXPECT_EQ(chooseStartingQuestionnaire(setupWithData(p.dir)).questionnaire.version, variants::defaultQuestionnaireJson()["version"]);
}

TEST(ConfigAtStart, AKillInTheMiddleOfSavingLeavesTheOldOrTheNew) {
    Pull p("start-killed");
    p.serve(variants::questionnaireVersion("v2"), "v2");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    std::string v2 = readFile(p.dir + "/" + kHubConfigFile);
    p.serve(variants::questionnaireVersion("v3"), "v3");
    ASSERT_EQ(p.puller->pull(), PullOutcome::Accepted);
    std::string v3 = readFile(p.dir + "/" + kHubConfigFile);
    std::string path = p.dir + "/" + kHubConfigFile;
    // A child saves the two versions in turn as fast as it can; it is killed at staggered moments.
    for (int round = 0; round < 40; ++round) {
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            std::string error;
            for (int i = 0;; ++i)
                if (!writeFileDurably(path, i % 2 ? v2 : v3, error)) ::_exit(3);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500 + round * 250));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the saver stopped on its own: " << status;
        std::string now = readFile(path);
        ASSERT_TRUE(now == v2 || now == v3) << "round " << round << ": a torn file of " << now.size() << " bytes";
    }
    // A temp file the kill left behind is harmless: the kiosk starts with the saved config.
    EXPECT_EQ(chooseStartingQuestionnaire(setupWithData(p.dir)).source.find("the hub's"), 0u);
}

TEST(DurableWrite, AFailureNamesTheFileAndLeavesTheOldOne) {
    std::string dir = fakes::freshTempDir("durable-write");
    std::string error;
    EXPECT_FALSE(writeFileDurably(dir + "/missing-folder/x.json", "{}", error));
    EXPECT_NE(error.find("missing-folder/x.json.tmp"), std::string::npos) << error;
    ASSERT_TRUE(writeFileDurably(dir + "/x.json", "old", error)) << error;
    fs::create_directory(dir + "/x.json.tmp");  // the temp name is taken: the write fails
    EXPECT_FALSE(writeFileDurably(dir + "/x.json", "new", error));
    EXPECT_EQ(readFile(dir + "/x.json"), "old");
}
