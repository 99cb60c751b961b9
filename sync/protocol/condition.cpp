// show_if conditions (see condition.h and docs/questionnaire.md).
#include "condition.h"

#include <algorithm>

namespace otklik {

namespace {

const Answer* find(const Answers& answers, const std::string& questionId) {
    auto it = answers.find(questionId);
    return it == answers.end() ? nullptr : &it->second;
}

}  // namespace

bool conditionHolds(const Condition& c, const Answers& answers) {
    switch (c.kind) {
        case Condition::Kind::AnyRatingAtMost:
            return std::any_of(answers.begin(), answers.end(),
                               [&](const auto& item) { return item.second.rating >= 1 && item.second.rating <= c.number; });
        case Condition::Kind::AtMost: {
            const Answer* a = find(answers, c.question);
            return a && a->rating >= 1 && a->rating <= c.number;
        }
        case Condition::Kind::AtLeast: {
            const Answer* a = find(answers, c.question);
            return a && a->rating >= c.number;
        }
        case Condition::Kind::Is: {
            const Answer* a = find(answers, c.question);
            return a && std::find(a->selected.begin(), a->selected.end(), c.option) != a->selected.end();
        }
        case Condition::Kind::Any:
            return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& child) { return conditionHolds(child, answers); });
        case Condition::Kind::All:
            return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& child) { return conditionHolds(child, answers); });
    }
    return false;
}

}  // namespace otklik
