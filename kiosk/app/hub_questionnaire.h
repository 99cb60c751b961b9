// The kiosk's side of the hub's config: its own checks of a questionnaire from the hub (the
// validator the config puller runs), the choice of questionnaire at start (the saved hub
// config, else the previous one, else the terminal's own), and the updates the frame loop
// applies between visitors.
#pragma once

#include <optional>
#include <string>

#include "kiosk/app/questionnaire_updates.h"
#include "kiosk/config/kiosk_setup.h"
#include "sync/client/config_mailbox.h"
#include "sync/client/hub_config.h"

namespace otklik {

// The validator for ConfigPuller: the hub's questionnaire must parse and fit this terminal's
// device config (its languages) as a local one must at start. A config without a
// questionnaire is fine: the terminal's own is then used.
[[nodiscard]] ConfigValidator hubConfigValidator(DeviceConfig config);

// The hub config's questionnaire, parsed; nullopt with `problems` set if it does not parse or
// fit (or the hub assigns none: `problems` then stays empty).
[[nodiscard]] std::optional<Questionnaire> questionnaireFromHub(const HubConfig& config, const DeviceConfig& device, std::string& problems);

struct StartingQuestionnaire {
    Questionnaire questionnaire;
    std::string source;  // for the log: which file and why
};
// What the kiosk asks at start: <data_dir>/hub-config.json if present and valid, else
// hub-config.previous.json, else `setup.questionnaire` (the assets'). Logs which, and why a
// saved file was passed over; a damaged file never stops the kiosk.
[[nodiscard]] StartingQuestionnaire chooseStartingQuestionnaire(const KioskSetup& setup);

// Updates from the config puller's mailbox: the hub's questionnaire, or the terminal's own
// (`local`) when the hub stops assigning one.
class HubQuestionnaireUpdates final : public QuestionnaireUpdates {
public:
    HubQuestionnaireUpdates(ConfigMailbox& mailbox, Questionnaire local, DeviceConfig device)
        : mailbox_(mailbox), local_(std::move(local)), device_(std::move(device)) {}
    [[nodiscard]] std::optional<Questionnaire> take() override;
    [[nodiscard]] bool waitArrived(int64_t timeoutMs) override { return mailbox_.waitForPost(timeoutMs); }

private:
    ConfigMailbox& mailbox_;
    const Questionnaire local_;
    const DeviceConfig device_;
};

}  // namespace otklik
