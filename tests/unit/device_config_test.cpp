// The device config a technician edits (TOML) and the start-up cross-check of all the kiosk's
// files: every malformed config in tests/data/config/bad is refused with its line, what is
// wrong and how to fix it; good ones give the values written, relative paths resolved.
#include <gtest/gtest.h>

#include "tests/unit/bad_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "kiosk/config/device_config.h"
#include "kiosk/config/kiosk_setup.h"
#include "kiosk/config/ui_string_keys.h"

using namespace otklik;
namespace fs = std::filesystem;

namespace {

const fs::path kBadDir = fs::path(OTKLIK_TEST_DATA) / "config" / "bad";
const fs::path kGoodDir = fs::path(OTKLIK_TEST_DATA) / "config" / "good";
const fs::path kAssets = fs::path(OTKLIK_SOURCE_DIR) / "assets";
const fs::path kDemoConfig = fs::path(OTKLIK_SOURCE_DIR) / "packaging" / "demo" / "kiosk.toml";

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

DeviceConfig defaults() { return defaultDeviceConfig(kAssets.string(), "/var/lib/otklik"); }

// The parse never throws, and a config comes back exactly when there are no problems.
DeviceConfigLoad parseSafely(const std::string& text, const std::string& file = "/etc/otklik/kiosk.toml") {
    DeviceConfigLoad load{std::nullopt, Problems(file)};
    EXPECT_NO_THROW(load = parseDeviceConfig(text, file, defaults()));
    EXPECT_EQ(load.config.has_value(), load.problems.empty()) << load.problems.describe();
    for (const auto& p : load.problems.list()) {
        EXPECT_EQ(p.file, file);
        EXPECT_FALSE(p.place.empty()) << p.describe();
        EXPECT_FALSE(p.message.empty()) << p.describe();
        EXPECT_FALSE(p.fix.empty()) << p.describe();
    }
    return load;
}

bool hasProblem(const std::vector<Problem>& problems, const std::string& place, const std::string& message) {
    return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
        return p.place == place && p.message.find(message) != std::string::npos;
    });
}

