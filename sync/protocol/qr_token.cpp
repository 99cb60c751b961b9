// QR token layout, signing and checks (docs/qr-token.md). Everything read from a token is
// bounded and checked before use; the parser returns a typed error for any input, never throws.
#include "qr_token.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "base32.h"
#include "crypto.h"
#include "terminal_id.h"

namespace otklik {

namespace {

constexpr int kHeaderVersionShift = 4;
constexpr uint8_t kFlagResponseId = 0x01;
constexpr uint8_t kReservedFlags = 0x0E;    // must be zero in version 1
constexpr size_t kFixedBytes = 1 + 1 + 4 + kQrNonceBytes + kQrTagBytes;  // all but the id and the response id
constexpr size_t kResponseIdBytes = 16;
// A cap applied before decoding, above any version-1 token (167 characters), so a longer
// token of a later version is still reported as UnknownVersion rather than Malformed.
constexpr size_t kMaxTokenChars = 256;
// Domain separation: the MAC covers this label too, so a tag made here can never be passed
// off as a MAC of some other message should the secret ever be used for anything else.
constexpr std::string_view kMacLabel = "otklik-qr";

bool validUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

int hexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

std::string uuidBytes(std::string_view uuid) {
    std::string out;
    for (size_t i = 0; i < uuid.size(); ++i) {
        if (uuid[i] == '-') continue;
        out += static_cast<char>(hexValue(uuid[i]) << 4 | hexValue(uuid[i + 1]));
        ++i;
    }
    return out;
}

std::string hex(const uint8_t* bytes, size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += kHex[bytes[i] >> 4];
        out += kHex[bytes[i] & 15];
    }
    return out;
}

std::string uuidText(const uint8_t* b) {
    std::string h = hex(b, kResponseIdBytes);
    return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' + h.substr(20);
}

std::string tagOf(std::string_view qrSecret, std::string_view signedBytes) {
    std::string message(kMacLabel);
    message += signedBytes;
    return hmacSha256(qrSecret, message).substr(0, kQrTagBytes);
}

bool inAlphanumericSet(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || std::string_view(" $%*+-./:").find(c) != std::string_view::npos;
}

}  // namespace

std::string QrToken::nonceHex() const { return hex(nonce.data(), nonce.size()); }

QrToken newQrToken(std::string terminalId, int64_t issuedAtS, std::optional<std::string> responseId) {
    QrToken token{std::move(terminalId), issuedAtS, {}, std::move(responseId)};
    std::string random = randomBytes(static_cast<int>(kQrNonceBytes));
    std::copy(random.begin(), random.end(), token.nonce.begin());
    return token;
}

std::string makeQrToken(std::string_view qrSecret, const QrToken& token) {
    if (qrSecret.empty()) throw std::invalid_argument("QR token: the terminal's qr_secret is empty");
    if (!validTerminalId(token.terminalId))
        throw std::invalid_argument("QR token: terminal id \"" + token.terminalId + "\" is not 1-64 letters, digits, '-', '_' or '.'");
    if (token.issuedAtS < 0 || token.issuedAtS > int64_t{0xFFFFFFFF})
        throw std::invalid_argument("QR token: issue time " + std::to_string(token.issuedAtS) + " s is outside 1970-2106");
    if (token.responseId && !validUuid(*token.responseId))
        throw std::invalid_argument("QR token: response id \"" + *token.responseId + "\" is not a lower-case UUID");

    std::string bytes;
    bytes += static_cast<char>(kQrTokenVersion << kHeaderVersionShift | (token.responseId ? kFlagResponseId : 0));
    bytes += static_cast<char>(token.terminalId.size());
    bytes += token.terminalId;
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((token.issuedAtS >> shift) & 0xff);
    bytes.append(reinterpret_cast<const char*>(token.nonce.data()), token.nonce.size());
    if (token.responseId) bytes += uuidBytes(*token.responseId);
    bytes += tagOf(qrSecret, bytes);
    return base32Encode(bytes);
}

std::string qrUrl(std::string_view hubBase, std::string_view token) {
    constexpr std::string_view kScheme = "https://";
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    bool https = hubBase.size() > kScheme.size() &&
                 std::equal(kScheme.begin(), kScheme.end(), hubBase.begin(), [&](char a, char b) { return a == lower(b); });
    if (!https) throw std::invalid_argument("QR URL: the hub's address \"" + std::string(hubBase) + "\" must start with https://");
    std::string_view rest = hubBase.substr(kScheme.size());
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    size_t pathStart = std::min(rest.find('/'), rest.size());
    if (pathStart == 0) throw std::invalid_argument("QR URL: the hub's address \"" + std::string(hubBase) + "\" has no host name");
    std::string url = "HTTPS://";
    for (char c : rest.substr(0, pathStart)) url += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    url += rest.substr(pathStart);  // paths are case-sensitive: kept as configured
    url += "/Q/";
    url += token;
    return url;
}

size_t qrTokenLength(size_t terminalIdLength, bool withResponse) {
    size_t bytes = kFixedBytes + terminalIdLength + (withResponse ? kResponseIdBytes : 0);
    return (bytes * 8 + 4) / 5;
}

bool fitsQrVersion6M(std::string_view url) {
    // Version 6-M holds 108 data codewords (864 bits). Alphanumeric: 4 mode + 9 count bits +
    // 11 bits per 2 characters -> 154. Byte mode: 4 + 8 + 8 per byte -> 106.
    if (std::all_of(url.begin(), url.end(), inAlphanumericSet)) return url.size() <= 154;
    return url.size() <= 106;
}

