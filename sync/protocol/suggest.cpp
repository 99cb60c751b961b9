// Edit-distance suggestions for misspelt keys.
#include "suggest.h"

#include <algorithm>

namespace otklik {

namespace {

size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string closestName(std::string_view given, const std::vector<std::string_view>& allowed) {
    std::string_view best;
    size_t bestDistance = 3;
    for (auto name : allowed) {
        size_t d = editDistance(given, name);
        if (d < bestDistance) {
            bestDistance = d;
            best = name;
        }
    }
    return std::string(best);
}

std::string joinNames(const std::vector<std::string_view>& names) {
    std::string out;
    for (auto n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

}  // namespace otklik