// A scratch folder removed when the test ends.
class TempDir {
public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = fs::temp_directory_path() /
                ("otklik-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

using BadConfig = otklik::testing::BadFixture;

// One row per malformed file; the directory holds exactly these files.
const BadConfig kBadConfigs[] = {
    // Syntax and encoding.
    {"syntax_unquoted_text.toml", "line 1, column 15", "not valid TOML", "text values need double quotes"},
    {"syntax_unclosed_section.toml", "line 2, column 8", "expected ']'", "correct the syntax there"},
    {"syntax_duplicate_setting.toml", "line 2, column 15", "cannot redefine existing string 'terminal_id'", "delete one of the two lines"},
    {"syntax_invalid_utf8.toml", "line 3, column 6", "invalid utf-8", "save the file as UTF-8"},
    {"syntax_too_deep.toml", "line 1, column 269", "maximum nested value depth", "correct the syntax there"},
    // Names.
    {"unknown_setting_typo.toml", "line 1 (terminal_di)", "unknown setting \"terminal_di\"", "did you mean \"terminal_id\"?"},
    {"unknown_section_typo.toml", "line 1 (timeout)", "unknown setting \"timeout\"", "did you mean \"timeouts\"?"},
    {"unknown_setting_in_section.toml", "line 2 (screen.rotation)", "unknown setting \"screen.rotation\"", "orientation, diagonal_inches, fullscreen"},
    {"setting_in_wrong_section.toml", "line 3 (timeouts.orientation)", "\"orientation\" is not a setting of [timeouts]", "under the [screen] line"},
    {"top_setting_after_section.toml", "line 5 (screen.qr_base_url)", "\"qr_base_url\" is not a setting of [screen]", "to the top of the file"},
    // Top-level values.
    {"terminal_id_spaces.toml", "line 1 (terminal_id)", "\"north office 1\" is not a usable terminal id", "Latin letters, digits"},
    {"terminal_id_number.toml", "line 1 (terminal_id)", "is a whole number, expected text", "double quotes"},
    {"languages_text.toml", "line 1 (languages)", "must be a non-empty list", "languages = [\"ru\", \"uk\", \"en\"]"},
    {"languages_empty.toml", "line 1 (languages)", "must be a non-empty list", "the first is the default"},
    {"languages_bad_code.toml", "line 1 (languages)", "\"English\" is not a language code", "two- or three-letter"},
    {"languages_number.toml", "line 1 (languages)", "holds a whole number, not a language code", "two- or three-letter"},
    {"languages_twice.toml", "line 1 (languages)", "\"ru\" is listed twice", "list every language once"},
    {"languages_too_many.toml", "line 1 (languages)", "has 7 languages; at most 6", "keep the languages"},
    {"centre_name_number.toml", "line 1 (centre_name)", "expected text or a table of translations", "[centre_name] table"},
    {"centre_name_translation_number.toml", "line 3 (centre_name.uk)", "expected text", "double quotes"},
    {"assets_dir_empty.toml", "line 1 (assets_dir)", "is empty", "remove the line to use the default"},
    {"hub_url_not_https.toml", "line 2 (hub.url)", "is not a hub address", "https://hub.example.org"},
    {"hub_url_plain_http.toml", "line 2 (hub.url)", "plain http://", "https://"},
    {"hub_token_without_terminal_id.toml", "line 3 (hub.token)", "is given without terminal_id", "enrol the terminal from its service menu"},
    {"hub_pin_malformed.toml", "line 4 (hub.pins)", "not a sha256// pin", "44 base64"},
    {"hub_batch_too_big.toml", "line 4 (hub.batch_size)", "is 5000 responses, allowed 1 to 1000", "in that range"},
    {"hub_insecure_not_bool.toml", "line 4 (hub.insecure_development_only)", "expected true or false", "never true"},
    {"hub_qr_secret_malformed.toml", "line 4 (hub.qr_secret)", "is not a QR secret (7 characters)", "qr_secret: line printed by `otklik-hub terminal add`"},
    {"hub_qr_secret_without_url.toml", "line 2 (hub.qr_secret)", "needs the hub's https:// url", "or remove qr_secret"},
    {"hub_qr_rotate_too_slow.toml", "line 4 (hub.qr_rotate_s)", "is 900 seconds, allowed 10 to 225", "in that range"},
    {"hub_qr_url_too_long.toml", "line 5 (hub.qr_secret)", "too dense to scan", "the hub url may have at most"},
    {"questionnaire_path_number.toml", "line 1 (questionnaire_path)", "is a whole number, expected text", "double quotes"},
    {"qr_base_url_http.toml", "line 1 (qr_base_url)", "\"http://hub.example.org/q\" is not an https:// address", "starting with https://"},
    {"qr_base_url_too_long.toml", "line 1 (qr_base_url)", "is 144 characters long", "at most 120 characters"},
    {"qr_base_url_space.toml", "line 1 (qr_base_url)", "contains spaces or quotes", "%20"},
    // [timeouts]
    {"timeouts_not_table.toml", "line 1 (timeouts)", "must be a [timeouts] table", "under a [timeouts] line"},
    {"idle_too_short.toml", "line 2 (timeouts.idle_s)", "is 2 seconds, allowed 5 to 600", "in that range"},
    {"idle_fraction.toml", "line 2 (timeouts.idle_s)", "is a number, expected a whole number of seconds", "from 5 to 600"},
    {"thanks_quoted.toml", "line 2 (timeouts.thanks_s)", "is text, expected a whole number of seconds", "without quotes, from 1 to 60"},
    {"repeat_negative.toml", "line 2 (timeouts.repeat_interval_ms)", "is -1 milliseconds, allowed 0 to 5000", "in that range"},
    // [screen]
    {"screen_not_table.toml", "line 1 (screen)", "must be a [screen] table", "under a [screen] line"},
    {"orientation_unknown.toml", "line 2 (screen.orientation)", "\"sideways\" is not an orientation", "\"landscape\" or \"portrait\""},
    {"diagonal_text.toml", "line 2 (screen.diagonal_inches)", "is text, expected a number of inches", "21.5 without quotes"},
    {"diagonal_out_of_range.toml", "line 2 (screen.diagonal_inches)", "is 215, allowed 5 to 100", "in inches"},
    {"diagonal_nan.toml", "line 2 (screen.diagonal_inches)", "is nan, allowed 5 to 100", "in inches"},
    {"fullscreen_text.toml", "line 2 (screen.fullscreen)", "is text, expected true or false", "without quotes"},
};

class DeviceConfigBadFile : public ::testing::TestWithParam<BadConfig> {};

}  // namespace

TEST_P(DeviceConfigBadFile, IsRefusedWithLineMessageAndFix) {
    const BadConfig& c = GetParam();
    std::string path = (kBadDir / c.name).string();
    ASSERT_TRUE(fs::exists(path)) << path;
    DeviceConfigLoad load{std::nullopt, Problems(path)};
    ASSERT_NO_THROW(load = loadDeviceConfig(path, defaults()));
    EXPECT_FALSE(load.config);
    ASSERT_FALSE(load.problems.empty());
    for (const auto& p : load.problems.list()) {
        EXPECT_EQ(p.file, path);
        EXPECT_EQ(p.place.rfind("line ", 0), 0u) << p.describe();
        EXPECT_FALSE(p.fix.empty()) << p.describe();
    }
    otklik::testing::expectProblem(load.problems, c);
    const Problem& first = load.problems.list().front();
    EXPECT_EQ(first.describe(), path + ": " + first.place + ": " + first.message + ". Fix: " + first.fix);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DeviceConfigBadFile, ::testing::ValuesIn(kBadConfigs), otklik::testing::fixtureTestName);

TEST(DeviceConfig, EveryBadFixtureHasAnExpectation) {
    otklik::testing::expectEveryFixtureListed({std::begin(kBadConfigs), std::end(kBadConfigs)}, kBadDir, 15);
}

TEST(DeviceConfig, BuiltInDefaults) {
    DeviceConfig c = defaultDeviceConfig("/usr/share/otklik", "/var/lib/otklik");
    EXPECT_EQ(c.file, "");
    EXPECT_EQ(c.assetsDir, "/usr/share/otklik");
    EXPECT_EQ(c.questionnairePath, "/usr/share/otklik/questionnaires/default.json");
    EXPECT_EQ(c.dataDir, "/var/lib/otklik");
    EXPECT_EQ(c.languages, (std::vector<std::string>{"ru", "uk", "en"}));
    EXPECT_EQ(c.idleTimeoutMs, 30000);
    EXPECT_EQ(c.thanksMs, 5000);
    EXPECT_EQ(c.orientation, Orientation::Auto);
    EXPECT_TRUE(c.fullscreen);
    for (const auto& lang : c.languages) EXPECT_FALSE(c.centreNameIn(lang).empty()) << lang;
}

TEST(DeviceConfig, EmptyFileKeepsTheDefaults) {
    for (const std::string& text : {std::string(), std::string("\n# only a comment\n\n")}) {
        auto load = parseSafely(text);
        ASSERT_TRUE(load.config) << load.problems.describe();
        EXPECT_EQ(load.config->file, "/etc/otklik/kiosk.toml");
        EXPECT_EQ(load.config->terminalId, defaults().terminalId);
        EXPECT_EQ(load.config->questionnairePath, defaults().questionnairePath);
        EXPECT_EQ(load.config->dataDir, "/var/lib/otklik");
    }
}

TEST(DeviceConfig, DemoConfigLoadsWithEveryValue) {
    auto load = loadDeviceConfig(kDemoConfig.string(), defaults());
    ASSERT_TRUE(load.config) << load.problems.describe();
    const DeviceConfig& c = *load.config;
    EXPECT_EQ(c.terminalId, "demo-vladivostok-01");
    EXPECT_EQ(c.languages, (std::vector<std::string>{"ru", "uk", "en"}));
    // Relative paths are taken from the config file's folder.
    EXPECT_EQ(fs::path(c.assetsDir), kAssets.lexically_normal());
    EXPECT_EQ(fs::path(c.questionnairePath), (kAssets / "questionnaires" / "default.json").lexically_normal());
    EXPECT_EQ(fs::path(c.dataDir), (fs::path(OTKLIK_SOURCE_DIR) / "build" / "demo" / "data").lexically_normal());
    EXPECT_EQ(c.qrBaseUrl, "https://hub.otklik.example.org/q/demo-vladivostok-01");
    EXPECT_EQ(c.centreNameIn("uk"), "ЦНАП «Мої документи», Владивосток");
    EXPECT_EQ(c.idleTimeoutMs, 30000);
    EXPECT_EQ(c.thanksMs, 5000);
    EXPECT_EQ(c.repeatIntervalMs, 600);
    EXPECT_EQ(c.orientation, Orientation::Auto);
    EXPECT_DOUBLE_EQ(c.diagonalInches, 21.5);
    EXPECT_TRUE(c.fullscreen);
}

TEST(DeviceConfig, ShippedExampleConfigParses) {
    // Its paths point at an installed system, so only the file itself is checked here.
    auto load = loadDeviceConfig((fs::path(OTKLIK_SOURCE_DIR) / "packaging" / "otklik-kiosk.toml").string(), defaults());
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->assetsDir, "/usr/share/otklik");
    EXPECT_EQ(load.config->questionnairePath, "/etc/otklik/questionnaire.json");
    EXPECT_FALSE(load.config->centreNameIn("ru").empty());
}

