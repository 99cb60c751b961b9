// The credentials from enrolment: written with mode 0600 and read back exactly, whatever the
// hub's centre name holds; laid over the device config with precedence; a SIGKILL during the
// write leaves the old file or the new, never a broken one; a damaged file makes the terminal
// run unenrolled, keeping responses, with a warning instead of refusing to start.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "kiosk/config/credentials.h"
#include "kiosk/config/kiosk_setup.h"
#include "sync/protocol/file_io.h"
#include "tests/fakes/temp_dir.h"

using namespace otklik;

namespace {

Credentials sample(const std::string& id) {
    Credentials c;
    c.terminalId = id;
    c.centre = "МФЦ \"Мои документы\" \\ Приморье\nвторой этаж";
    c.token = "otk_" + std::string(43, 'a');
    c.qrSecret = std::string(43, 'q');
    c.device = 2;
    c.enrolledAt = "2026-12-04T10:00:00.000Z";
    return c;
}

std::string readFile(const std::string& path) {
    std::string error;
    return readWholeFile(path, error).value_or("");
}

}  // namespace

TEST(Credentials, AreWrittenForTheKiosksUserOnlyAndReadBackExactly) {
    std::string dir = fakes::freshTempDir("credentials-roundtrip");
    Credentials c = sample("mfc-01");
    c.url = "https://hub.example.org";
    c.caFile = dir + "/hub-ca.pem";
    c.pins = {"sha256//" + std::string(44, 'A')};
    std::string error;
    ASSERT_TRUE(saveCredentials(dir, c, error)) << error;
    struct stat st {};
    ASSERT_EQ(::stat(credentialsPath(dir).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    CredentialsLoad load = loadCredentials(dir);
    ASSERT_TRUE(load.credentials) << load.error;
    EXPECT_EQ(load.credentials->centre, c.centre);
    EXPECT_EQ(load.credentials->token, c.token);
    EXPECT_EQ(load.credentials->device, 2);
    EXPECT_EQ(load.credentials->pins, c.pins);
    EXPECT_EQ(load.credentials->caFile, c.caFile);

    // A stale temporary file from a crash, readable by others, does not make the next file so.
    ASSERT_TRUE(writeFileDurably(dir + "/x", "", error));
    std::ofstream(credentialsPath(dir) + ".tmp") << "stale";
    ::chmod((credentialsPath(dir) + ".tmp").c_str(), 0666);
    ASSERT_TRUE(saveCredentials(dir, sample("mfc-02"), error)) << error;
    ASSERT_EQ(::stat(credentialsPath(dir).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Credentials, TakePrecedenceOverTheDeviceConfig) {
    std::string dir = fakes::freshTempDir("credentials-precedence");
    DeviceConfig defaults = defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", dir);
    auto load = parseDeviceConfig("terminal_id = \"old-id\"\n[hub]\nurl = \"https://hub.example.org\"\ntoken = \"otk_old\"\n", dir + "/k.toml",
                                  defaults);
    ASSERT_TRUE(load.config) << load.problems.describe();
    DeviceConfig config = *load.config;
    std::vector<std::string> warnings;
    applyCredentials(sample("mfc-01"), config, warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(config.terminalId, "mfc-01");
    EXPECT_EQ(config.hub.token, sample("mfc-01").token);
    EXPECT_EQ(config.hub.qrSecret, sample("mfc-01").qrSecret);
    EXPECT_EQ(config.hub.url, "https://hub.example.org") << "the config's hub stays unless the enrolment file named one";
    EXPECT_EQ(config.centreNameIn("ru"), sample("mfc-01").centre) << "the config names no centre: the hub's is shown";

    // A centre named in the config wins over the hub's.
    load = parseDeviceConfig("centre_name = \"Наш центр\"\n[hub]\nurl = \"https://hub.example.org\"\n", dir + "/k.toml", defaults);
    config = *load.config;
    applyCredentials(sample("mfc-01"), config, warnings);
    EXPECT_EQ(config.centreNameIn("ru"), "Наш центр");
}

TEST(Credentials, ALongIdFromTheHubTurnsQrSigningOffInsteadOfStoppingTheTerminal) {
    std::string dir = fakes::freshTempDir("credentials-long-id");
    DeviceConfig config = defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", dir);
    config.hub.url = "https://hub." + std::string(40, 'x') + ".example.org";
    std::vector<std::string> warnings;
    applyCredentials(sample(std::string(64, 'z')), config, warnings);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("static qr_base_url"), std::string::npos) << warnings[0];
    EXPECT_EQ(config.hub.qrSecret, "");
    EXPECT_TRUE(config.enrolled());
}

TEST(Credentials, AKillDuringTheWriteLeavesTheOldOrTheNew) {
    std::string dir = fakes::freshTempDir("credentials-kill");
    const Credentials a = sample("mfc-a"), b = sample("mfc-b");
    const std::string textA = credentialsText(a), textB = credentialsText(b);
    std::string error;
    ASSERT_TRUE(saveCredentials(dir, a, error)) << error;
    int sawA = 0, sawB = 0;
    for (int round = 0; round < 60; ++round) {
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            std::string e;
            for (int i = 0;; ++i)
                if (!saveCredentials(dir, i % 2 ? a : b, e)) ::_exit(3);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(300 + round * 170));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own: " << status;
        std::string now = readFile(credentialsPath(dir));
        ASSERT_TRUE(now == textA || now == textB) << "round " << round << ": a torn file of " << now.size() << " bytes";
        (now == textA ? sawA : sawB)++;
        CredentialsLoad load = loadCredentials(dir);
        ASSERT_TRUE(load.credentials) << load.error;
        struct stat st {};
        ASSERT_EQ(::stat(credentialsPath(dir).c_str(), &st), 0);
        ASSERT_EQ(st.st_mode & 0777, 0600u);
    }
    EXPECT_GT(sawA + sawB, 0);
    std::printf("[ info ] after 60 kills: old file %d times, new file %d times, never torn\n", sawA, sawB);
}

TEST(Credentials, ADamagedFileMeansNotEnrolledWithAWarning) {
    std::string dir = fakes::freshTempDir("credentials-damaged");
    std::ofstream(dir + "/kiosk.toml") << "assets_dir = \"" OTKLIK_SOURCE_DIR "/assets\"\ndata_dir = \"" << dir
                                       << "\"\n[hub]\nurl = \"https://hub.example.org\"\n";
    std::ofstream(credentialsPath(dir)) << "terminal_id = \"mfc-01\"\ntoken = \"otk_";  // cut short
    DeviceConfig defaults = defaultDeviceConfig(std::string(OTKLIK_SOURCE_DIR) + "/assets", dir);
    KioskSetupLoad load = loadKioskSetup(dir + "/kiosk.toml", defaults);
    ASSERT_TRUE(load.setup) << load.describe();
    EXPECT_FALSE(load.setup->config.enrolled());
    ASSERT_EQ(load.warnings.size(), 1u);
    EXPECT_NE(load.warnings[0].find("credentials.toml"), std::string::npos) << load.warnings[0];
    EXPECT_NE(load.warnings[0].find("keeps every response"), std::string::npos) << load.warnings[0];

    // Positive control: the same folder with good credentials is enrolled.
    std::string error;
    ASSERT_TRUE(saveCredentials(dir, sample("mfc-01"), error));
    load = loadKioskSetup(dir + "/kiosk.toml", defaults);
    ASSERT_TRUE(load.setup);
    EXPECT_TRUE(load.setup->config.enrolled());
    EXPECT_EQ(load.setup->config.terminalId, "mfc-01");
}
