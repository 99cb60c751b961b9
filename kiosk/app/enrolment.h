// Enrolling this terminal with a one-time code, as the service menu and `otklik-kiosk enrol`
// do it: the hub's address and trust from the device config or an enrolment file (never from
// anything a visitor can touch), POST /api/v1/enrol, the credentials written atomically to
// <data_dir>/credentials.toml (mode 0600), then the connection test with them. A wrong code
// changes nothing (docs/technician.md, "Enrolment").
#pragma once

#include <optional>
#include <string>

#include "kiosk/config/credentials.h"
#include "kiosk/config/device_config.h"
#include "kiosk/config/enrolment_file.h"
#include "platform/clock.h"
#include "sync/client/connection_test.h"
#include "sync/client/enrol_client.h"

namespace otklik {

struct EnrolmentResult {
    bool enrolled = false;
    EnrolAttempt attempt;                  // what the hub said
    std::string localError;                // the code was taken but something here failed (saving)
    Credentials credentials;               // written, when enrolled
    DeviceConfig config;                   // the device config with the new credentials laid over it
    std::optional<ConnectionReport> test;  // the connection test right after, when enrolled

    // One paragraph for a person: what happened and what to do.
    [[nodiscard]] std::string summary() const;
};

// `code` as typed (a file's code when `file` is given and `code` is empty). `firstSeq`: the
// outbox's Outbox::firstSeqForEnrolment(). Blocks for the network's timeouts: call it off the
// UI thread.
[[nodiscard]] EnrolmentResult enrolTerminal(const DeviceConfig& config, const std::string& code, const EnrolmentFile* file,
                                            int64_t firstSeq, const Clock& clock);

}  // namespace otklik
