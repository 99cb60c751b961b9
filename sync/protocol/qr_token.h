// The signed token in the idle screen's QR code (https://HUB/Q/<token>): which terminal made
// it, when, a nonce, and optionally the visitor's open response, under a truncated
// HMAC-SHA256 by the terminal's QR secret. The kiosk makes tokens offline; the hub parses,
// looks up the terminal's secret by the id inside, then checks the signature and the age.
// Byte layout, size budget and the rules: docs/qr-token.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sync/protocol/terminal_id.h"

namespace otklik {

inline constexpr int kQrTokenVersion = 1;
inline constexpr size_t kQrNonceBytes = 8;   // 64 bits: two tokens of one terminal never share one
inline constexpr size_t kQrTagBytes = 10;    // 80 bits of HMAC-SHA256, RFC 2104's floor
inline constexpr size_t kQrMaxTerminalIdLength = kMaxTerminalIdLength;  // terminal_id.h

using QrNonce = std::array<uint8_t, kQrNonceBytes>;

// What a token says. Trust it only once checkQrSignature (or verifyQrToken) has said so.
struct QrToken {
    std::string terminalId;                 // 1-64 of A-Z a-z 0-9 - _ .
    int64_t issuedAtS = 0;                  // the terminal's wall clock, Unix seconds (0 .. 2^32-1)
    QrNonce nonce{};
    std::optional<std::string> responseId;  // lower-case canonical UUID of the visitor's open response

    // 16 lower-case hex digits: with terminalId, the key of the hub's used-nonce table.
    [[nodiscard]] std::string nonceHex() const;
    bool operator==(const QrToken&) const = default;
};

// A fresh token's fields with a random nonce from the system's CSPRNG.
QrToken newQrToken(std::string terminalId, int64_t issuedAtS, std::optional<std::string> responseId = std::nullopt);

// The token text (upper-case base32). `qrSecret` is the terminal's qr_secret exactly as
// `otklik-hub terminal add` printed it. Throws std::invalid_argument when a field is out of
// range (an id the hub would not accept, a malformed UUID, a time before 1970 or after 2106,
// an empty secret): the caller passed something its configuration check should have refused.
std::string makeQrToken(std::string_view qrSecret, const QrToken& token);

// "HTTPS://HUB.EXAMPLE.ORG/Q/<token>". `hubBase` is the hub's public address as phones reach
// it ("https://hub.example.org", optionally with a port or a path, trailing '/' ignored). The
// scheme and host are written in upper case (they are case-insensitive) so that, with an
// upper-case token, the whole URL is one QR alphanumeric segment. A path is kept as given.
// Throws std::invalid_argument unless `hubBase` starts with https://.
std::string qrUrl(std::string_view hubBase, std::string_view token);

// Characters in a token for a terminal id of this length.
size_t qrTokenLength(size_t terminalIdLength, bool withResponse);
// True when `url` fits a QR code of version 6 or lower at level M in one segment: at most 154
// characters of the alphanumeric set (0-9 A-Z space $ % * + - . / :) or at most 106 bytes.
// Conservative: libqrencode's mixed-mode splitting can sometimes fit a little more.
bool fitsQrVersion6M(std::string_view url);

enum class QrTokenError {
    None,
    Malformed,        // not a token: bad characters, length, layout or field value
    UnknownVersion,   // a token format this build does not know (a newer terminal?)
    UnknownTerminal,  // no such terminal, or revoked (the hub's lookup said so)
    BadSignature,     // the tag does not match: forged, altered, or signed with another secret
    Expired,          // genuine, but issued longer ago than the window allows
    FromTheFuture,    // genuine, but issued later than the hub's clock allows
};

// Short name for logs and metrics ("bad_signature").
const char* toString(QrTokenError error);
// A plain sentence for logs ("the token's signature does not match ...").
const char* describe(QrTokenError error);

struct QrTokenParse;
class UnverifiedQrToken;

// Decodes `text` without trusting it: length bounded before decoding, strict base32, exact
// layout. Never throws on any input.
[[nodiscard]] QrTokenParse parseQrToken(std::string_view text);

// None or BadSignature. Recomputes the tag and compares it in constant time.
[[nodiscard]] QrTokenError checkQrSignature(const UnverifiedQrToken& token, std::string_view qrSecret);

// A token whose layout is valid but whose signature is not checked yet. Its fields are the
// sender's claims: use claimed().terminalId to look up the secret, nothing else.
class UnverifiedQrToken {
public:
    [[nodiscard]] const QrToken& claimed() const { return fields_; }
    // The same text parseQrToken read (the encoding is canonical: one text per token).
    [[nodiscard]] std::string text() const;

private:
    friend QrTokenParse parseQrToken(std::string_view text);
    friend QrTokenError checkQrSignature(const UnverifiedQrToken& token, std::string_view qrSecret);
    QrToken fields_;
    std::string signedBytes_;  // the payload the tag covers, as received
    std::string tag_;
};

struct QrTokenParse {
    QrTokenError error = QrTokenError::Malformed;  // None, Malformed or UnknownVersion
    std::optional<UnverifiedQrToken> token;        // set only when error is None
};

struct QrAgeRules {
    int64_t windowMs = 15 * 60 * 1000;  // how long a token is good for after it was issued
    int64_t skewMs = 60 * 1000;         // slack for an inexact clock offset and drift since it was measured
};

// None, Expired or FromTheFuture. `terminalClockOffsetMs` is the hub's clock minus the
// terminal's, as measured at its last heartbeat (0 if never measured). Accepted when
// -skew <= hubNow - (issuedAt + offset) <= window + skew, both ends included.
[[nodiscard]] QrTokenError checkQrTokenAge(const QrToken& token, const QrAgeRules& rules, int64_t hubNowMs,
                                           int64_t terminalClockOffsetMs);

// What the hub knows of a terminal, found by the id a token claims.
struct QrTerminalKey {
    std::string qrSecret;
    int64_t clockOffsetMs = 0;  // hub minus terminal; 0 if never measured
};
using QrTerminalLookup = std::function<std::optional<QrTerminalKey>(const std::string& terminalId)>;

struct QrTokenCheck {
    QrTokenError error = QrTokenError::Malformed;
    std::optional<QrToken> token;  // set only when error is None
};

// All the checks in their order: parse, look up the terminal, signature, age. Single use per
// nonce is not checked here: the hub consumes (terminalId, nonce) in its own table.
[[nodiscard]] QrTokenCheck verifyQrToken(std::string_view text, const QrTerminalLookup& lookup, const QrAgeRules& rules,
                                         int64_t hubNowMs);

}  // namespace otklik
