// The terminal's stored responses as export lines: one JSON object per line, or CSV with a
// header row (docs/outbox.md, "Commands"). Used by `otklik-kiosk export` and the service
// menu's export to a USB stick, so both write the same thing.
#pragma once

#include <string>

#include "sync/client/outbox_store.h"

namespace otklik {

// Every field of the response format, plus completed_at_corrected, state, state_reason and stored_at.
[[nodiscard]] std::string exportJsonLine(const StoredResponse& stored);
[[nodiscard]] std::string exportCsvHeader();
[[nodiscard]] std::string exportCsvLine(const StoredResponse& stored);

}  // namespace otklik
