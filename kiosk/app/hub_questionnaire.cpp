// The kiosk's checks and choices for the questionnaire from the hub.
#include "hub_questionnaire.h"

#include "platform/log.h"

namespace otklik {

namespace {

std::string hubSource(const HubConfig& config) {
    return "from the hub (version \"" + config.questionnaireVersion + "\")";
}

}  // namespace

std::optional<Questionnaire> questionnaireFromHub(const HubConfig& config, const DeviceConfig& device, std::string& problems) {
    problems.clear();
    if (!config.hasQuestionnaire()) return std::nullopt;
    QuestionnaireLoad load = parseQuestionnaire(config.questionnaireJson, "questionnaire " + hubSource(config));
    if (!load.questionnaire) {
        problems = load.problems.describe();
    } else {
        Problems fits = checkQuestionnaireFits(*load.questionnaire, device, hubSource(config));
        if (!fits.empty()) problems = fits.describe();
        else if (load.questionnaire->version != config.questionnaireVersion)
            problems = "the questionnaire's own version \"" + load.questionnaire->version + "\" differs from the hub's questionnaire_version \"" +
                       config.questionnaireVersion + "\"; assign it again with `otklik-hub questionnaire set`";
    }
    while (!problems.empty() && problems.back() == '\n') problems.pop_back();
    if (!problems.empty()) return std::nullopt;
    return std::move(load.questionnaire);
}

ConfigValidator hubConfigValidator(DeviceConfig config) {
    return [device = std::move(config)](const HubConfig& hub) {
        // The hub answers with the terminal its token belongs to: another id means this
        // terminal was given another terminal's token, and nothing meant for that one applies here.
        if (!hub.terminalId.empty() && hub.terminalId != device.terminalId)
            return "the hub sends the config of terminal \"" + hub.terminalId + "\", but this terminal is \"" + device.terminalId +
                   "\": it was given another terminal's token. Enrol it again (docs/technician.md); its responses wait here until then";
        std::string problems;
        (void)questionnaireFromHub(hub, device, problems);
        return problems;
    };
}

StartingQuestionnaire chooseStartingQuestionnaire(const KioskSetup& setup) {
    const DeviceConfig& device = setup.config;
    SavedHubConfig saved = loadSavedHubConfig(device.dataDir, hubConfigValidator(device));
    for (const auto& why : saved.skipped) log::warning("start: a saved hub config is not used: " + why);
    StartingQuestionnaire out{setup.questionnaire, "the terminal's own " + device.questionnairePath};
    if (saved.config && saved.config->hasQuestionnaire()) {
        std::string problems;
        if (auto q = questionnaireFromHub(*saved.config, device, problems)) {
            out.questionnaire = std::move(*q);
            out.source = "the hub's, saved in " + saved.file;
        }
    } else if (saved.config) {
        out.source += " (the hub assigns none)";
    }
    log::info("start: questionnaire \"" + out.questionnaire.id + "\" version \"" + out.questionnaire.version + "\", " + out.source);
    return out;
}

std::optional<Questionnaire> HubQuestionnaireUpdates::take() {
    auto config = mailbox_.take();
    if (!config) return std::nullopt;
    if (!config->hasQuestionnaire()) return local_;
    std::string problems;
    auto questionnaire = questionnaireFromHub(*config, device_, problems);
    // The puller ran the same checks before posting, so this is a programmer error if it fires.
    if (!questionnaire) log::error("a hub config passed the checks once and fails them now: " + problems);
    return questionnaire;
}

}  // namespace otklik
