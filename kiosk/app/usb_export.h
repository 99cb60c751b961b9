// The service menu's USB stick: where one is mounted (the configured folder, or where
// udisks2 mounts removable drives: /media/<user>/<label>, /run/media/<user>/<label>), the
// enrolment file on it, and every stored response written to it as CSV and JSON lines with a
// SHA-256 sums file. Nothing on the terminal is changed or deleted (docs/technician.md).
#pragma once

#include <cstdint>
#include <string>

#include "kiosk/service/service_backend.h"

namespace otklik {

// The stick's folder, "" when none is mounted (or `configured` is given and is not a
// writable folder).
[[nodiscard]] std::string findUsbStick(const std::string& configured);

// Writes <stick>/otklik-<terminal>-<UTC time>/responses.csv, responses.jsonl and SHA256SUMS
// (`sha256sum -c` checks it), each fsynced, from the outbox in `dataDir` read-only (safe
// while the kiosk runs).
[[nodiscard]] service::UsbExportResult exportToUsb(const std::string& dataDir, const std::string& stick, const std::string& terminalId,
                                                   int64_t nowMs);

}  // namespace otklik
