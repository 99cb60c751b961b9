// Test PKI built with OpenSSL 3: EC keys, X.509 v3 certificates with the extensions a strict
// verifier expects (CA basic constraints, key usage, SAN, key identifiers), PEM files, pins.
#include "tests/support/test_certs.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace otklik::test {

namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

// Throws with what we were doing and OpenSSL's queued reason, then clears the queue so the
// next failure does not report this one.
[[noreturn]] void fail(const std::string& doing) {
    std::string reason = takeOpenSslErrors();
    throw std::runtime_error("test PKI: " + doing + " failed" + (reason.empty() ? "" : ": " + reason));
}

void check(bool ok, const std::string& doing) {
    if (!ok) fail(doing);
}

Key newKey() {
    Key key(EVP_EC_gen("P-256"));
    check(key != nullptr, "generating an EC P-256 key");
    return key;
}

struct Validity {
    long fromSeconds;  // relative to now
    long toSeconds;
};

constexpr long kDay = 24 * 60 * 60;
// An hour back so a test machine's clock a little behind the verifier's does not matter.
constexpr Validity kValidNow{-60 * 60, 2 * kDay};
constexpr Validity kExpired{-3 * kDay, -kDay};

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    check(ext != nullptr, std::string("making extension ") + OBJ_nid2sn(nid) + "=" + value);
    check(X509_add_ext(cert, ext.get(), -1) == 1, std::string("adding extension ") + OBJ_nid2sn(nid));
}

// A certificate for `key` named `commonName`. With no issuer it is a self-signed CA;
// otherwise a server certificate for `san` signed by the issuer's key.
Cert makeCert(EVP_PKEY* key, const std::string& commonName, Validity validity, X509* issuer, EVP_PKEY* issuerKey, const char* san) {
    Cert cert(X509_new());
    check(cert != nullptr, "allocating a certificate");
    X509* c = cert.get();
    check(X509_set_version(c, X509_VERSION_3) == 1, "setting the certificate version");
    // Random serials: a verifier caching by issuer+serial must never mix two test runs up.
    std::unique_ptr<BIGNUM, Free> serial(BN_new());
    check(serial && BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
              BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(c)) != nullptr,
          "making a serial number");
    check(X509_gmtime_adj(X509_getm_notBefore(c), validity.fromSeconds) != nullptr &&
              X509_gmtime_adj(X509_getm_notAfter(c), validity.toSeconds) != nullptr,
          "setting the validity dates");
    X509_NAME* name = X509_get_subject_name(c);
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Otklik tests"), -1, -1, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0) == 1,
          "naming the certificate");
    const bool isCa = issuer == nullptr;
    X509* signer = isCa ? c : issuer;
    check(X509_set_issuer_name(c, X509_get_subject_name(signer)) == 1, "setting the issuer");
    check(X509_set_pubkey(c, key) == 1, "setting the public key");

    addExtension(c, signer, NID_subject_key_identifier, "hash");
    addExtension(c, signer, NID_authority_key_identifier, "keyid:always");
    if (isCa) {
        addExtension(c, signer, NID_basic_constraints, "critical,CA:TRUE");
        addExtension(c, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        addExtension(c, signer, NID_basic_constraints, "critical,CA:FALSE");
        addExtension(c, signer, NID_key_usage, "critical,digitalSignature");
        addExtension(c, signer, NID_ext_key_usage, "serverAuth");
        addExtension(c, signer, NID_subject_alt_name, san);
    }
    check(X509_sign(c, isCa ? key : issuerKey, EVP_sha256()) > 0, "signing the certificate for " + commonName);
    return cert;
}

std::unique_ptr<BIO, Free> openForWrite(const std::string& path) {
    std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "w"));
    check(bio != nullptr, "creating " + path);
    return bio;
}

std::string writeCert(X509* cert, const std::string& path) {
    auto bio = openForWrite(path);
    check(PEM_write_bio_X509(bio.get(), cert) == 1, "writing " + path);
    return path;
}

std::string writeKey(EVP_PKEY* key, const std::string& path) {
    auto bio = openForWrite(path);
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "writing " + path);
    return path;
}

std::string pinOf(X509* cert) {
    EVP_PKEY* key = X509_get0_pubkey(cert);
    check(key != nullptr, "reading a certificate's public key");
    const int length = i2d_PUBKEY(key, nullptr);
    check(length > 0, "encoding a public key");
    std::vector<unsigned char> der(static_cast<size_t>(length));
    unsigned char* out = der.data();
    check(i2d_PUBKEY(key, &out) == length, "encoding a public key");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    check(EVP_Digest(der.data(), der.size(), digest, &digestLength, EVP_sha256(), nullptr) == 1, "hashing a public key");
    std::string base64(4 * ((digestLength + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), digest, static_cast<int>(digestLength));
    base64.resize(static_cast<size_t>(written));
    return "sha256//" + base64;
}

}  // namespace

std::string publicKeyPin(const std::string& certFile) {
    std::unique_ptr<BIO, Free> bio(BIO_new_file(certFile.c_str(), "r"));
    check(bio != nullptr, "opening " + certFile);
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    check(cert != nullptr, "reading " + certFile);
    return pinOf(cert.get());
}

std::string takeOpenSslErrors() {
    std::string reason;
    while (unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        reason += reason.empty() ? "" : "; ";
        reason += text;
    }
    return reason;
}

TestPki makeTestPki(const std::string& dir) {
    const std::string base = dir + "/";
    TestPki pki;

    Key caKey = newKey();
    Cert ca = makeCert(caKey.get(), "Otklik test CA", {-kDay, 10 * kDay}, nullptr, nullptr, nullptr);
    pki.caCert = writeCert(ca.get(), base + "ca.pem");
    pki.caKey = writeKey(caKey.get(), base + "ca-key.pem");

    const char* goodSan = "DNS:localhost,IP:127.0.0.1";
    Key serverKey = newKey();
    Cert server = makeCert(serverKey.get(), "localhost", kValidNow, ca.get(), caKey.get(), goodSan);
    pki.serverCert = writeCert(server.get(), base + "server.pem");
    pki.serverKey = writeKey(serverKey.get(), base + "server-key.pem");
    pki.serverPin = pinOf(server.get());

    Key expiredKey = newKey();
    Cert expired = makeCert(expiredKey.get(), "localhost", kExpired, ca.get(), caKey.get(), goodSan);
    pki.expiredCert = writeCert(expired.get(), base + "expired.pem");
    pki.expiredKey = writeKey(expiredKey.get(), base + "expired-key.pem");

    Key wrongHostKey = newKey();
    Cert wrongHost = makeCert(wrongHostKey.get(), "wrong.example", kValidNow, ca.get(), caKey.get(), "DNS:wrong.example");
    pki.wrongHostCert = writeCert(wrongHost.get(), base + "wrong-host.pem");
    pki.wrongHostKey = writeKey(wrongHostKey.get(), base + "wrong-host-key.pem");

    // Same name as the real CA, so a verifier that matched by name alone would be caught.
    Key otherCaKey = newKey();
    Cert otherCa = makeCert(otherCaKey.get(), "Otklik test CA", {-kDay, 10 * kDay}, nullptr, nullptr, nullptr);
    pki.otherCaCert = writeCert(otherCa.get(), base + "other-ca.pem");
    pki.otherPin = pinOf(otherCa.get());
    return pki;
}

}  // namespace otklik::test
