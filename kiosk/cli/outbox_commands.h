// `otklik-kiosk export` and `otklik-kiosk status`: read the outbox (read-only, safe while the
// kiosk runs) for technicians and scripts.
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

}  // namespace otklik::cli
