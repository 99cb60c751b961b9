// The signed QR token (docs/qr-token.md): round trips, every single-character change and every
// cut or extension refused, the age window's edges, and the full URL checked against the
// kiosk's own libqrencode call to fit a QR code of version 6 or lower at level M.
#include <gtest/gtest.h>

#include <cctype>
#include <limits>
#include <stdexcept>
#include <string>

#include "kiosk/ui/qr_code.h"
#include "sync/protocol/base32.h"
#include "sync/protocol/crypto.h"
#include "sync/protocol/qr_token.h"

using namespace otklik;

namespace {

const std::string kSecret = "k0Xw3Jm1p8ZqB7vR2yT5nL9cF4hG6dS0aE1uI3oP5sQ";  // shaped like `terminal add`'s qr_secret
const std::string kTerminal = "demo-vladivostok-01";
const std::string kResponse = "019385c2-7a1e-7c3d-9a4f-0b1c2d3e4f50";
constexpr int64_t kIssuedS = 1'790'000'000;  // 2026-09-21
constexpr int64_t kIssuedMs = kIssuedS * 1000;
const QrAgeRules kRules;  // 15 min window, 60 s skew

QrToken fields(std::optional<std::string> responseId = std::nullopt) {
    return QrToken{kTerminal, kIssuedS, {1, 2, 3, 4, 5, 6, 7, 8}, std::move(responseId)};
}

QrTerminalLookup knows(const std::string& terminalId, const std::string& secret, int64_t offsetMs = 0) {
    return [=](const std::string& id) -> std::optional<QrTerminalKey> {
        if (id != terminalId) return std::nullopt;
        return QrTerminalKey{secret, offsetMs};
    };
}

QrTokenError verify(const std::string& text, int64_t hubNowMs = kIssuedMs + 30'000) {
    return verifyQrToken(text, knows(kTerminal, kSecret), kRules, hubNowMs).error;
}

// Every character a changed token could hold at one place: the alphabet, its lower case, and
// characters that look alike or are special in URLs.
const std::string kReplacements = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijklmnopqrstuvwxyz0189=-_./%+ ";

}  // namespace

TEST(QrToken, RoundTripsWithoutResponse) {
    std::string text = makeQrToken(kSecret, fields());
    EXPECT_EQ(text.size(), qrTokenLength(kTerminal.size(), false));
    QrTokenParse parsed = parseQrToken(text);
    ASSERT_EQ(parsed.error, QrTokenError::None);
    EXPECT_EQ(parsed.token->claimed(), fields());
    EXPECT_EQ(parsed.token->text(), text);
    EXPECT_EQ(checkQrSignature(*parsed.token, kSecret), QrTokenError::None);

    QrTokenCheck check = verifyQrToken(text, knows(kTerminal, kSecret), kRules, kIssuedMs + 1000);
    ASSERT_EQ(check.error, QrTokenError::None) << describe(check.error);
    EXPECT_EQ(*check.token, fields());
    EXPECT_EQ(check.token->nonceHex(), "0102030405060708");
}

TEST(QrToken, RoundTripsWithResponse) {
    std::string text = makeQrToken(kSecret, fields(kResponse));
    EXPECT_EQ(text.size(), qrTokenLength(kTerminal.size(), true));
    QrTokenCheck check = verifyQrToken(text, knows(kTerminal, kSecret), kRules, kIssuedMs);
    ASSERT_EQ(check.error, QrTokenError::None) << describe(check.error);
    EXPECT_EQ(check.token->responseId, kResponse);
    EXPECT_EQ(*check.token, fields(kResponse));
}

