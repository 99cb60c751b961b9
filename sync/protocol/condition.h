// Whether a question's show_if condition holds for the answers given so far: one rule for the
// terminal's flow and the hub's phone form, so a question shows in the same cases on both.
#pragma once

#include "sync/protocol/questionnaire.h"
#include "sync/protocol/response.h"

namespace otklik {

bool conditionHolds(const Condition& condition, const Answers& answers);

}  // namespace otklik
