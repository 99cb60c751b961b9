// libFuzzer target for the QR token parser and verifier (docs/qr-token.md, `make fuzz`).
// Every input is read as token text; invariants are checked on whatever parses. Inputs that do
// not parse are also turned into token fields, signed, changed in one place and checked, so
// the fuzzer reaches the accepting paths too. An invariant broken = abort = a crash report.
// The same function runs in `make test` over the seed corpus (corpus_runner.cpp).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sync/protocol/qr_token.h"

using namespace otklik;

namespace {

// The seeds in tests/fuzz/corpus/qr_token/ are signed with this key (tests/fuzz/make_qr_seeds.py).
constexpr std::string_view kKey = "otklik-fuzz-qr-secret";
constexpr std::string_view kOtherKey = "otklik-fuzz-qr-secret2";

void require(bool ok, const char* invariant, std::string_view text) {
    if (ok) return;
    std::fprintf(stderr, "qr_token_fuzz: invariant broken: %s\n  token: %.*s\n", invariant, static_cast<int>(text.size()), text.data());
    std::abort();
}

// Reads input bytes as numbers for the fields and clocks; zeros once the input runs out.
struct Bytes {
    const uint8_t* data;
    size_t size;
    size_t at = 0;
    uint8_t next() { return at < size ? data[at++] : 0; }
    int64_t number(int bytes) {
        uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) v = v << 8 | next();
        return static_cast<int64_t>(v);
    }
};

QrAgeRules rulesFrom(Bytes& in) { return {in.number(4) & 0x7fffffff, in.number(3)}; }

void checkParsedText(std::string_view text, Bytes& in) {
    QrTokenParse parsed = parseQrToken(text);
    require(parsed.token.has_value() == (parsed.error == QrTokenError::None), "a token comes with error None, and only then", text);
    QrTerminalLookup lookup = [](const std::string&) { return QrTerminalKey{std::string(kKey), 0}; };
    QrTokenCheck check = verifyQrToken(text, lookup, QrAgeRules{}, 0);
    if (!parsed.token) {
        require(check.error == parsed.error && !check.token, "verify reports the parse error", text);
        return;
    }
    const UnverifiedQrToken& token = *parsed.token;
    require(token.text() == text, "the encoding is canonical: a parsed token re-encodes to the same text", text);
    // The parser only accepts fields makeQrToken accepts, so this never throws.
    std::string resigned = makeQrToken(kKey, token.claimed());
    bool verifies = checkQrSignature(token, kKey) == QrTokenError::None;
    require(verifies == (resigned == text), "a token verifies exactly when signing its fields gives the same text", text);
    require(!verifies || checkQrSignature(token, kOtherKey) == QrTokenError::BadSignature, "another key never verifies it", text);
    require(checkQrSignature(token, "") == QrTokenError::BadSignature, "an empty key never verifies", text);
    require(verifies == (check.error != QrTokenError::BadSignature), "verify agrees with the signature check", text);
    // Any clock and offset: no overflow, and exactly one answer.
    QrTokenError age = checkQrTokenAge(token.claimed(), rulesFrom(in), in.number(8), in.number(8));
    require(age == QrTokenError::None || age == QrTokenError::Expired || age == QrTokenError::FromTheFuture, "age answers", text);
}

// Builds valid fields from the input, signs them, and checks that one changed character is refused.
void checkSignedFromBytes(Bytes& in) {
    static constexpr char kIdChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    QrToken fields;
    size_t idLength = 1 + in.next() % kQrMaxTerminalIdLength;
    for (size_t i = 0; i < idLength; ++i) fields.terminalId += kIdChars[in.next() % (sizeof kIdChars - 1)];
    fields.issuedAtS = in.number(4);
    for (auto& b : fields.nonce) b = in.next();
    if (in.next() & 1) {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string uuid;
        for (int i = 0; i < 32; ++i) {
            if (i == 8 || i == 12 || i == 16 || i == 20) uuid += '-';
            uuid += kHex[in.next() & 15];
        }
        fields.responseId = uuid;
    }
    std::string text = makeQrToken(kKey, fields);
    QrTokenParse parsed = parseQrToken(text);
    require(parsed.error == QrTokenError::None && parsed.token->claimed() == fields, "a made token parses to its fields", text);
    require(checkQrSignature(*parsed.token, kKey) == QrTokenError::None, "a made token verifies", text);
    require(checkQrSignature(*parsed.token, kOtherKey) == QrTokenError::BadSignature, "not under another key", text);

    std::string changed = text;
    changed[in.next() % changed.size()] = static_cast<char>(in.next());
    if (changed == text) return;
    QrTokenParse bad = parseQrToken(changed);
    require(!bad.token || checkQrSignature(*bad.token, kKey) == QrTokenError::BadSignature, "a changed character is refused", changed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Bytes in{data, size};
    checkParsedText(text, in);
    if (!parseQrToken(text).token) {
        Bytes fresh{data, size};
        checkSignedFromBytes(fresh);
    }
    return 0;
}