TEST(DeviceConfig, EverySettingIsRead) {
    auto load = parseSafely(R"(terminal_id = "north.office_2-b"
centre_name = "Centre"
languages = ["uk", "en"]
assets_dir = "/opt/otklik/assets"
questionnaire_path = "surveys/north.json"
data_dir = "/srv/otklik"
qr_base_url = "https://hub.example.org/q/north"

[timeouts]
idle_s = 45
thanks_s = 8
repeat_interval_ms = 0

[screen]
orientation = "portrait"
diagonal_inches = 32
fullscreen = false
)");
    ASSERT_TRUE(load.config) << load.problems.describe();
    const DeviceConfig& c = *load.config;
    EXPECT_EQ(c.terminalId, "north.office_2-b");
    EXPECT_EQ(c.languages, (std::vector<std::string>{"uk", "en"}));
    EXPECT_EQ(c.assetsDir, "/opt/otklik/assets");
    EXPECT_EQ(c.questionnairePath, "/etc/otklik/surveys/north.json");
    EXPECT_EQ(c.dataDir, "/srv/otklik");
    EXPECT_EQ(c.qrBaseUrl, "https://hub.example.org/q/north");
    EXPECT_EQ(c.idleTimeoutMs, 45000);
    EXPECT_EQ(c.thanksMs, 8000);
    EXPECT_EQ(c.repeatIntervalMs, 0);
    EXPECT_EQ(c.orientation, Orientation::Portrait);
    EXPECT_DOUBLE_EQ(c.diagonalInches, 32.0);  // a whole number is a number of inches too
    EXPECT_FALSE(c.fullscreen);
    // One name for every language.
    EXPECT_EQ(c.centreNameIn("uk"), "Centre");
    EXPECT_EQ(c.centreNameIn("de"), "Centre");
}

