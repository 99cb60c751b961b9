// "Did you mean ...?" for misspelt names in files people edit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace otklik {

// The allowed name closest to `given` within two edits, or "" when none is that close.
std::string closestName(std::string_view given, const std::vector<std::string_view>& allowed);
// "a, b, c"
std::string joinNames(const std::vector<std::string_view>& names);

}  // namespace otklik
