// The one place libcurl is called: a small synchronous HTTPS client with TLS always verified
// (CA file or system CAs, optional public-key pins), bounded time and reply size, and
// failures sorted into kinds a caller can act on. No curl type leaks out of this header.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/client/http_transport.h"

namespace otklik {

struct TlsSettings {
    std::string caFile;                    // PEM bundle that must have issued the server's certificate; "" = system CAs
    std::vector<std::string> pins;         // "sha256//BASE64" public-key pins (current + backup); one must match; empty = no pinning
    bool insecureDevelopmentOnly = false;  // no certificate or host check, http:// allowed; logged as a warning by the client, callers must show it too
};

struct HttpTimeouts {
    int connectMs = 10000;         // TCP + TLS handshake
    int totalMs = 60000;           // the whole exchange
    int lowSpeedBytesPerS = 100;   // below this rate for lowSpeedSeconds = Timeout (a stalled link)
    int lowSpeedSeconds = 20;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The address of one of the hub's routes ("/api/v1/config") under the configured hub url,
// with or without a trailing slash ("https://hub.example.org/" is as good as without).
[[nodiscard]] std::string hubRouteUrl(const std::string& hubUrl, const std::string& route);

struct HttpRequest {
    std::string method = "GET";    // GET and HEAD send no body; any other method sends `body` (even empty)
    std::string url;               // https://… (http:// only with insecureDevelopmentOnly)
    HttpHeaders headers;           // sent as given; no Content-Type is added for you
    std::string body;
    std::size_t maxReplyBytes = 16 * 1024 * 1024;  // a longer reply body is refused: error Receive
    bool inspectConnection = false;  // also fill HttpResult::connection (the connection test; costs a little per handshake)
};

// How far an exchange got and what the far end showed (HttpRequest::inspectConnection).
struct HttpConnectionInfo {
    // Microseconds from the start until the name was resolved, the TCP connection stood and
    // the TLS handshake was done; 0 when a kept-alive connection was reused.
    int64_t resolvedUs = 0, connectedUs = 0, tlsDoneUs = 0, totalUs = 0;
    std::string peerAddress;                     // the IP address connected to, "" if none
    std::optional<int64_t> certificateExpiresAtMs;  // the server certificate's "not after", when it was shown
};

enum class HttpErrorKind {
    None,      // a reply arrived (any status, 4xx/5xx included)
    Resolve,   // the server's name is unknown (DNS)
    Connect,   // refused or unreachable
    Timeout,   // connect, total or low-speed limit
    Tls,       // handshake failed: untrusted or expired certificate, wrong host name, pin mismatch, unreadable CA file
    Proxy,     // the proxy could not be resolved or refused the tunnel
    Send,      // the connection broke while sending
    Receive,   // the reply was cut short, empty, malformed, or over maxReplyBytes
    Other,     // bad URL, unsupported scheme, out of memory, …
};

const char* toString(HttpErrorKind kind);

// On an error, status, headers and body hold whatever had arrived (a cut reply may have a
// status line and part of a body): for diagnostics only, never to act on.
struct HttpResult {
    HttpErrorKind error = HttpErrorKind::None;
    std::string errorMessage;      // plain words, curl's detail in brackets, and what to check
    std::string errorWords;        // the plain words alone ("the hub's certificate is not trusted")
    std::string errorAdvice;       // what to check alone, "" if nothing specific
    int status = 0;                // HTTP status of the reply; 0 if none arrived
    HttpHeaders headers;           // reply headers in order, names lower-cased
    std::string body;
    HttpConnectionInfo connection; // with HttpRequest::inspectConnection

    [[nodiscard]] bool replied() const { return error == HttpErrorKind::None; }
    // The first reply header of that name (any case), if any.
    [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

// One reusable connection (kept alive between requests to the same server, so TLS handshakes
// are not repeated). Not thread-safe: one client per thread.
class HttpClient final : public HttpTransport {
public:
    // `proxy`: nullopt = from the environment (https_proxy, no_proxy), "" = never a proxy,
    // otherwise a proxy URL such as "http://proxy.lan:3128".
    HttpClient(TlsSettings tls, HttpTimeouts timeouts, std::optional<std::string> proxy = std::nullopt);
    ~HttpClient() override;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Blocks until the reply is complete or fails (bounded by the timeouts). Redirects are
    // returned as they are, never followed; bodies are not decompressed.
    [[nodiscard]] HttpResult send(const HttpRequest& request) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace otklik