TEST(DeviceConfig, RangeLimitsAreInclusive) {
    for (const char* text : {"[timeouts]\nidle_s = 5\nthanks_s = 1\nrepeat_interval_ms = 0\n[screen]\ndiagonal_inches = 5.0",
                             "[timeouts]\nidle_s = 600\nthanks_s = 60\nrepeat_interval_ms = 5000\n[screen]\ndiagonal_inches = 100"}) {
        auto load = parseSafely(text);
        EXPECT_TRUE(load.config) << text << "\n" << load.problems.describe();
    }
    auto load = parseSafely("[timeouts]\nidle_s = 601\nthanks_s = 0\nrepeat_interval_ms = 5001");
    ASSERT_EQ(load.problems.list().size(), 3u) << load.problems.describe();
    EXPECT_TRUE(hasProblem(load.problems.list(), "line 2 (timeouts.idle_s)", "is 601 seconds, allowed 5 to 600"));
    EXPECT_TRUE(hasProblem(load.problems.list(), "line 3 (timeouts.thanks_s)", "is 0 seconds, allowed 1 to 60"));
    EXPECT_TRUE(hasProblem(load.problems.list(), "line 4 (timeouts.repeat_interval_ms)", "is 5001 milliseconds"));
}

TEST(DeviceConfig, EveryOrientationIsKnown) {
    for (auto o : {Orientation::Auto, Orientation::Landscape, Orientation::Portrait}) {
        auto load = parseSafely(std::string("[screen]\norientation = \"") + toString(o) + "\"");
        ASSERT_TRUE(load.config) << load.problems.describe();
        EXPECT_EQ(load.config->orientation, o);
    }
    auto load = parseSafely("[screen]\norientation = \"Portrait\"");  // case matters
    EXPECT_TRUE(hasProblem(load.problems.list(), "line 2 (screen.orientation)", "\"Portrait\" is not an orientation"));
}

