// Where the kiosk's next questionnaire comes from while it runs (the hub's config, handed over
// by the sync thread). The frame loop asks only on the UI thread and only between visitors,
// so a visitor always finishes under the questionnaire they started with.
#pragma once

#include <cstdint>
#include <optional>

#include "sync/protocol/questionnaire.h"

namespace otklik {

class QuestionnaireUpdates {
public:
    virtual ~QuestionnaireUpdates() = default;
    // The questionnaire to use from now on, handed out once; nullopt when nothing new arrived.
    [[nodiscard]] virtual std::optional<Questionnaire> take() = 0;
    // Blocks up to timeoutMs of real time until an update has arrived during this run (taken
    // or not); for the headless `wait-config` step.
    [[nodiscard]] virtual bool waitArrived(int64_t timeoutMs) = 0;
};

}  // namespace otklik