// Computed independently by tests/fuzz/make_qr_seeds.py (Python's hmac and base64, written
// from docs/qr-token.md), so a change to the layout, the MAC label or the alphabet shows.
TEST(QrToken, MatchesTheKnownAnswers) {
    EXPECT_EQ(makeQrToken(kSecret, fields()), "CAJWIZLNN4WXM3DBMRUXM33TORXWWLJQGFVLCO4AAEBAGBAFAYDQQUAPL2MXVGP7PAKFA");
    EXPECT_EQ(makeQrToken(kSecret, fields(kResponse)),
              "CEJWIZLNN4WXM3DBMRUXM33TORXWWLJQGFVLCO4AAEBAGBAFAYDQQAMTQXBHUHT4HWNE6CY4FU7E6UAOBPILY6OL42F6JBY");
}

TEST(QrToken, ExtremeFieldsRoundTrip) {
    for (const QrToken& t : {QrToken{"a", 0, {}, std::nullopt},
                             QrToken{std::string(64, 'Z'), 0xFFFFFFFF, {255, 255, 255, 255, 255, 255, 255, 255},
                                     "ffffffff-ffff-ffff-ffff-ffffffffffff"},
                             QrToken{"A.b_c-9", 1, {0, 0, 0, 0, 0, 0, 0, 1}, "00000000-0000-0000-0000-000000000000"}}) {
        QrTokenParse parsed = parseQrToken(makeQrToken(kSecret, t));
        ASSERT_EQ(parsed.error, QrTokenError::None) << t.terminalId;
        EXPECT_EQ(parsed.token->claimed(), t);
        EXPECT_EQ(checkQrSignature(*parsed.token, kSecret), QrTokenError::None);
    }
}

TEST(QrToken, FreshTokensDifferByNonce) {
    QrToken a = newQrToken(kTerminal, kIssuedS);
    QrToken b = newQrToken(kTerminal, kIssuedS);
    EXPECT_NE(a.nonce, b.nonce);
    EXPECT_NE(makeQrToken(kSecret, a), makeQrToken(kSecret, b));
}

TEST(QrToken, EverySingleCharacterChangeIsRefused) {
    for (const auto& t : {fields(), fields(kResponse)}) {
        const std::string good = makeQrToken(kSecret, t);
        ASSERT_EQ(verify(good), QrTokenError::None);
        for (size_t i = 0; i < good.size(); ++i) {
            for (char c : kReplacements) {
                if (c == good[i]) continue;
                std::string bad = good;
                bad[i] = c;
                EXPECT_NE(verify(bad), QrTokenError::None) << "position " << i << " changed to '" << c << "': " << bad;
            }
        }
    }
}

TEST(QrToken, TruncationsExtensionsInsertionsAndDeletionsAreRefused) {
    for (const auto& t : {fields(), fields(kResponse)}) {
        const std::string good = makeQrToken(kSecret, t);
        for (size_t n = 0; n < good.size(); ++n) EXPECT_NE(verify(good.substr(0, n)), QrTokenError::None) << "first " << n;
        for (size_t n = 1; n < good.size(); ++n) EXPECT_NE(verify(good.substr(n)), QrTokenError::None) << "without first " << n;
        for (size_t i = 0; i <= good.size(); ++i) {
            for (char c : std::string("AQ7a=/")) {
                std::string longer = good;
                longer.insert(i, 1, c);
                EXPECT_NE(verify(longer), QrTokenError::None) << "'" << c << "' inserted at " << i;
            }
            if (i < good.size()) {
                std::string shorter = good;
                shorter.erase(i, 1);
                EXPECT_NE(verify(shorter), QrTokenError::None) << "deleted at " << i;
            }
        }
        EXPECT_NE(verify(good + good), QrTokenError::None);
    }
}

