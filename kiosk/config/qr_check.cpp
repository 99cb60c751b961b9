// The QR size budget checked with the token code itself, not with a copy of its arithmetic.
#include "qr_check.h"

#include <algorithm>
#include <cctype>

#include "sync/protocol/qr_token.h"

namespace otklik {

namespace {

constexpr size_t kQrSecretLength = 43;          // 256 random bits in unpadded base64url
constexpr size_t kVersion6AlphanumericChars = 154;

}  // namespace

bool looksLikeQrSecret(std::string_view text) {
    return text.size() == kQrSecretLength && std::all_of(text.begin(), text.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
}

void checkQrBudget(const DeviceConfig& config, const std::string& place, Problems& problems) {
    // Any UUID and any time give the same length: only the id's length is the technician's choice.
    QrToken longest = newQrToken(config.terminalId, 0, std::string("00000000-0000-7000-8000-000000000000"));
    std::string token = makeQrToken(config.hub.qrSecret, longest);
    std::string url = qrUrl(config.hub.url, token);
    if (fitsQrVersion6M(url)) return;
    // "HTTPS://" + address + "/Q/" + token must stay within 154 alphanumeric characters.
    long roomForAddress = static_cast<long>(kVersion6AlphanumericChars) - 3 - static_cast<long>(token.size());
    std::string what = "makes QR codes too dense to scan from a distance: the comment screen's URL would be " +
                       std::to_string(url.size()) + " characters (terminal id " + std::to_string(config.terminalId.size()) +
                       " characters, hub url \"" + config.hub.url + "\" " + std::to_string(config.hub.url.size()) +
                       "), more than a version-6 QR code holds";
    std::string fix;
    if (roomForAddress >= 12)
        fix = "with this terminal id the hub url may have at most " + std::to_string(roomForAddress) +
              " characters (a path in lower case costs more than the host); "
              "use a shorter address for the hub, or enrol the terminal under a shorter id (about 20 characters; "
              "docs/qr-token.md, \"Size budget\")";
    else
        fix = "terminal_id \"" + config.terminalId + "\" leaves no room for the hub's address: enrol the terminal under a "
              "shorter id (about 20 characters) and keep the hub's host to about 45 (docs/qr-token.md, \"Size budget\")";
    problems.add(place, what, fix);
}

}  // namespace otklik
