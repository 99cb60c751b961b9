// The fault proxy (see fault_proxy.h): OpenSSL on the client side (we are the server there),
// the project's HttpClient towards the hub, so the hub is reached exactly as terminals reach
// it. Every wait (delay, stall, the client's next request) ends when stop() is called.
#include "tests/support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "sync/client/http_client.h"
#include "tests/support/test_certs.h"

namespace otklik::test {

FaultProxyOptions FaultProxyOptions::fromPki(const TestPki& pki, int upstreamPort) {
    FaultProxyOptions options;
    options.certFile = pki.serverCert;
    options.keyFile = pki.serverKey;
    options.caFile = pki.caCert;
    options.upstreamPort = upstreamPort;
    return options;
}

// ---- HTTP/1.1 on the client side ---------------------------------------------------------

namespace {

constexpr std::size_t kMaxHead = 64 * 1024;           // request line + headers
constexpr std::size_t kMaxBody = 64 * 1024 * 1024;    // above the hub's own 8 MiB, so the hub's 413 shows through

[[noreturn]] void failWithOpenSsl(const std::string& doing) {
    std::string reason = takeOpenSslErrors();
    throw std::runtime_error("fault proxy: " + doing + " failed" + (reason.empty() ? "" : ": " + reason));
}

bool sameIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

struct Request {
    std::string method, target, version;
    HttpHeaders headers;
    std::string body;
    bool keepAlive = true;

    [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
        for (const auto& [key, value] : headers)
            if (sameIgnoringCase(key, name)) return value;
        return std::nullopt;
    }
};

const char* reasonPhrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "Status";
    }
}

// Escapes a message for a JSON string (our own error bodies).
std::string jsonString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// A reply the proxy makes up itself.
std::string ownReply(int status, const std::string& message, bool keepAlive, int retryAfterS = 0) {
    const std::string body = "{\"error\":" + jsonString(message) + "}";
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reasonPhrase(status) + "\r\n";
    out += "Content-Type: application/json\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (retryAfterS > 0) out += "Retry-After: " + std::to_string(retryAfterS) + "\r\n";
    if (!keepAlive) out += "Connection: close\r\n";
    return out + "\r\n" + body;
}

// Headers that describe one hop, not the message: the proxy (or curl) sets its own.
bool hopByHop(std::string_view name) {
    for (const char* h : {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
                          "content-length", "host", "expect"})
        if (sameIgnoringCase(name, h)) return true;
    return false;
}

// The hub's reply re-framed for the client. curl has already undone chunking; bodies are
// relayed as they came (compressed ones stay compressed).
std::string relayedReply(const HttpResult& reply, bool headRequest, bool keepAlive) {
    const int status = reply.status;
    const bool noBody = headRequest || status / 100 == 1 || status == 204 || status == 304;
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reasonPhrase(status) + "\r\n";
    for (const auto& [name, value] : reply.headers) {
        // Without a body, the hub's Content-Length describes the resource; keep it.
        if (noBody && sameIgnoringCase(name, "content-length")) {
            out += name + ": " + value + "\r\n";
            continue;
        }
        if (hopByHop(name)) continue;
        out += name + ": " + value + "\r\n";
    }
    if (!noBody) out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    if (!keepAlive) out += "Connection: close\r\n";
    out += "\r\n";
    if (!noBody) out += reply.body;
    return out;
}

enum class ReadResult { Ok, Closed, Malformed, HeadTooLarge, BodyTooLarge, Chunked };

}  // namespace

// ---- The proxy ---------------------------------------------------------------------------

struct FaultProxy::Impl {
    struct Connection {
        int fd = -1;  // -1 once the connection's thread closed it (guarded by connectionsMutex)
        std::thread thread;
        std::atomic<bool> done{false};
    };

    FaultProxyOptions options;
    SSL_CTX* ctx = nullptr;
    int listenFd = -1;
    int wakeFd = -1;  // an eventfd written once by stop(); every wait polls it
    int port = 0;
    std::atomic<bool> stopping{false};
    std::atomic<bool> stopped{false};
    std::atomic<int> upstreamPort{0};

    std::mutex planMutex;
    FaultPlan plan;
    int nextIndex = 0;

    std::mutex connectionsMutex;
    std::list<std::unique_ptr<Connection>> connections;
    std::thread acceptThread;

    struct Counters {
        std::atomic<int> connections{0}, requests{0}, passed{0}, dropped{0}, delayed{0}, errors{0}, lostAcks{0}, cutReplies{0},
            stalls{0}, upstreamFailures{0}, upstreamReplies{0};
    } counters;

