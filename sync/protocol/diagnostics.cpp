// Formatting of problems found in user-edited files.
#include "diagnostics.h"

namespace otklik {

std::string Problem::describe() const {
    std::string out = file;
    if (!place.empty()) out += ": " + place;
    out += ": " + message;
    if (!fix.empty()) out += ". Fix: " + fix;
    return out;
}

void Problems::add(std::string place, std::string message, std::string fix) {
    list_.push_back(Problem{file_, std::move(place), std::move(message), std::move(fix)});
}

void Problems::addAll(const Problems& other) {
    list_.insert(list_.end(), other.list_.begin(), other.list_.end());
}

std::string Problems::describe() const {
    std::string out;
    for (const auto& p : list_) {
        out += p.describe();
        out += '\n';
    }
    return out;
}

}  // namespace otklik
