// Reading and checking the device config TOML.
#include "device_config.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <toml++/toml.h>

#include "kiosk/config/qr_check.h"
#include "sync/protocol/file_io.h"
#include "sync/protocol/json_check.h"
#include "sync/protocol/suggest.h"
#include "sync/protocol/terminal_id.h"

namespace otklik {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string_view> kTopKeys = {"terminal_id", "centre_name", "languages", "assets_dir",
                                                "questionnaire_path", "data_dir", "qr_base_url", "timeouts", "screen", "storage", "hub",
                                                "service"};
const std::vector<std::string_view> kTimeoutKeys = {"idle_s", "thanks_s", "repeat_interval_ms"};
const std::vector<std::string_view> kScreenKeys = {"orientation", "diagonal_inches", "fullscreen"};
const std::vector<std::string_view> kStorageKeys = {"keep_delivered_days", "budget_mb", "warn_percent"};
const std::vector<std::string_view> kServiceKeys = {"usb_dir", "backlight"};
const std::vector<std::string_view> kHubKeys = {"url", "token", "ca_file", "pins", "proxy", "batch_size", "insecure_development_only", "clock_suspect_after_s", "start_delay_max_s", "qr_secret", "qr_rotate_s"};

// Where a setting belongs, for one written in the wrong section (the commonest slip: a line
// added at the end of the file lands in the last [section]); "" for a name used nowhere.
std::string homeOf(const std::string& name) {
    auto in = [&](const std::vector<std::string_view>& keys) { return std::find(keys.begin(), keys.end(), name) != keys.end(); };
    if (in(kTopKeys)) return "to the top of the file, above the first [section] line";
    if (in(kTimeoutKeys)) return "under the [timeouts] line";
    if (in(kScreenKeys)) return "under the [screen] line";
    if (in(kStorageKeys)) return "under the [storage] line";
    if (in(kHubKeys)) return "under the [hub] line";
    if (in(kServiceKeys)) return "under the [service] line";
    return "";
}

std::string where(const toml::node& node, const std::string& key) {
    const auto& src = node.source();
    if (src.begin.line == 0) return key;
    return "line " + std::to_string(src.begin.line) + " (" + key + ")";
}

std::string typeWord(const toml::node& node) {
    if (node.is_string()) return "text";
    if (node.is_integer()) return "a whole number";
    if (node.is_floating_point()) return "a number";
    if (node.is_boolean()) return "true/false";
    if (node.is_array()) return "a list";
    if (node.is_table()) return "a table";
    return "a date or time";
}

class Reader {
public:
    Reader(Problems& problems, fs::path base) : problems_(problems), base_(std::move(base)) {}

    void unknownKeys(const toml::table& table, const std::string& prefix, const std::vector<std::string_view>& allowed) {
        for (const auto& [key, node] : table) {
            std::string name(key.str());
            if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
            std::string home = homeOf(name);
            if (!home.empty()) {
                problems_.add(where(node, prefix + name), "\"" + name + "\" is not a setting " +
                              (prefix.empty() ? std::string("of the top level") : "of [" + prefix.substr(0, prefix.size() - 1) + "]"),
                              "move the line " + home);
                continue;
            }
            std::string best = closestName(name, allowed);
            std::string fix = best.empty() ? "remove it; allowed here: " : "did you mean \"" + best + "\"? Allowed here: ";
            problems_.add(where(node, prefix + name), "unknown setting \"" + prefix + name + "\"", fix + joinNames(allowed));
        }
    }

    std::optional<std::string> text(const toml::table& t, const std::string& key, const std::string& shown) {
        const toml::node* n = t.get(key);
        if (!n) return std::nullopt;
        if (!n->is_string()) {
            problems_.add(where(*n, shown), "is " + typeWord(*n) + ", expected text", "put the value in double quotes");
            return std::nullopt;
        }
        return n->value<std::string>();
    }

    std::optional<std::string> path(const toml::table& t, const std::string& key) {
        auto value = text(t, key, key);
        if (!value) return std::nullopt;
        if (value->empty()) {
            problems_.add(where(*t.get(key), key), "is empty", "give a path or remove the line to use the default");
            return std::nullopt;
        }
        fs::path p(*value);
        return (p.is_absolute() ? p : base_ / p).lexically_normal().string();
    }