const char* toString(QrTokenError error) {
    switch (error) {
        case QrTokenError::None: return "ok";
        case QrTokenError::Malformed: return "malformed";
        case QrTokenError::UnknownVersion: return "unknown_version";
        case QrTokenError::UnknownTerminal: return "unknown_terminal";
        case QrTokenError::BadSignature: return "bad_signature";
        case QrTokenError::Expired: return "expired";
        case QrTokenError::FromTheFuture: return "from_the_future";
    }
    return "malformed";
}

const char* describe(QrTokenError error) {
    switch (error) {
        case QrTokenError::None: return "the token is valid";
        case QrTokenError::Malformed: return "the text is not a QR token: wrong characters, length or layout";
        case QrTokenError::UnknownVersion: return "the token is of a format this hub does not know; update otklik-hub";
        case QrTokenError::UnknownTerminal: return "the token names a terminal this hub does not know or has revoked";
        case QrTokenError::BadSignature:
            return "the token's signature does not match the terminal's qr_secret: altered, forged, or the terminal has an old secret";
        case QrTokenError::Expired: return "the token is older than the time window; the visitor should scan the code again";
        case QrTokenError::FromTheFuture:
            return "the token was issued later than the hub's clock allows; the terminal's clock is ahead of its last known offset";
    }
    return "the text is not a QR token";
}

QrTokenParse parseQrToken(std::string_view text) {
    QrTokenParse result;
    std::string bytes;
    if (text.size() > kMaxTokenChars || !base32Decode(text, bytes) || bytes.empty()) return result;
    auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };

    // The version comes first: a later version may lay out everything after it differently.
    uint8_t header = byte(0);
    if (header >> kHeaderVersionShift != kQrTokenVersion) {
        result.error = QrTokenError::UnknownVersion;
        return result;
    }
    if ((header & kReservedFlags) != 0 || bytes.size() < 2) return result;
    bool withResponse = (header & kFlagResponseId) != 0;
    size_t idLength = byte(1);
    if (idLength == 0 || idLength > kQrMaxTerminalIdLength) return result;
    if (bytes.size() != kFixedBytes + idLength + (withResponse ? kResponseIdBytes : 0)) return result;

    UnverifiedQrToken token;
    QrToken& f = token.fields_;
    f.terminalId = bytes.substr(2, idLength);
    if (!validTerminalId(f.terminalId)) return result;
    size_t at = 2 + idLength;
    f.issuedAtS = 0;
    for (int i = 0; i < 4; ++i) f.issuedAtS = f.issuedAtS << 8 | byte(at++);
    for (auto& b : f.nonce) b = byte(at++);
    if (withResponse) {
        f.responseId = uuidText(reinterpret_cast<const uint8_t*>(bytes.data() + at));
        at += kResponseIdBytes;
    }
    token.signedBytes_ = bytes.substr(0, at);
    token.tag_ = bytes.substr(at);
    result.error = QrTokenError::None;
    result.token = std::move(token);
    return result;
}

std::string UnverifiedQrToken::text() const { return base32Encode(signedBytes_ + tag_); }

QrTokenError checkQrSignature(const UnverifiedQrToken& token, std::string_view qrSecret) {
    // An empty secret is what a broken lookup returns; never let it verify anything.
    if (qrSecret.empty()) return QrTokenError::BadSignature;
    return constantTimeEqual(tagOf(qrSecret, token.signedBytes_), token.tag_) ? QrTokenError::None : QrTokenError::BadSignature;
}

QrTokenError checkQrTokenAge(const QrToken& token, const QrAgeRules& rules, int64_t hubNowMs, int64_t terminalClockOffsetMs) {
    if (rules.windowMs < 0 || rules.skewMs < 0)
        throw std::invalid_argument("QR token age rules: the window and the skew must not be negative");
    // Bounds far outside any real clock keep the sums below from overflowing: 2^50 ms is
    // 35,000 years, and issuedAtS * 1000 < 2^42.
    constexpr int64_t kFar = int64_t{1} << 50;
    auto clamp = [](int64_t v, int64_t limit) { return std::clamp(v, -limit, limit); };
    int64_t issuedOnHubClockMs = clamp(token.issuedAtS, int64_t{0xFFFFFFFF}) * 1000 + clamp(terminalClockOffsetMs, kFar);
    int64_t ageMs = clamp(hubNowMs, kFar) - issuedOnHubClockMs;
    int64_t window = std::min(rules.windowMs, kFar);
    int64_t skew = std::min(rules.skewMs, kFar);
    if (ageMs < -skew) return QrTokenError::FromTheFuture;
    if (ageMs > window + skew) return QrTokenError::Expired;
    return QrTokenError::None;
}

QrTokenCheck verifyQrToken(std::string_view text, const QrTerminalLookup& lookup, const QrAgeRules& rules, int64_t hubNowMs) {
    QrTokenCheck check;
    QrTokenParse parsed = parseQrToken(text);
    if (parsed.error != QrTokenError::None) {
        check.error = parsed.error;
        return check;
    }
    const UnverifiedQrToken& token = *parsed.token;
    std::optional<QrTerminalKey> key = lookup(token.claimed().terminalId);
    if (!key) {
        check.error = QrTokenError::UnknownTerminal;
        return check;
    }
    // Signature before age: "expired" and "from the future" then only ever describe genuine
    // tokens, so the hub can tell the visitor to scan again without echoing forged claims.
    check.error = checkQrSignature(token, key->qrSecret);
    if (check.error == QrTokenError::None) check.error = checkQrTokenAge(token.claimed(), rules, hubNowMs, key->clockOffsetMs);
    if (check.error == QrTokenError::None) check.token = token.claimed();
    return check;
}

}  // namespace otklik
