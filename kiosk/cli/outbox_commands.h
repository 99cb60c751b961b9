// `otklik-kiosk export` and `otklik-kiosk status`: read the outbox (read-only, safe while the
// kiosk runs) for technicians and scripts.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace otklik::cli {

struct ExportOptions {
    std::string dataDir;
    std::string format = "jsonl";  // jsonl | csv
    std::string state = "all";     // pending | delivered | rejected | all
};

// Writes one response per line to `out`; returns the exit code (0, or 2 with a message).
int runExport(const ExportOptions& options, std::FILE* out);

// Counts by state, oldest pending age, highest seq, size, storage events. `json` for scripts.
int runStatus(const std::string& dataDir, bool json, int64_t nowMs, std::FILE* out);

}  // namespace otklik::cli