    std::optional<int64_t> integer(const toml::table& t, const std::string& key, const std::string& shown,
                                   int64_t min, int64_t max, const std::string& unit) {
        const toml::node* n = t.get(key);
        if (!n) return std::nullopt;
        if (!n->is_integer()) {
            problems_.add(where(*n, shown), "is " + typeWord(*n) + ", expected a whole number of " + unit,
                          "write a number without quotes, from " + std::to_string(min) + " to " + std::to_string(max));
            return std::nullopt;
        }
        int64_t v = *n->value<int64_t>();
        if (v < min || v > max) {
            problems_.add(where(*n, shown), "is " + std::to_string(v) + " " + unit + ", allowed " + std::to_string(min) +
                          " to " + std::to_string(max), "choose a value in that range");
            return std::nullopt;
        }
        return v;
    }

    Problems& problems_;
    fs::path base_;
};

// 215 rather than std::to_string's "215.000000": the reader compares it with what they wrote.
std::string shortNumber(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", v);
    return buffer;
}

void readScreen(Reader& r, const toml::table& screen, DeviceConfig& c) {
    r.unknownKeys(screen, "screen.", kScreenKeys);
    if (auto o = r.text(screen, "orientation", "screen.orientation")) {
        if (*o == "auto") c.orientation = Orientation::Auto;
        else if (*o == "landscape") c.orientation = Orientation::Landscape;
        else if (*o == "portrait") c.orientation = Orientation::Portrait;
        else
            r.problems_.add(where(*screen.get("orientation"), "screen.orientation"), "\"" + *o + "\" is not an orientation",
                            "use \"auto\" (follow the display), \"landscape\" or \"portrait\" (rotate the picture to match how the screen is mounted)");
    }
    if (const toml::node* n = screen.get("diagonal_inches")) {
        if (!n->is_number()) {
            r.problems_.add(where(*n, "screen.diagonal_inches"), "is " + typeWord(*n) + ", expected a number of inches",
                            "write e.g. 21.5 without quotes");
        } else {
            double v = *n->value<double>();
            if (!(v >= 5.0 && v <= 100.0))
                r.problems_.add(where(*n, "screen.diagonal_inches"), "is " + shortNumber(v) + ", allowed 5 to 100",
                                "measure the visible screen diagonally and give it in inches");
            else
                c.diagonalInches = v;
        }
    }
    if (const toml::node* n = screen.get("fullscreen")) {
        if (!n->is_boolean())
            r.problems_.add(where(*n, "screen.fullscreen"), "is " + typeWord(*n) + ", expected true or false", "write true or false without quotes");
        else
            c.fullscreen = *n->value<bool>();
    }
}

void readTimeouts(Reader& r, const toml::table& t, DeviceConfig& c) {
    r.unknownKeys(t, "timeouts.", kTimeoutKeys);
    if (auto v = r.integer(t, "idle_s", "timeouts.idle_s", 5, 600, "seconds")) c.idleTimeoutMs = *v * 1000;
    if (auto v = r.integer(t, "thanks_s", "timeouts.thanks_s", 1, 60, "seconds")) c.thanksMs = *v * 1000;
    if (auto v = r.integer(t, "repeat_interval_ms", "timeouts.repeat_interval_ms", 0, 5000, "milliseconds"))
        c.repeatIntervalMs = *v;
}

void readStorage(Reader& r, const toml::table& t, DeviceConfig& c) {
    r.unknownKeys(t, "storage.", kStorageKeys);
    if (auto v = r.integer(t, "keep_delivered_days", "storage.keep_delivered_days", 1, 3650, "days")) c.keepDeliveredDays = *v;
    if (auto v = r.integer(t, "budget_mb", "storage.budget_mb", 16, 1'000'000, "MiB")) c.storageBudgetMb = *v;
    if (auto v = r.integer(t, "warn_percent", "storage.warn_percent", 50, 99, "percent")) c.storageWarnPercent = static_cast<int>(*v);
}

void readService(Reader& r, const toml::table& t, DeviceConfig& c) {
    r.unknownKeys(t, "service.", kServiceKeys);
    if (auto p = r.path(t, "usb_dir")) c.service.usbDir = *p;
    if (auto p = r.path(t, "backlight")) c.service.backlight = *p;
}

void readHub(Reader& r, const toml::table& t, DeviceConfig& c) {
    r.unknownKeys(t, "hub.", kHubKeys);
    auto& hub = c.hub;
    if (auto v = r.text(t, "url", "hub.url")) {
        bool https = v->rfind("https://", 0) == 0;
        if ((!https && v->rfind("http://", 0) != 0) || v->size() < 10 || v->find_first_of(" \t\"<>") != std::string::npos)
            r.problems_.add(where(*t.get("url"), "hub.url"), "\"" + *v + "\" is not a hub address",
                            "write the hub's address, e.g. url = \"https://hub.example.org\"");
        else
            hub.url = v->back() == '/' ? v->substr(0, v->size() - 1) : *v;
    }
    if (auto v = r.text(t, "token", "hub.token")) {
        if (v->empty() || v->find_first_of(" \t\r\n") != std::string::npos)
            r.problems_.add(where(*t.get("token"), "hub.token"), "is empty or holds spaces",
                            "paste the token: line printed by `otklik-hub terminal add`");
        else
            hub.token = *v;
    }
    if (auto p = r.path(t, "ca_file")) hub.caFile = *p;
    if (const toml::node* n = t.get("pins")) {
        const toml::array* list = n->as_array();
        if (!list) {
            r.problems_.add(where(*n, "hub.pins"), "must be a list", "write pins = [\"sha256//…\", \"sha256//…\"] (current key and backup key)");
        } else {
            for (const auto& item : *list) {
                auto pin = item.value<std::string>();
                if (!pin || pin->rfind("sha256//", 0) != 0 || pin->size() != 52)
                    r.problems_.add(where(item, "hub.pins"), "holds something that is not a sha256// pin",
                                    "each pin is \"sha256//\" and 44 base64 characters (see docs/device-config.md)");
                else
                    hub.pins.push_back(*pin);
            }
        }
    }
    if (auto v = r.text(t, "proxy", "hub.proxy")) hub.proxy = *v;
    if (auto v = r.integer(t, "batch_size", "hub.batch_size", 1, 1000, "responses")) hub.batchSize = static_cast<int>(*v);
    if (auto v = r.integer(t, "start_delay_max_s", "hub.start_delay_max_s", 0, 300, "seconds")) hub.startDelayMaxS = *v;
    if (auto v = r.integer(t, "clock_suspect_after_s", "hub.clock_suspect_after_s", 10, 86400, "seconds")) hub.clockSuspectAfterS = *v;
    if (const toml::node* n = t.get("insecure_development_only")) {
        if (!n->is_boolean())
            r.problems_.add(where(*n, "hub.insecure_development_only"), "is " + typeWord(*n) + ", expected true or false",
                            "leave it out (never true on a real terminal)");
        else
            hub.insecureDevelopmentOnly = *n->value<bool>();
    }
    if (auto v = r.text(t, "qr_secret", "hub.qr_secret")) {
        if (!looksLikeQrSecret(*v))
            r.problems_.add(where(*t.get("qr_secret"), "hub.qr_secret"), "is not a QR secret (" + std::to_string(v->size()) + " characters)",
                            "paste the qr_secret: line printed by `otklik-hub terminal add`: 43 characters of A-Z a-z 0-9 - _");
        else
            hub.qrSecret = *v;
    }
    // A quarter of the hub's default 15-minute window: a code scanned just before it changes
    // still has most of the window left.
    if (auto v = r.integer(t, "qr_rotate_s", "hub.qr_rotate_s", 10, 225, "seconds")) hub.qrRotateS = *v;
    if (!hub.qrSecret.empty() && (hub.url.empty() || hub.url.rfind("https://", 0) != 0))
        r.problems_.add(where(*t.get("qr_secret"), "hub.qr_secret"), "needs the hub's https:// url: the signed QR code opens the hub there",
                        "add url = \"https://…\" (the hub's address as phones reach it) under [hub], or remove qr_secret");
    if (!hub.url.empty() && hub.url.rfind("http://", 0) == 0 && !hub.insecureDevelopmentOnly)
        r.problems_.add(where(*t.get("url"), "hub.url"), "is plain http://: responses would travel unencrypted",
                        "use the hub's https:// address");
    // A url without a token is a terminal not enrolled yet: it keeps every response and its
    // service mode offers enrolment, which writes the token to <data_dir>/credentials.toml.
}

void readLanguages(Reader& r, const toml::node& node, DeviceConfig& c) {
    const toml::array* list = node.as_array();
    if (!list || list->empty()) {
        r.problems_.add(where(node, "languages"), "must be a non-empty list", "write e.g. languages = [\"ru\", \"uk\", \"en\"]; the first is the default");
        return;
    }
    std::vector<std::string> langs;
    for (const auto& item : *list) {
        auto code = item.value<std::string>();
        if (!code || !json_check::isLanguageCode(*code)) {
            // Name the entry: "English" or "RU" are easy to fix once the reader sees which one.
            std::string what = code ? "\"" + *code + "\" is not a language code" : "holds " + typeWord(item) + ", not a language code";
            r.problems_.add(where(item, "languages"), what, "use two- or three-letter lowercase codes such as \"ru\"");
            return;
        }
        if (std::find(langs.begin(), langs.end(), *code) != langs.end()) {
            r.problems_.add(where(item, "languages"), "\"" + *code + "\" is listed twice", "list every language once");
            return;
        }
        langs.push_back(*code);
    }
    if (langs.size() > 6)
        r.problems_.add(where(node, "languages"), "has " + std::to_string(langs.size()) + " languages; at most 6 buttons fit the screen",
                        "keep the languages visitors of this centre use");
    else
        c.languages = langs;
}

void readCentreName(Reader& r, const toml::node& node, DeviceConfig& c) {
    if (auto s = node.value<std::string>()) {
        c.centreName = {{"*", *s}};
        return;
    }
    const toml::table* t = node.as_table();
    if (!t) {
        r.problems_.add(where(node, "centre_name"), "is " + typeWord(node) + ", expected text or a table of translations",
                        "write centre_name = \"...\" or a [centre_name] table with ru = \"...\", uk = \"...\"");
        return;
    }
    c.centreName.clear();
    for (const auto& [key, value] : *t) {
        auto s = value.value<std::string>();
        if (!s) {
            r.problems_.add(where(value, "centre_name." + std::string(key.str())), "expected text", "put the name in double quotes");
            continue;
        }
        c.centreName[std::string(key.str())] = *s;
    }
}

}  // namespace