TEST(QrToken, OtherSecretOrTerminalIsRefused) {
    std::string text = makeQrToken(kSecret, fields());
    EXPECT_EQ(verifyQrToken(text, knows(kTerminal, kSecret + "x"), kRules, kIssuedMs).error, QrTokenError::BadSignature);
    EXPECT_EQ(verifyQrToken(text, knows(kTerminal, ""), kRules, kIssuedMs).error, QrTokenError::BadSignature);
    EXPECT_EQ(verifyQrToken(text, knows("other", kSecret), kRules, kIssuedMs).error, QrTokenError::UnknownTerminal);
    // Another terminal's secret does not sign this terminal's tokens.
    QrToken other = fields();
    other.terminalId = "demo-vladivostok-02";
    std::string theirs = makeQrToken(kSecret + "other", other);
    EXPECT_EQ(verifyQrToken(theirs, knows(other.terminalId, kSecret), kRules, kIssuedMs).error, QrTokenError::BadSignature);
}

TEST(QrToken, SignatureIsCheckedBeforeAge) {
    std::string text = makeQrToken(kSecret, fields());
    int64_t muchLater = kIssuedMs + 24 * 3600 * 1000;
    EXPECT_EQ(verifyQrToken(text, knows(kTerminal, "wrong"), kRules, muchLater).error, QrTokenError::BadSignature);
    EXPECT_EQ(verifyQrToken(text, knows(kTerminal, kSecret), kRules, muchLater).error, QrTokenError::Expired);
}

TEST(QrToken, GarbageIsMalformed) {
    std::string good = makeQrToken(kSecret, fields());
    for (std::string bad : {std::string(), std::string("A"), std::string(300, 'C'), std::string(good.size(), '\0'),
                            std::string("https://hub.example.org/Q/") + good, std::string(good.size(), 'c')}) {
        QrTokenParse parsed = parseQrToken(bad);
        EXPECT_NE(parsed.error, QrTokenError::None) << bad;
        EXPECT_FALSE(parsed.token.has_value());
    }
    std::string lower = good;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(parseQrToken(lower).error, QrTokenError::Malformed);
}

namespace {
// A hand-built token with a correct tag, to show that layout rules hold even for the key holder.
std::string signedRaw(std::string bytes) {
    std::string tag = hmacSha256(kSecret, "otklik-qr" + bytes);
    return base32Encode(bytes + tag.substr(0, kQrTagBytes));
}
}  // namespace

TEST(QrToken, LayoutRulesHoldEvenWithAValidTag) {
    const std::string tail = std::string("\x6a\xb0\x2e\x80", 4) + std::string(8, '\x01');
    EXPECT_EQ(parseQrToken(signedRaw("\x10\x03" "abc" + tail)).error, QrTokenError::None) << "the well-formed control";
    EXPECT_EQ(parseQrToken(signedRaw("\x20\x03" "abc" + tail)).error, QrTokenError::UnknownVersion);
    EXPECT_EQ(parseQrToken(signedRaw(std::string("\x00\x03" "abc", 5) + tail)).error, QrTokenError::UnknownVersion);
    EXPECT_EQ(parseQrToken(signedRaw("\x12\x03" "abc" + tail)).error, QrTokenError::Malformed) << "reserved flag";
    EXPECT_EQ(parseQrToken(signedRaw("\x11\x03" "abc" + tail)).error, QrTokenError::Malformed) << "response flag, no id";
    EXPECT_EQ(parseQrToken(signedRaw(std::string("\x10\x00", 2) + tail)).error, QrTokenError::Malformed) << "empty id";
    EXPECT_EQ(parseQrToken(signedRaw("\x10\x03" "a c" + tail)).error, QrTokenError::Malformed) << "space in id";
    EXPECT_EQ(parseQrToken(signedRaw("\x10\x03" "a/c" + tail)).error, QrTokenError::Malformed) << "slash in id";
    EXPECT_EQ(parseQrToken(signedRaw("\x10\x04" "abc" + tail)).error, QrTokenError::Malformed) << "length past the id";
    EXPECT_EQ(parseQrToken(signedRaw("\x10\x41" + std::string(65, 'a') + tail)).error, QrTokenError::Malformed) << "65-char id";
}