TEST(DeviceConfig, RelativePathsFollowTheConfigFile) {
    auto load = parseSafely("assets_dir = \"../share/otklik/./assets\"\ndata_dir = \"data\"", "/etc/otklik/kiosk.toml");
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->assetsDir, "/etc/share/otklik/assets");
    EXPECT_EQ(load.config->dataDir, "/etc/otklik/data");
    // The questionnaire follows assets_dir unless given itself.
    EXPECT_EQ(load.config->questionnairePath, "/etc/share/otklik/assets/questionnaires/default.json");
    // A config named without a folder is relative to the working directory.
    load = parseSafely("data_dir = \"data\"", "kiosk.toml");
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->dataDir, "data");
}

TEST(DeviceConfig, CentreNameTranslationsAndFallbacks) {
    auto load = parseSafely("languages = [\"uk\", \"en\"]\n[centre_name]\nuk = \"ЦНАП\"\nen = \"Centre\"\n");
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->centreNameIn("en"), "Centre");
    EXPECT_EQ(load.config->centreNameIn("de"), "ЦНАП");  // the default language's name
    DeviceConfig none = defaults();
    none.centreName.clear();
    EXPECT_EQ(none.centreNameIn("ru"), "");
}

TEST(DeviceConfig, EveryMistakeIsReportedInOneRun) {
    auto load = parseSafely(R"(terminal_id = "a b"
languages = ["ru", "RU"]
qr_base_url = "ftp://x"
[timeouts]
idle_s = 0
[screen]
fullscreen = 1
)");
    ASSERT_EQ(load.problems.list().size(), 5u) << load.problems.describe();
    const auto& list = load.problems.list();
    EXPECT_EQ(list[0].place, "line 1 (terminal_id)");
    EXPECT_EQ(list[1].place, "line 2 (languages)");
    EXPECT_EQ(list[1].message, "\"RU\" is not a language code");
    EXPECT_EQ(list[2].place, "line 3 (qr_base_url)");
    EXPECT_EQ(list[3].place, "line 5 (timeouts.idle_s)");
    EXPECT_EQ(list[4].place, "line 7 (screen.fullscreen)");
}

TEST(DeviceConfig, ByteOrderMarkAndWindowsLineEndingsAreAccepted) {
    auto load = loadDeviceConfig((kGoodDir / "bom_crlf.toml").string(), defaults());
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->terminalId, "bom-01");
    EXPECT_EQ(load.config->languages, (std::vector<std::string>{"uk", "en"}));
    EXPECT_EQ(load.config->orientation, Orientation::Portrait);
}

TEST(DeviceConfig, MissingFileTellsHowToPassOne) {
    std::string path = (kBadDir / "no-such.toml").string();
    auto load = loadDeviceConfig(path, defaults());
    EXPECT_FALSE(load.config);
    ASSERT_EQ(load.problems.list().size(), 1u);
    const Problem& p = load.problems.list()[0];
    EXPECT_EQ(p.file, path);
    EXPECT_NE(p.message.find("cannot open: No such file"), std::string::npos) << p.describe();
    EXPECT_NE(p.fix.find("--config"), std::string::npos) << p.describe();
}

TEST(DeviceConfig, DirectoryIsAProblem) {
    auto load = loadDeviceConfig(kBadDir.string(), defaults());
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("is a directory"), std::string::npos);
}

TEST(DeviceConfig, UnreadableFileIsAProblem) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
    TempDir dir;
    fs::path path = dir.path() / "kiosk.toml";
    writeFile(path, "terminal_id = \"x\"\n");
    fs::permissions(path, fs::perms::none);
    auto load = loadDeviceConfig(path.string(), defaults());
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("Permission denied"), std::string::npos);
}

TEST(DeviceConfig, HugeFileIsRefusedBeforeReading) {
    TempDir dir;
    fs::path path = dir.path() / "kiosk.toml";
    writeFile(path, std::string(5 * 1024 * 1024, '#'));
    auto load = loadDeviceConfig(path.string(), defaults());
    ASSERT_EQ(load.problems.list().size(), 1u);
    EXPECT_NE(load.problems.list()[0].message.find("larger than 4 MiB"), std::string::npos);
}

