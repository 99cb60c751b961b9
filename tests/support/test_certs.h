// Certificates made at test time, so TLS tests need no files in the tree that expire or leak
// a private key: a CA, server certificates good and bad, an unrelated CA, and curl pins.
#pragma once

#include <string>

namespace otklik::test {

// Paths of PEM files written into one folder, plus pins in curl's "sha256//BASE64" form.
struct TestPki {
    std::string caCert, caKey;                // a fresh self-signed CA
    std::string serverCert, serverKey;        // signed by the CA; SAN DNS:localhost, IP:127.0.0.1; valid now
    std::string expiredCert, expiredKey;      // signed by the CA; same SAN; notAfter in the past
    std::string wrongHostCert, wrongHostKey;  // signed by the CA; SAN DNS:wrong.example only
    std::string otherCaCert;                  // an unrelated CA that signed none of these
    std::string serverPin;                    // pin of serverCert's public key
    std::string otherPin;                     // pin of a key no server here uses
};

// OpenSSL's queued error reasons joined with "; " (the queue is emptied), "" if none: for
// messages of the test helpers that call OpenSSL directly.
std::string takeOpenSslErrors();

// Writes the files into `dir` (which must exist). EC P-256 keys, for speed. Throws
// std::runtime_error with OpenSSL's reason on failure.
TestPki makeTestPki(const std::string& dir);

// curl's pin ("sha256//" + base64 of the SHA-256 of the DER SubjectPublicKeyInfo) of the
// public key in a PEM certificate file. Throws std::runtime_error on failure.
std::string publicKeyPin(const std::string& certFile);

}  // namespace otklik::test