TEST(QrTokenAge, WindowEdgesIncludeTheSkew) {
    QrToken t = fields();
    const int64_t last = kIssuedMs + kRules.windowMs + kRules.skewMs;
    EXPECT_EQ(checkQrTokenAge(t, kRules, last, 0), QrTokenError::None);
    EXPECT_EQ(checkQrTokenAge(t, kRules, last + 1, 0), QrTokenError::Expired);
    const int64_t first = kIssuedMs - kRules.skewMs;
    EXPECT_EQ(checkQrTokenAge(t, kRules, first, 0), QrTokenError::None);
    EXPECT_EQ(checkQrTokenAge(t, kRules, first - 1, 0), QrTokenError::FromTheFuture);
}

TEST(QrTokenAge, TheTerminalsClockOffsetIsApplied) {
    QrToken t = fields();
    // The terminal's clock runs an hour behind the hub's: its tokens look an hour old.
    const int64_t behind = 3600 * 1000;
    EXPECT_EQ(checkQrTokenAge(t, kRules, kIssuedMs + behind + 1000, behind), QrTokenError::None);
    EXPECT_EQ(checkQrTokenAge(t, kRules, kIssuedMs + behind + 1000, 0), QrTokenError::Expired);
    EXPECT_EQ(checkQrTokenAge(t, kRules, kIssuedMs + behind + kRules.windowMs + kRules.skewMs + 1, behind), QrTokenError::Expired);
    // An hour ahead: the tokens look an hour early.
    EXPECT_EQ(checkQrTokenAge(t, kRules, kIssuedMs - behind, -behind), QrTokenError::None);
    EXPECT_EQ(checkQrTokenAge(t, kRules, kIssuedMs - behind, 0), QrTokenError::FromTheFuture);
    EXPECT_EQ(checkQrTokenAge(t, kRules, kIssuedMs - behind - kRules.skewMs - 1, -behind), QrTokenError::FromTheFuture);
}

TEST(QrTokenAge, VerifyUsesTheLookedUpOffsetAndCustomWindow) {
    std::string text = makeQrToken(kSecret, fields());
    QrAgeRules fiveMinutes{5 * 60 * 1000, 0};
    const int64_t offset = -90'000;
    auto at = [&](int64_t hubNowMs) { return verifyQrToken(text, knows(kTerminal, kSecret, offset), fiveMinutes, hubNowMs).error; };
    EXPECT_EQ(at(kIssuedMs + offset + fiveMinutes.windowMs), QrTokenError::None);
    EXPECT_EQ(at(kIssuedMs + offset + fiveMinutes.windowMs + 1), QrTokenError::Expired);
    EXPECT_EQ(at(kIssuedMs + offset), QrTokenError::None);
    EXPECT_EQ(at(kIssuedMs + offset - 1), QrTokenError::FromTheFuture);
}

TEST(QrTokenAge, AbsurdClocksDoNotOverflow) {
    QrToken t = fields();
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
    EXPECT_EQ(checkQrTokenAge(t, kRules, kMax, kMin), QrTokenError::Expired);
    EXPECT_EQ(checkQrTokenAge(t, kRules, kMin, kMax), QrTokenError::FromTheFuture);
    EXPECT_NE(checkQrTokenAge(t, QrAgeRules{kMax, kMax}, kMax, kMax), QrTokenError::Expired);
    EXPECT_THROW((void)checkQrTokenAge(t, QrAgeRules{-1, 0}, 0, 0), std::invalid_argument);
}

TEST(QrToken, MakingRefusesFieldsTheHubWouldNot) {
    auto with = [](auto change) {
        QrToken t = fields();
        change(t);
        return t;
    };
    EXPECT_THROW(makeQrToken("", fields()), std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.terminalId = ""; })), std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.terminalId = std::string(65, 'a'); })), std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.terminalId = "north 1"; })), std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.issuedAtS = -1; })), std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.issuedAtS = int64_t{1} << 32; })), std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.responseId = "019385C2-7A1E-7C3D-9A4F-0B1C2D3E4F50"; })),
                 std::invalid_argument);
    EXPECT_THROW(makeQrToken(kSecret, with([](QrToken& t) { t.responseId = "not-a-uuid"; })), std::invalid_argument);
}

