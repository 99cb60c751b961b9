// The hub's config reply and the saved config file: shape checks and (de)serialisation.
#include "hub_config.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "sync/protocol/file_io.h"

namespace otklik {

using nlohmann::json;

namespace {

// A whole number in [min, max] under settings.<key>; false with `error` set otherwise.
bool readSetting(const json& settings, const char* key, int min, int max, int& out, std::string& error) {
    auto found = settings.find(key);
    if (found == settings.end() || !found->is_number_integer()) {
        error = std::string("settings.") + key + " is missing or not a whole number";
        return false;
    }
    auto value = found->get<int64_t>();
    if (value < min || value > max) {
        error = std::string("settings.") + key + " is " + std::to_string(value) + ", outside " + std::to_string(min) + "–" +
                std::to_string(max);
        return false;
    }
    out = static_cast<int>(value);
    return true;
}

std::optional<HubConfig> fromJson(const json& reply, std::string body, const std::string& etag, std::string& error) {
    if (!reply.is_object()) {
        error = "the hub's config reply is not a JSON object";
        return std::nullopt;
    }
    HubConfig config;
    config.etag = etag;
    config.body = std::move(body);
    for (auto [key, target] : {std::pair<const char*, std::string*>{"terminal_id", &config.terminalId},
                               {"centre", &config.centre},
                               {"questionnaire_version", &config.questionnaireVersion}}) {
        auto found = reply.find(key);
        if (found == reply.end() || !found->is_string()) {
            error = std::string("the hub's config reply has no text \"") + key + "\"";
            return std::nullopt;
        }
        *target = found->get<std::string>();
    }
    auto questionnaire = reply.find("questionnaire");
    if (questionnaire == reply.end() || !(questionnaire->is_null() || questionnaire->is_object())) {
        error = "the hub's config reply has no \"questionnaire\" (an object, or null when none is assigned)";
        return std::nullopt;
    }
    if (questionnaire->is_object()) config.questionnaireJson = questionnaire->dump();
    if (auto pin = reply.find("service_pin"); pin != reply.end() && pin->is_object()) config.servicePinJson = pin->dump();
    auto settings = reply.find("settings");
    if (settings == reply.end() || !settings->is_object()) {
        error = "the hub's config reply has no \"settings\" object";
        return std::nullopt;
    }
    HubSettings& s = config.settings;
    if (!readSetting(*settings, "heartbeat_interval_s", 1, 86'400, s.heartbeatIntervalS, error) ||
        !readSetting(*settings, "batch_size", 1, 1000, s.batchSize, error) ||
        !readSetting(*settings, "qr_token_window_s", 1, 86'400, s.qrTokenWindowS, error)) {
        error = "the hub's config reply: " + error;
        return std::nullopt;
    }
    return config;
}

}  // namespace

std::optional<HubConfig> parseHubConfig(const std::string& body, const std::string& etag, std::string& error) {
    json reply = json::parse(body, nullptr, false);
    if (reply.is_discarded()) {
        error = "the hub's config reply is not JSON";
        return std::nullopt;
    }
    return fromJson(reply, reply.dump(), etag, error);  // canonical: equal configs give equal text
}

std::string hubConfigFileText(const HubConfig& config) {
    json reply = json::parse(config.body, nullptr, false);
    return json{{"etag", config.etag}, {"config", reply}}.dump(2) + "\n";
}

std::optional<HubConfig> loadHubConfigFile(const std::string& path, std::string& error) {
    std::string readError;
    auto text = readWholeFile(path, readError);
    if (!text) {
        error = path + ": " + readError;
        return std::nullopt;
    }
    json file = json::parse(*text, nullptr, false);
    if (!file.is_object() || !file.contains("etag") || !file["etag"].is_string() || !file.contains("config")) {
        error = path + ": is damaged (not the {\"etag\", \"config\"} JSON the kiosk writes); it is ignored";
        return std::nullopt;
    }
    auto config = fromJson(file["config"], file["config"].dump(), file["etag"].get<std::string>(), error);
    if (!config) error = path + ": " + error;
    return config;
}

SavedHubConfig loadSavedHubConfig(const std::string& dataDir, const ConfigValidator& validator) {
    SavedHubConfig out;
    for (const char* name : {kHubConfigFile, kPreviousHubConfigFile}) {
        std::string path = dataDir + "/" + name;
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) continue;  // never saved: nothing to say
        std::string error;
        auto config = loadHubConfigFile(path, error);
        if (config && validator) {
            std::string why = validator(*config);
            if (!why.empty()) {
                error = path + ": no longer fits this terminal: " + why;
                config.reset();
            }
        }
        if (!config) {
            out.skipped.push_back(error);
            continue;
        }
        out.config = std::move(config);
        out.file = path;
        break;
    }
    return out;
}

}  // namespace otklik
