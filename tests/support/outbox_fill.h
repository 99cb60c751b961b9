// Benchmark shortcuts for a big outbox: a realistic response, and a fill that writes many of
// them straight into the outbox's table in large unsynced transactions (minutes of real
// commits in a second or two), flushed to disk before it returns.
#pragma once

#include <cstdint>
#include <string>

#include "sync/protocol/response.h"

namespace otklik::test {

// A complete response shaped like the default questionnaire's: eight answers and a comment.
Response sampleResponse(int64_t nowMs, int i, const std::string& terminalId = "mfc-vladivostok-01");

// Adds `rows` responses (seq 1..rows) to the outbox in `dir`, whose schema must exist (open an
// Outbox there once first). The newest `pendingRows` are pending, the rest delivered.
void fillOutbox(const std::string& dir, int rows, int pendingRows, const std::string& terminalId = "mfc-vladivostok-01");

}  // namespace otklik::test
