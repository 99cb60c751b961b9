// `otklik-kiosk set-pin`: the technician's service PIN set from a shell (docs/technician.md).
#pragma once

#include <cstdio>
#include <string>

namespace otklik::cli {

// Reads the PIN from `in` (asked twice, without echo, when it is a terminal), refuses trivial
// ones, stores its hash in <dataDir>/service-pin.json. 0 set, 2 refused, 1 could not write.
int runSetPin(const std::string& dataDir, std::FILE* in, std::FILE* out);

}  // namespace otklik::cli