TEST(DeviceConfig, GarbageAndOddInputsAreProblemsNotCrashes) {
    std::string garbage;
    uint32_t x = 777;
    for (int i = 0; i < 4096; ++i) {
        x = x * 1103515245 + 12345;
        garbage += static_cast<char>(x >> 16);
    }
    std::string utf16 = "\xff\xfe";
    for (char c : std::string("terminal_id = \"x\"\n")) {
        utf16 += c;
        utf16 += '\0';
    }
    for (const std::string& text : {garbage, utf16, std::string("terminal_id = \"a\0b\"", 19), std::string("\0", 1),
                                    std::string("[[[[[[[["), std::string("x = ") + std::string(100000, '{'),
                                    std::string("languages = ") + std::string(100000, '['), std::string("terminal_id = \"") +
                                        std::string(1 << 20, 'a') + "\""}) {
        auto load = parseSafely(text);
        EXPECT_FALSE(load.config);
        EXPECT_FALSE(load.problems.empty());
    }
}

TEST(DeviceConfig, EveryTruncationOfTheDemoConfigIsHandled) {
    std::string text = readFile(kDemoConfig);
    ASSERT_FALSE(text.empty());
    for (size_t n = 0; n < text.size(); ++n) parseSafely(text.substr(0, n));
}

TEST(KioskSetup, BuiltInDefaultsLoadTheShippedAssets) {
    auto load = loadKioskSetup("", defaults());
    ASSERT_TRUE(load.setup) << load.describe();
    EXPECT_EQ(load.setup->questionnaire.id, "default");
    for (const auto& lang : load.setup->config.languages)
        for (const auto& key : uiStringKeys()) EXPECT_TRUE(load.setup->strings.has(key, lang)) << lang << " " << key;
    EXPECT_EQ(load.describe(), "");
}

TEST(KioskSetup, DemoConfigLoadsEverything) {
    auto load = loadKioskSetup(kDemoConfig.string(), defaults());
    ASSERT_TRUE(load.setup) << load.describe();
    EXPECT_EQ(load.setup->config.terminalId, "demo-vladivostok-01");
}

TEST(KioskSetup, ALanguageMissingFromTheOtherFilesIsReportedByEach) {
    TempDir dir;
    fs::path config = dir.path() / "kiosk.toml";
    writeFile(config, "languages = [\"ru\", \"de\"]\nassets_dir = \"" + kAssets.string() + "\"\n");
    auto load = loadKioskSetup(config.string(), defaults());
    EXPECT_FALSE(load.setup);
    // ui.json lacks German, and so does the questionnaire: the device config is blamed for
    // the second, since the questionnaire itself is fine.
    std::string ui = (kAssets / "i18n" / "ui.json").string();
    auto fromUi = std::find_if(load.problems.begin(), load.problems.end(), [&](const Problem& p) { return p.file == ui; });
    ASSERT_NE(fromUi, load.problems.end()) << load.describe();
    EXPECT_EQ(fromUi->place, "de");
    EXPECT_EQ(fromUi->message, "language missing");
    auto cross = std::find_if(load.problems.begin(), load.problems.end(), [&](const Problem& p) { return p.file == config.string(); });
    ASSERT_NE(cross, load.problems.end()) << load.describe();
    EXPECT_EQ(cross->place, "languages");
    EXPECT_NE(cross->message.find("\"de\" is not a language of the questionnaire"), std::string::npos);
    EXPECT_NE(cross->fix.find("remove it from languages"), std::string::npos);
    // describe() gives one line per problem.
    std::string described = load.describe();
    EXPECT_EQ(static_cast<size_t>(std::count(described.begin(), described.end(), '\n')), load.problems.size());
}

TEST(KioskSetup, BadConfigStopsBeforeTheOtherFiles) {
    TempDir dir;
    fs::path config = dir.path() / "kiosk.toml";
    writeFile(config, "assets_dir = \"/nonexistent\"\nlanguages = \"ru\"\n");
    auto load = loadKioskSetup(config.string(), defaults());
    EXPECT_FALSE(load.setup);
    ASSERT_EQ(load.problems.size(), 1u) << load.describe();
    EXPECT_EQ(load.problems[0].file, config.string());
    EXPECT_EQ(load.problems[0].place, "line 2 (languages)");
}

TEST(KioskSetup, MissingQuestionnaireNamesItsPath) {
    TempDir dir;
    fs::path config = dir.path() / "kiosk.toml";
    writeFile(config, "questionnaire_path = \"survey.json\"\nassets_dir = \"" + kAssets.string() + "\"\n");
    auto load = loadKioskSetup(config.string(), defaults());
    EXPECT_FALSE(load.setup);
    std::string survey = (dir.path() / "survey.json").string();
    ASSERT_EQ(load.problems.size(), 1u) << load.describe();
    EXPECT_EQ(load.problems[0].file, survey);
    EXPECT_NE(load.problems[0].message.find("cannot open"), std::string::npos);
    EXPECT_NE(load.problems[0].fix.find("questionnaire_path"), std::string::npos);
}

