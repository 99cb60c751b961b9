// The hub's HTTP(S) server: the one place libmicrohttpd is called. It collects a request
// (headers, query, body up to a limit), hands it to one handler function on a pool thread,
// and sends the reply. Limits on body size, header size, connections (total and per address)
// and time are enforced here, before any handler sees a byte.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace otklik::hub {

struct HttpRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> query;    // decoded
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string remoteAddress;

    [[nodiscard]] std::string header(const std::string& lowerName) const {
        auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
    [[nodiscard]] std::string queryValue(const std::string& name) const {
        auto it = query.find(name);
        return it == query.end() ? std::string() : it->second;
    }
};

struct HttpReply {
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct ServerLimits {
    size_t maxBodyBytes = 8u << 20;       // as received (compressed or not); larger → 413
    size_t connectionMemoryBytes = 64u << 10;  // request line + headers must fit; larger → 431
    unsigned maxConnections = 512;
    unsigned maxConnectionsPerAddress = 64;
    unsigned idleTimeoutSeconds = 15;     // a connection silent this long is closed
    unsigned requestTimeoutSeconds = 60;  // a body still arriving after this is cut off
    unsigned threads = 4;                 // request handler threads (request_workers.h)
    unsigned networkThreads = 0;          // libmicrohttpd's network and TLS threads; 0 = as many as `threads`
};

struct ServerOptions {
    std::string address = "127.0.0.1";   // IPv4 or IPv6 literal
    int port = 8443;                      // 0 = any free port (tests)
    std::string certPem;                  // PEM text; empty = plain HTTP (behind a TLS proxy only)
    std::string keyPem;
    ServerLimits limits;
};

using HttpHandler = std::function<HttpReply(const HttpRequest&)>;

class HttpServer {
public:
    // Starts listening at once; throws std::runtime_error saying what to fix (port in use,
    // bad certificate, ...).
    HttpServer(ServerOptions options, HttpHandler handler);
    ~HttpServer();  // stops accepting, finishes nothing further
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    [[nodiscard]] int port() const;
    [[nodiscard]] bool tls() const;

    struct State;  // libmicrohttpd's daemon and our callbacks' context

private:
    std::unique_ptr<State> state_;
};

}  // namespace otklik::hub
