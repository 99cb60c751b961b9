// Response identifiers: UUID version 7 (time-ordered, RFC 9562), so ids made on one
// terminal sort by creation and index well on the hub.
#pragma once

#include <cstdint>
#include <string>

namespace otklik {

// Lowercase canonical form, e.g. "019385c2-7a1e-7c3d-9a4f-0b1c2d3e4f50".
std::string newUuidV7(int64_t unixMs);
bool isUuid(const std::string& s);

}  // namespace otklik