TEST(QrUrl, UpperCasesSchemeAndHostOnly) {
    EXPECT_EQ(qrUrl("https://hub.example.org", "CAB"), "HTTPS://HUB.EXAMPLE.ORG/Q/CAB");
    EXPECT_EQ(qrUrl("HTTPS://Hub.Example.org/", "CAB"), "HTTPS://HUB.EXAMPLE.ORG/Q/CAB");
    EXPECT_EQ(qrUrl("https://hub.example.org:8443/otklik//", "CAB"), "HTTPS://HUB.EXAMPLE.ORG:8443/otklik/Q/CAB");
    EXPECT_THROW(qrUrl("http://hub.example.org", "CAB"), std::invalid_argument);
    EXPECT_THROW(qrUrl("https://", "CAB"), std::invalid_argument);
    EXPECT_THROW(qrUrl("https:///path", "CAB"), std::invalid_argument);
}

namespace {
int qrVersion(const std::string& url) {
    auto m = ui::encodeQr(url);  // the kiosk's own call: level M, mixed modes, case-sensitive
    return m ? m->version : 99;
}
}  // namespace

TEST(QrUrl, TypicalUrlsFitVersion6AtLevelM) {
    for (bool withResponse : {false, true}) {
        std::string url = qrUrl("https://hub.example.org", makeQrToken(kSecret, fields(withResponse ? std::optional(kResponse) : std::nullopt)));
        EXPECT_LE(qrVersion(url), 6) << url;
        EXPECT_TRUE(fitsQrVersion6M(url)) << url;
    }
}

// The table in docs/qr-token.md: the longest host that fits version 6-M for each id length.
TEST(QrUrl, LongestHostThatFitsIsAsDocumented) {
    for (size_t idLength : {size_t{1}, size_t{8}, size_t{19}, size_t{32}, size_t{64}}) {
        for (bool withResponse : {false, true}) {
            QrToken t{std::string(idLength, 't'), kIssuedS, {9, 9, 9, 9, 9, 9, 9, 9},
                      withResponse ? std::optional(kResponse) : std::nullopt};
            std::string token = makeQrToken(kSecret, t);
            long longestHost = 154L - static_cast<long>(std::string("HTTPS:///Q/").size() + token.size());
            auto urlWithHost = [&](long length) {
                std::string host = std::string(static_cast<size_t>(length) - 4, 'h') + ".org";
                return qrUrl("https://" + host, token);
            };
            if (longestHost < 5) {
                EXPECT_FALSE(fitsQrVersion6M(urlWithHost(5))) << idLength << (withResponse ? " +response" : "");
                continue;
            }
            EXPECT_LE(qrVersion(urlWithHost(longestHost)), 6) << "id " << idLength << ", host " << longestHost;
            EXPECT_TRUE(fitsQrVersion6M(urlWithHost(longestHost)));
            EXPECT_EQ(qrVersion(urlWithHost(longestHost + 1)), 7) << "id " << idLength << ", host " << longestHost + 1;
            EXPECT_FALSE(fitsQrVersion6M(urlWithHost(longestHost + 1)));
        }
    }
}

// fitsQrVersion6M may say no to a URL libqrencode could still fit, never yes to one it cannot.
TEST(QrUrl, TheFitCheckIsConservative) {
    for (bool withResponse : {false, true}) {
        std::string token = makeQrToken(kSecret, fields(withResponse ? std::optional(kResponse) : std::nullopt));
        for (const std::string path : {"", "/otklik", "/F"}) {
            for (size_t host = 5; host < 150; ++host) {
                std::string url = qrUrl("https://" + std::string(host - 4, 'h') + ".org" + path, token);
                if (fitsQrVersion6M(url)) {
                    EXPECT_LE(qrVersion(url), 6) << url;
                }
            }
        }
    }
}
