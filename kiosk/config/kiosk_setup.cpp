// Start-up loading and cross-checking of the kiosk's files.
#include "kiosk_setup.h"

#include <filesystem>

#include "kiosk/config/credentials.h"
#include "kiosk/config/overrides.h"
#include "kiosk/config/ui_string_keys.h"

namespace otklik {

std::string KioskSetupLoad::describe() const {
    std::string out;
    for (const auto& p : problems) out += p.describe() + "\n";
    return out;
}

KioskSetupLoad loadKioskSetup(const std::string& configPath, const DeviceConfig& defaults) {
    KioskSetupLoad out;
    auto append = [&](const Problems& ps) { out.problems.insert(out.problems.end(), ps.list().begin(), ps.list().end()); };

    DeviceConfig config = defaults;
    if (!configPath.empty()) {
        auto load = loadDeviceConfig(configPath, defaults);
        if (!load.config) {
            append(load.problems);
            return out;
        }
        config = std::move(*load.config);
    }
    OverridesLoad overrides = loadOverrides(config.dataDir);
    if (!overrides.error.empty()) out.warnings.push_back(overrides.error);
    out.overridden = applyOverrides(overrides.overrides, config, out.warnings);
    CredentialsLoad credentials = loadCredentials(config.dataDir);
    if (credentials.credentials) applyCredentials(*credentials.credentials, config, out.warnings);
    else if (!credentials.error.empty())
        out.warnings.push_back(credentials.error + " — the terminal runs as not enrolled (it keeps every response); enrol it again");

    auto questionnaire = loadQuestionnaire(config.questionnairePath);
    append(questionnaire.problems);
    std::string uiPath = (std::filesystem::path(config.assetsDir) / "i18n" / "ui.json").string();
    auto strings = loadStrings(uiPath, uiStringKeys(), config.languages);
    append(strings.problems);

    if (questionnaire.questionnaire) append(checkQuestionnaireFits(*questionnaire.questionnaire, config, config.questionnairePath));
    if (out.problems.empty())
        out.setup = KioskSetup{std::move(config), std::move(*questionnaire.questionnaire), std::move(*strings.strings)};
    return out;
}

Problems checkQuestionnaireFits(const Questionnaire& questionnaire, const DeviceConfig& config, const std::string& source) {
    Problems cross(config.file.empty() ? "device config (built-in defaults)" : config.file);
    for (const auto& lang : config.languages)
        if (!questionnaire.hasLanguage(lang))
            cross.add("languages", "\"" + lang + "\" is not a language of the questionnaire " + source,
                      "remove it from languages, or add its translations to the questionnaire");
    return cross;
}

}  // namespace otklik
