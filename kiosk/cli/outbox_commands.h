// `otklik-kiosk export` and `otklik-kiosk status` read the outbox (read-only, safe while the
// kiosk runs) for technicians and scripts; `requeue` puts rejected responses back for delivery.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "sync/client/clock_offset.h"

namespace otklik::cli {

struct ExportOptions {
    std::string dataDir;
    std::string format = "jsonl";  // jsonl | csv
    std::string state = "all";     // pending | delivered | rejected | all
};

// Writes one response per line to `out`; returns the exit code (0, or 2 with a message).
int runExport(const ExportOptions& options, std::FILE* out);

// Counts by state, oldest pending age, highest seq, size, storage events, delivery, and the hub
// clock offset (flagging responses beyond `clockSuspectAfterMs`). `json` for scripts.
int runStatus(const std::string& dataDir, bool json, int64_t nowMs, std::FILE* out,
              int64_t clockSuspectAfterMs = kDefaultClockSuspectAfterMs);

// Puts rejected responses back to pending (only those rejected at or after `since`, a UTC
// date, when given). Refuses while a kiosk runs on the folder (the outbox has one writer).
// Returns 0, 1 (the kiosk runs, storage failed) or 2 (bad input).
int runRequeue(const std::string& dataDir, const std::string& since, int64_t nowMs, std::FILE* out);

}  // namespace otklik::cli