const std::string& DeviceConfig::centreNameIn(const std::string& lang) const {
    static const std::string none;
    if (auto it = centreName.find(lang); it != centreName.end()) return it->second;
    if (auto it = centreName.find("*"); it != centreName.end()) return it->second;
    if (!languages.empty())
        if (auto it = centreName.find(languages.front()); it != centreName.end()) return it->second;
    return none;
}

const char* toString(Orientation orientation) {
    switch (orientation) {
        case Orientation::Auto: return "auto";
        case Orientation::Landscape: return "landscape";
        case Orientation::Portrait: return "portrait";
    }
    return "auto";
}

DeviceConfig defaultDeviceConfig(const std::string& assetsDir, const std::string& dataDir) {
    DeviceConfig c;
    c.assetsDir = assetsDir;
    c.questionnairePath = (fs::path(assetsDir) / "questionnaires" / "default.json").string();
    c.dataDir = dataDir;
    c.centreName = {{"ru", "Центр госуслуг"}, {"uk", "Центр надання адмінпослуг"}, {"en", "Public Service Centre"}};
    return c;
}

DeviceConfigLoad parseDeviceConfig(const std::string& tomlText, const std::string& file, const DeviceConfig& defaults) {
    DeviceConfigLoad out{std::nullopt, Problems(file)};
    toml::table root;
    try {
        root = toml::parse(tomlText, file);
    } catch (const toml::parse_error& e) {
        // toml++ explains in a programmer's words; the two slips that are not typos get advice of their own.
        std::string description(e.description());
        std::string fix = description.find("utf-8") != std::string::npos
                              ? "save the file as UTF-8 text: the editor's \"Save as\" offers the encoding"
                          : description.find("redefine") != std::string::npos
                              ? "each setting may be given once: delete one of the two lines"
                              : "correct the syntax there: text values need double quotes, each setting goes on its own line as key = value";
        out.problems.add("line " + std::to_string(e.source().begin.line) + ", column " + std::to_string(e.source().begin.column),
                         "not valid TOML (" + description + ")", fix);
        return out;
    }
    DeviceConfig c = defaults;
    c.file = file;
    fs::path base = fs::path(file).parent_path();
    Reader r(out.problems, base.empty() ? fs::path(".") : base);
    r.unknownKeys(root, "", kTopKeys);

    if (auto id = r.text(root, "terminal_id", "terminal_id")) {
        if (!validTerminalId(*id))
            out.problems.add(where(*root.get("terminal_id"), "terminal_id"), "\"" + *id + "\" is not a usable terminal id",
                             "use 1-64 Latin letters, digits, '-', '_' or '.', as given when the terminal was enrolled");
        else
            c.terminalId = *id;
    }
    if (const toml::node* n = root.get("centre_name")) {
        readCentreName(r, *n, c);
        c.centreNameGiven = true;
    }
    if (const toml::node* n = root.get("languages")) readLanguages(r, *n, c);
    bool questionnaireGiven = root.contains("questionnaire_path");
    if (auto p = r.path(root, "assets_dir")) c.assetsDir = *p;
    if (auto p = r.path(root, "questionnaire_path")) c.questionnairePath = *p;
    else if (!questionnaireGiven) c.questionnairePath = (fs::path(c.assetsDir) / "questionnaires" / "default.json").string();
    if (auto p = r.path(root, "data_dir")) c.dataDir = *p;
    if (auto url = r.text(root, "qr_base_url", "qr_base_url")) {
        if (url->rfind("https://", 0) != 0 || url->size() < 12)
            out.problems.add(where(*root.get("qr_base_url"), "qr_base_url"), "\"" + *url + "\" is not an https:// address",
                             "give the hub's public address starting with https://, as phones will open it");
        else if (url->size() > 120)
            out.problems.add(where(*root.get("qr_base_url"), "qr_base_url"), "is " + std::to_string(url->size()) + " characters long",
                             "use at most 120 characters so the QR code stays small enough to scan from a distance");
        else if (url->find_first_of(" \t\"<>") != std::string::npos)
            out.problems.add(where(*root.get("qr_base_url"), "qr_base_url"), "contains spaces or quotes",
                             "write the address without spaces or quotes; a space inside a path is written %20");
        else
            c.qrBaseUrl = *url;
    }
    if (const toml::node* n = root.get("timeouts")) {
        if (const toml::table* t = n->as_table()) readTimeouts(r, *t, c);
        else out.problems.add(where(*n, "timeouts"), "must be a [timeouts] table", "put its settings under a [timeouts] line");
    }
    if (const toml::node* n = root.get("screen")) {
        if (const toml::table* t = n->as_table()) readScreen(r, *t, c);
        else out.problems.add(where(*n, "screen"), "must be a [screen] table", "put its settings under a [screen] line");
    }
    if (const toml::node* n = root.get("storage")) {
        if (const toml::table* t = n->as_table()) readStorage(r, *t, c);
        else out.problems.add(where(*n, "storage"), "must be a [storage] table", "put its settings under a [storage] line");
    }
    if (const toml::node* n = root.get("service")) {
        if (const toml::table* t = n->as_table()) readService(r, *t, c);
        else out.problems.add(where(*n, "service"), "must be a [service] table", "put its settings under a [service] line");
    }
    if (const toml::node* n = root.get("hub")) {
        if (const toml::table* t = n->as_table()) readHub(r, *t, c);
        else out.problems.add(where(*n, "hub"), "must be a [hub] table", "put its settings under a [hub] line");
    }
    if (!c.hub.url.empty() && !root.contains("terminal_id")) {
        // Not enrolled yet: the id comes with the credentials at enrolment.
        c.terminalId.clear();
        if (!c.hub.token.empty())
            out.problems.add(where(*root["hub"].as_table()->get("token"), "hub.token"), "is given without terminal_id",
                             "add terminal_id = \"…\", the id the token was made for, at the top; or remove the token and enrol the "
                             "terminal from its service menu (docs/technician.md)");
    }
    if (out.problems.empty() && !c.hub.qrSecret.empty())
        checkQrBudget(c, where(*root["hub"].as_table()->get("qr_secret"), "hub.qr_secret"), out.problems);
    if (out.problems.empty()) out.config = std::move(c);
    return out;
}

DeviceConfigLoad loadDeviceConfig(const std::string& path, const DeviceConfig& defaults) {
    std::string error;
    auto text = readWholeFile(path, error);
    if (!text) {
        DeviceConfigLoad out{std::nullopt, Problems(path)};
        out.problems.add("", error, "pass the device config with --config, e.g. /etc/otklik/kiosk.toml");
        return out;
    }
    return parseDeviceConfig(*text, path, defaults);
}

}  // namespace otklik