TEST(KioskSetup, ProblemsFromSeveralFilesAreAllReported) {
    TempDir dir;
    fs::create_directories(dir.path() / "assets" / "i18n");
    writeFile(dir.path() / "assets" / "i18n" / "ui.json", "{\"en\": {\"nav.back\": 1}}");
    writeFile(dir.path() / "survey.json", "{\"format\": 1,}");
    fs::path config = dir.path() / "kiosk.toml";
    writeFile(config, "languages = [\"en\"]\nassets_dir = \"assets\"\nquestionnaire_path = \"survey.json\"\n");
    auto load = loadKioskSetup(config.string(), defaults());
    EXPECT_FALSE(load.setup);
    ASSERT_GE(load.problems.size(), 2u) << load.describe();
    // File order: the questionnaire first, then the strings.
    EXPECT_EQ(load.problems[0].file, (dir.path() / "survey.json").string());
    EXPECT_EQ(load.problems[0].place, "line 1, column 14");
    EXPECT_EQ(load.problems[1].file, (dir.path() / "assets" / "i18n" / "ui.json").string());
    EXPECT_TRUE(hasProblem(load.problems, "en.nav.back", "is a whole number, expected text")) << load.describe();
    // A string of the wrong type is not also reported missing.
    EXPECT_EQ(std::count_if(load.problems.begin(), load.problems.end(), [](const Problem& p) { return p.place == "en.nav.back"; }), 1);
}

// The shipped config names the hub and how to trust it, and nothing else: the terminal is not
// enrolled yet, keeps every response, and gets its id and token from enrolment.
TEST(DeviceConfig, AHubWithoutTokenOrIdIsATerminalNotEnrolledYet) {
    DeviceConfig defaults = defaultDeviceConfig("/usr/share/otklik", "/var/lib/otklik");
    auto load = parseDeviceConfig("[hub]\nurl = \"https://hub.example.org\"\nca_file = \"/etc/otklik/hub-ca.pem\"\n", "/etc/otklik/kiosk.toml", defaults);
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->terminalId, "");
    EXPECT_FALSE(load.config->enrolled());
    EXPECT_EQ(load.config->hub.caFile, "/etc/otklik/hub-ca.pem");
    // With a terminal id and a token, as `terminal add` configs have them, it is enrolled.
    load = parseDeviceConfig("terminal_id = \"t-1\"\n[hub]\nurl = \"https://hub.example.org\"\ntoken = \"otk_x\"\n", "k.toml", defaults);
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_TRUE(load.config->enrolled());
    // Without a hub the built-in demo id stays: such a terminal keeps its responses to itself.
    load = parseDeviceConfig("", "k.toml", defaults);
    EXPECT_EQ(load.config->terminalId, "demo-terminal");
}

TEST(DeviceConfig, QrSecretAndRotationAreRead) {
    auto load = parseSafely(R"(terminal_id = "demo-vladivostok-01"
[hub]
url = "https://hub.example.org/"
token = "otk_x"
qr_secret = "Zm9vYmFyLWJhei1xdXV4LXF1dXV4LXF1dXV4LXF1dXV"
qr_rotate_s = 30
)");
    ASSERT_TRUE(load.config) << load.problems.describe();
    EXPECT_EQ(load.config->hub.qrSecret, "Zm9vYmFyLWJhei1xdXV4LXF1dXV4LXF1dXV4LXF1dXV");
    EXPECT_EQ(load.config->hub.qrRotateS, 30);
    EXPECT_EQ(load.config->hub.url, "https://hub.example.org");

    // Without a secret the static qr_base_url link stays, and rotation keeps its default.
    auto plain = parseSafely("terminal_id = \"t-1\"\n[hub]\nurl = \"https://hub.example.org\"\ntoken = \"otk_x\"\n");
    ASSERT_TRUE(plain.config) << plain.problems.describe();
    EXPECT_EQ(plain.config->hub.qrSecret, "");
    EXPECT_EQ(plain.config->hub.qrRotateS, 60);
}