    ~Impl() {
        if (listenFd >= 0) ::close(listenFd);
        if (wakeFd >= 0) ::close(wakeFd);
        if (ctx) SSL_CTX_free(ctx);
    }

    void listen() {
        ctx = SSL_CTX_new(TLS_server_method());
        if (!ctx) failWithOpenSsl("creating the TLS context");
        if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) failWithOpenSsl("requiring TLS 1.2");
        if (SSL_CTX_use_certificate_chain_file(ctx, options.certFile.c_str()) != 1)
            failWithOpenSsl("loading the certificate " + options.certFile);
        if (SSL_CTX_use_PrivateKey_file(ctx, options.keyFile.c_str(), SSL_FILETYPE_PEM) != 1)
            failWithOpenSsl("loading the key " + options.keyFile);
        if (SSL_CTX_check_private_key(ctx) != 1) failWithOpenSsl("matching the key to the certificate");

        wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) throw std::runtime_error(std::string("fault proxy: eventfd failed: ") + std::strerror(errno));
        listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listenFd < 0) throw std::runtime_error(std::string("fault proxy: socket failed: ") + std::strerror(errno));
        int one = 1;
        ::setsockopt(listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<uint16_t>(options.listenPort));
        if (::bind(listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1:" + std::to_string(options.listenPort) + ": " +
                                     std::strerror(errno) + " (is the port taken? 0 picks a free one)");
        if (::listen(listenFd, 128) != 0) throw std::runtime_error(std::string("fault proxy: listen failed: ") + std::strerror(errno));
        socklen_t length = sizeof address;
        ::getsockname(listenFd, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }

    // Waits up to `ms` (or forever with -1) for stop() or, when fd >= 0, for the client to
    // send or close. True = the time ran out (nothing happened).
    bool quietFor(int fd, int ms) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        for (;;) {
            pollfd fds[2] = {{wakeFd, POLLIN, 0}, {fd, POLLIN | POLLRDHUP, 0}};
            int left = -1;
            if (ms >= 0) {
                left = static_cast<int>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
                if (left <= 0) return true;
            }
            const int n = ::poll(fds, fd >= 0 ? 2 : 1, left);
            if (n < 0 && errno == EINTR) continue;
            if (n == 0) return true;
            return false;
        }
    }

    void acceptLoop() {
        // A write to a client that has gone must fail with EPIPE, not kill the test process:
        // SIGPIPE is blocked in this thread and the connection threads it starts.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        for (;;) {
            pollfd fds[2] = {{listenFd, POLLIN, 0}, {wakeFd, POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
            if (stopping) break;
            if (!(fds[0].revents & POLLIN)) continue;
            const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            std::lock_guard lock(connectionsMutex);
            reapFinished();
            if (stopping) {
                ::close(fd);
                break;
            }
            auto connection = std::make_unique<Connection>();
            connection->fd = fd;
            Connection* c = connection.get();
            connections.push_back(std::move(connection));
            c->thread = std::thread([this, c] { serve(c); });
        }
    }

    // Joins the threads of closed connections, so a long chaos run does not pile them up.
    // Called with connectionsMutex held; a done thread no longer takes it.
    void reapFinished() {
        for (auto it = connections.begin(); it != connections.end();) {
            if ((*it)->done) {
                (*it)->thread.join();
                it = connections.erase(it);
            } else {
                ++it;
            }
        }
    }

    Fault decide(const std::string& path) {
        std::lock_guard lock(planMutex);
        return plan.decide(nextIndex++, path);
    }

    static bool readMore(SSL* ssl, std::string& buffer) {
        char chunk[16384];
        const int n = SSL_read(ssl, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    static bool writeAll(SSL* ssl, std::string_view bytes) {
        while (!bytes.empty()) {
            const int n = SSL_write(ssl, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Reads one request; `buffer` keeps bytes of the next one (pipelining).
    static ReadResult readRequest(SSL* ssl, std::string& buffer, Request& request) {
        std::size_t headEnd;
        while ((headEnd = buffer.find("\r\n\r\n")) == std::string::npos) {
            if (buffer.size() > kMaxHead) return ReadResult::HeadTooLarge;
            if (!readMore(ssl, buffer)) return ReadResult::Closed;
        }
        if (headEnd > kMaxHead) return ReadResult::HeadTooLarge;
        std::string_view head(buffer.data(), headEnd);
        const auto lineEnd = head.find("\r\n");
        std::string_view requestLine = head.substr(0, lineEnd);
        const auto s1 = requestLine.find(' ');
        const auto s2 = requestLine.rfind(' ');
        if (s1 == std::string_view::npos || s2 == s1) return ReadResult::Malformed;
        request.method = std::string(requestLine.substr(0, s1));
        request.target = std::string(requestLine.substr(s1 + 1, s2 - s1 - 1));
        request.version = std::string(requestLine.substr(s2 + 1));
        if (request.version != "HTTP/1.1" && request.version != "HTTP/1.0") return ReadResult::Malformed;
        if (request.target.empty() || request.target.front() != '/') return ReadResult::Malformed;

        request.headers.clear();
        std::string_view rest = lineEnd == std::string_view::npos ? std::string_view() : head.substr(lineEnd + 2);
        while (!rest.empty()) {
            const auto end = rest.find("\r\n");
            std::string_view line = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0) return ReadResult::Malformed;
            request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
        }

        if (request.header("Transfer-Encoding")) return ReadResult::Chunked;
        std::size_t length = 0;
        if (auto declared = request.header("Content-Length")) {
            if (declared->empty() || declared->size() > 12 || !std::all_of(declared->begin(), declared->end(), [](unsigned char ch) { return std::isdigit(ch) != 0; }))
                return ReadResult::Malformed;
            length = std::stoull(*declared);
            if (length > kMaxBody) return ReadResult::BodyTooLarge;
        }
        const std::string connection = request.header("Connection").value_or("");
        request.keepAlive = request.version == "HTTP/1.1" ? !sameIgnoringCase(connection, "close") : sameIgnoringCase(connection, "keep-alive");

        if (auto expect = request.header("Expect"); expect && sameIgnoringCase(*expect, "100-continue") &&
                                                    buffer.size() < headEnd + 4 + length) {
            if (!writeAll(ssl, "HTTP/1.1 100 Continue\r\n\r\n")) return ReadResult::Closed;
        }
        while (buffer.size() < headEnd + 4 + length)
            if (!readMore(ssl, buffer)) return ReadResult::Closed;
        request.body = buffer.substr(headEnd + 4, length);
        buffer.erase(0, headEnd + 4 + length);
        return ReadResult::Ok;
    }

    HttpResult forward(std::unique_ptr<HttpClient>& upstream, const Request& request) {
        if (!upstream) {
            TlsSettings tls;
            tls.caFile = options.caFile;
            HttpTimeouts timeouts;
            timeouts.connectMs = options.upstreamConnectMs;
            timeouts.totalMs = options.upstreamTotalMs;
            upstream = std::make_unique<HttpClient>(tls, timeouts, std::string());  // never an environment proxy
        }
        HttpRequest out;
        out.method = request.method;
        out.url = "https://" + options.upstreamHost + ":" + std::to_string(upstreamPort.load()) + request.target;
        for (const auto& [name, value] : request.headers)
            if (!hopByHop(name)) out.headers.emplace_back(name, value);
        out.body = request.body;
        HttpResult reply = upstream->send(out);
        if (reply.replied()) ++counters.upstreamReplies;
        return reply;
    }

    // One client connection: TLS handshake, then requests until the client closes, a fault
    // cuts the connection, or stop().
    void serve(Connection* c) {
        const int fd = c->fd;  // only this thread changes c->fd
        SSL* ssl = SSL_new(ctx);
        bool graceful = false;  // send close_notify (an orderly end) rather than just cutting the TCP connection
        if (ssl && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1) {
            ++counters.connections;
            try {
                graceful = serveRequests(ssl, fd);
            } catch (const std::exception& e) {
                // A throwing plan callback (or no memory) must not end the whole test binary.
                std::fprintf(stderr, "fault proxy: connection cut: %s\n", e.what());
            }
        }
        ERR_clear_error();  // the queue is per thread; leave nothing for another user of it
        if (ssl) {
            if (graceful) SSL_shutdown(ssl);
            SSL_free(ssl);
        }
        {
            std::lock_guard lock(connectionsMutex);
            c->fd = -1;
            ::close(fd);
        }
        c->done = true;
    }

    // Returns whether the connection ends in an orderly way (true) or is cut (false).
    bool serveRequests(SSL* ssl, int fd) {
        std::unique_ptr<HttpClient> upstream;
        std::string buffer;
        for (;;) {
            Request request;
            switch (readRequest(ssl, buffer, request)) {
                case ReadResult::Ok: break;
                case ReadResult::Closed: return false;
                case ReadResult::Malformed:
                    writeAll(ssl, ownReply(400, "fault proxy: malformed HTTP/1.1 request", false));
                    return true;
                case ReadResult::HeadTooLarge:
                    writeAll(ssl, ownReply(431, "fault proxy: request line and headers over 64 KiB", false));
                    return true;
                case ReadResult::BodyTooLarge:
                    writeAll(ssl, ownReply(413, "fault proxy: request body over 64 MiB", false));
                    return true;
                case ReadResult::Chunked:
                    writeAll(ssl, ownReply(501, "fault proxy: send a Content-Length body, chunked request bodies are not supported", false));
                    return true;
            }
            if (stopping) return false;
            ++counters.requests;
            const Fault fault = decide(request.target);
            const bool head = request.method == "HEAD";
            switch (fault.kind) {
                case Fault::Kind::Drop:
                    ++counters.dropped;
                    return false;
                case Fault::Kind::Error:
                    ++counters.errors;
                    if (!writeAll(ssl, ownReply(fault.status, "injected by the fault proxy", request.keepAlive, fault.retryAfterS)))
                        return false;
                    break;
                case Fault::Kind::Stall:
                    ++counters.stalls;
                    quietFor(fd, options.stallMaxMs);  // until the client gives up, stop(), or the limit
                    return false;
                case Fault::Kind::Delay:
                    ++counters.delayed;
                    if (!quietFor(-1, fault.delayMs)) return false;  // stop()
                    [[fallthrough]];
                case Fault::Kind::Pass:
                case Fault::Kind::LostAck:
                case Fault::Kind::CutReply: {
                    HttpResult reply = forward(upstream, request);
                    if (!reply.replied()) {
                        ++counters.upstreamFailures;
                        const std::string message = "fault proxy: the hub at " + options.upstreamHost + ":" +
                                                    std::to_string(upstreamPort.load()) + " failed (" + toString(reply.error) +
                                                    "): " + reply.errorMessage;
                        if (!writeAll(ssl, ownReply(502, message, request.keepAlive))) return false;
                        break;
                    }
                    const std::string bytes = relayedReply(reply, head, request.keepAlive);
                    if (fault.kind == Fault::Kind::LostAck) {
                        ++counters.lostAcks;
                        return false;
                    }
                    if (fault.kind == Fault::Kind::CutReply) {
                        ++counters.cutReplies;
                        const std::size_t headSize = bytes.size() - (head ? 0 : reply.body.size());
                        const std::size_t cut = fault.cutAfterBytes >= 0
                                                    ? std::min(bytes.size(), static_cast<std::size_t>(fault.cutAfterBytes))
                                                    : headSize == bytes.size() ? headSize / 2
                                                                               : headSize + (bytes.size() - headSize) / 2;
                        writeAll(ssl, std::string_view(bytes).substr(0, cut));
                        return false;
                    }
                    ++counters.passed;
                    if (!writeAll(ssl, bytes)) return false;
                    break;
                }
            }
            if (!request.keepAlive) return true;
        }
    }

    void stop() {
        if (stopped.exchange(true)) return;
        stopping = true;
        if (wakeFd >= 0) {
            const std::uint64_t one = 1;
            [[maybe_unused]] ssize_t n = ::write(wakeFd, &one, sizeof one);
        }
        if (acceptThread.joinable()) acceptThread.join();
        std::list<std::unique_ptr<Connection>> all;
        {
            std::lock_guard lock(connectionsMutex);
            // Wakes threads blocked reading or writing the client; the fd stays theirs to close.
            for (auto& c : connections)
                if (c->fd >= 0) ::shutdown(c->fd, SHUT_RDWR);
            all.swap(connections);
        }
        for (auto& c : all) c->thread.join();
    }
};

FaultProxy::FaultProxy(FaultProxyOptions options, FaultPlan plan) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->plan = std::move(plan);
    impl_->upstreamPort = impl_->options.upstreamPort;
    impl_->listen();
    impl_->acceptThread = std::thread([impl = impl_.get()] { impl->acceptLoop(); });
}

FaultProxy::~FaultProxy() { stop(); }

int FaultProxy::port() const { return impl_->port; }

std::string FaultProxy::url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(impl_->port) + path; }

void FaultProxy::setPlan(FaultPlan plan) {
    std::lock_guard lock(impl_->planMutex);
    impl_->plan = std::move(plan);
}

void FaultProxy::setUpstreamPort(int port) { impl_->upstreamPort = port; }

FaultProxyStats FaultProxy::stats() const {
    const auto& c = impl_->counters;
    FaultProxyStats s;
    s.connections = c.connections;
    s.requests = c.requests;
    s.passed = c.passed;
    s.dropped = c.dropped;
    s.delayed = c.delayed;
    s.errors = c.errors;
    s.lostAcks = c.lostAcks;
    s.cutReplies = c.cutReplies;
    s.stalls = c.stalls;
    s.upstreamFailures = c.upstreamFailures;
    s.upstreamReplies = c.upstreamReplies;
    return s;
}

void FaultProxy::stop() { impl_->stop(); }

}  // namespace otklik::test
