// Start-up checks of the terminal's QR settings that need the token format: the secret's
// shape, and that the longest signed URL this terminal can show fits a QR code of version 6
// at level M (docs/qr-token.md, "Size budget"), so it scans from a metre away.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/config/device_config.h"
#include "sync/protocol/diagnostics.h"

namespace otklik {

// True for what `otklik-hub terminal add` prints as qr_secret: 43 base64url characters.
bool looksLikeQrSecret(std::string_view text);

// Adds a problem at `place` when the longest URL (a token with a response id, for the comment
// screen) for config.terminalId behind config.hub.url does not fit version 6-M, saying what to
// shorten. Needs a valid terminal id, an https:// hub url and a qr_secret.
void checkQrBudget(const DeviceConfig& config, const std::string& place, Problems& problems);

}  // namespace otklik
