// The HTTPS client against a real TLS server on loopback (a tiny OpenSSL one in this file,
// since the hub is not needed to prove the client): replies, trust, names, dates, pins,
// timeouts, cut and oversize replies, refused connections, and connection reuse.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sync/client/http_client.h"
#include "tests/fakes/temp_dir.h"
#include "tests/support/test_certs.h"

using namespace otklik;
using namespace std::chrono_literals;

namespace {

// What the test server writes back for one request.
struct Reply {
    std::string bytes;            // written as they are (status line, headers, body)
    std::size_t fillerBytes = 0;  // then this many 'x' bytes, streamed (large bodies without a large string)
    int delayMs = 0;              // wait before writing anything
    bool close = false;           // close the connection after writing
};

Reply ok(const std::string& body, const std::string& extraHeaders = "") {
    return {"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extraHeaders + "\r\n" + body};
}

// One-thread HTTPS/1.1 server on 127.0.0.1, an ephemeral port, one connection at a time with
// keep-alive. Requests are read up to their Content-Length; the responder decides the reply.
class TlsServer {
public:
    using Responder = std::function<Reply(const std::string& request)>;

    TlsServer(const std::string& certFile, const std::string& keyFile, Responder responder) : responder_(std::move(responder)) {
        ctx_ = SSL_CTX_new(TLS_server_method());
        if (!ctx_ || SSL_CTX_use_certificate_chain_file(ctx_, certFile.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx_, keyFile.c_str(), SSL_FILETYPE_PEM) != 1)
            throw std::runtime_error("test server: cannot load " + certFile);
        listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listenFd_, 8) != 0 ||
            ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("test server: cannot listen on loopback");
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { run(); });
    }

    ~TlsServer() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();
        ::close(listenFd_);
        SSL_CTX_free(ctx_);
    }

    std::string url(const std::string& path = "/", const std::string& host = "localhost") const {
        return "https://" + host + ":" + std::to_string(port_) + path;
    }
    int connections() const { return connections_; }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    bool stopping() const {
        std::lock_guard lock(mutex_);
        return stop_;
    }

    // Waits until `fd` is readable, checking for shutdown in between (a client holding a
    // kept-alive connection open must not hang the destructor).
    bool waitReadable(int fd) const {
        while (!stopping()) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) return true;
        }
        return false;
    }

    void run() {
        // Writing to a connection the client already dropped must fail, not kill the tests.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        while (waitReadable(listenFd_)) {
            int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            ++connections_;
            timeval limit{2, 0};  // a stuck handshake must not stall the test for long
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
            SSL* ssl = SSL_new(ctx_);
            SSL_set_fd(ssl, fd);
            if (SSL_accept(ssl) == 1) serve(ssl, fd);
            SSL_free(ssl);
            ::close(fd);
            ERR_clear_error();  // refused handshakes are expected in these tests
        }
    }

    void serve(SSL* ssl, int fd) {
        std::string buffer;
        for (;;) {
            std::string request;
            if (!readRequest(ssl, fd, buffer, request)) return;
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(request);
            }
            const Reply reply = responder_(request);
            if (reply.delayMs > 0) {
                std::unique_lock lock(mutex_);
                if (wake_.wait_for(lock, std::chrono::milliseconds(reply.delayMs), [this] { return stop_; })) return;
            }
            if (!writeAll(ssl, reply.bytes)) return;
            const std::string chunk(64 * 1024, 'x');
            for (std::size_t left = reply.fillerBytes; left > 0;) {
                const std::size_t n = std::min(left, chunk.size());
                if (!writeAll(ssl, std::string_view(chunk).substr(0, n))) return;
                left -= n;
            }
            if (reply.close) {
                SSL_shutdown(ssl);
                return;
            }
        }
    }

    bool readRequest(SSL* ssl, int fd, std::string& buffer, std::string& request) {
        std::size_t headerEnd;
        while ((headerEnd = buffer.find("\r\n\r\n")) == std::string::npos)
            if (!readMore(ssl, fd, buffer)) return false;
        std::size_t bodyLength = 0;
        const std::string head = buffer.substr(0, headerEnd);
        if (auto at = head.find("Content-Length: "); at != std::string::npos) bodyLength = std::stoul(head.substr(at + 16));
        while (buffer.size() < headerEnd + 4 + bodyLength)
            if (!readMore(ssl, fd, buffer)) return false;
        request = buffer.substr(0, headerEnd + 4 + bodyLength);
        buffer.erase(0, request.size());
        return true;
    }

    bool readMore(SSL* ssl, int fd, std::string& buffer) {
        if (SSL_pending(ssl) == 0 && !waitReadable(fd)) return false;
        char data[16 * 1024];
        const int n = SSL_read(ssl, data, sizeof data);
        if (n <= 0) return false;
        buffer.append(data, static_cast<std::size_t>(n));
        return true;
    }

    static bool writeAll(SSL* ssl, std::string_view bytes) {
        while (!bytes.empty()) {
            const int n = SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    Responder responder_;
    SSL_CTX* ctx_ = nullptr;
    int listenFd_ = -1;
    int port_ = 0;
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::vector<std::string> requests_;
    std::thread thread_;
};

// Limits that only a hung case reaches: a loaded machine running the sanitizer build can take
// over 2 s for a handshake that reads the system CA bundle. The timeout case sets its own.
HttpTimeouts fast() { return HttpTimeouts{8000, 10000, 1, 10}; }

// Tests ignore the machine's proxy settings: loopback must be reached directly.
HttpClient client(TlsSettings tls, HttpTimeouts timeouts = fast()) { return HttpClient(std::move(tls), timeouts, std::string()); }

HttpRequest get(const std::string& url) {
    HttpRequest request;
    request.url = url;
    return request;
}

// One PKI per test process, made on first use (EC keys: a few milliseconds).
const test::TestPki& pki() {
    static const test::TestPki made = test::makeTestPki(fakes::freshTempDir("http_client_pki"));
    return made;
}

TlsSettings trusting() { return TlsSettings{pki().caCert, {}, false}; }

// A server with the good certificate that answers every request with `reply`.
std::unique_ptr<TlsServer> serve(Reply reply) {
    return std::make_unique<TlsServer>(pki().serverCert, pki().serverKey, [reply](const std::string&) { return reply; });
}

// A loopback port nothing listens on: bound, never listened, closed.
int closedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(HttpClient, GetReturnsStatusHeadersAndBody) {
    auto server = serve(ok("hello", "X-Hub-Seq: 42\r\nSet-Thing: a\r\nSet-Thing: b\r\n"));
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url("/v1/ping")));
    ASSERT_TRUE(result.replied()) << result.errorMessage;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body, "hello");
    EXPECT_EQ(result.header("x-hub-seq"), "42");
    EXPECT_EQ(result.header("X-HUB-SEQ"), "42") << "lookup ignores case";
    EXPECT_EQ(result.header("missing"), std::nullopt);
    std::vector<std::string> names;
    for (const auto& [name, value] : result.headers) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{"content-length", "x-hub-seq", "set-thing", "set-thing"})) << "lower-cased, in order, repeats kept";
    ASSERT_EQ(server->requests().size(), 1u);
    EXPECT_TRUE(server->requests()[0].starts_with("GET /v1/ping HTTP/1.1\r\n")) << server->requests()[0];
}

TEST(HttpClient, PostSendsBodyAndHeadersAsGiven) {
    auto server = serve(ok("{}"));
    auto http = client(trusting());
    HttpRequest request;
    request.method = "POST";
    request.url = server->url("/v1/batches");
    request.headers = {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}, {"Authorization", "Bearer t-1"}};
    request.body = std::string("{\"items\":[]}") + std::string(4000, ' ');  // above curl's Expect: 100-continue threshold
    HttpResult result = http.send(request);
    ASSERT_TRUE(result.replied()) << result.errorMessage;
    ASSERT_EQ(server->requests().size(), 1u);
    const std::string seen = server->requests()[0];
    EXPECT_TRUE(seen.starts_with("POST /v1/batches HTTP/1.1\r\n")) << seen;
    EXPECT_TRUE(contains(seen, "\r\nContent-Type: application/json\r\n")) << seen;
    EXPECT_TRUE(contains(seen, "\r\nContent-Encoding: gzip\r\n")) << seen;
    EXPECT_TRUE(contains(seen, "\r\nAuthorization: Bearer t-1\r\n")) << seen;
    EXPECT_FALSE(contains(seen, "Expect:")) << "no 100-continue round trip";
    EXPECT_FALSE(contains(seen, "Accept-Encoding")) << "the caller handles compression";
    EXPECT_TRUE(seen.ends_with("\r\n\r\n" + request.body));
}

TEST(HttpClient, PutWithoutContentTypeGetsNoFormContentType) {
    auto server = serve(ok(""));
    auto http = client(trusting());
    HttpRequest request;
    request.method = "PUT";
    request.url = server->url("/v1/thing");
    request.body = "x";
    ASSERT_TRUE(http.send(request).replied());
    const std::string seen = server->requests().at(0);
    EXPECT_TRUE(seen.starts_with("PUT /v1/thing HTTP/1.1\r\n")) << seen;
    EXPECT_FALSE(contains(seen, "Content-Type")) << seen;
}

TEST(HttpClient, ErrorStatusesAreRepliesNotFailures) {
    auto server = serve({"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 4\r\n\r\nbusy"});
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::None) << result.errorMessage;
    EXPECT_EQ(result.status, 503);
    EXPECT_EQ(result.header("retry-after"), "30");
    EXPECT_EQ(result.body, "busy");
}

TEST(HttpClient, RedirectsAreNotFollowed) {
    auto server = serve({"HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/\r\nContent-Length: 0\r\n\r\n"});
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url()));
    EXPECT_TRUE(result.replied()) << result.errorMessage;
    EXPECT_EQ(result.status, 302);
    EXPECT_EQ(result.header("location"), "https://elsewhere.example/");
    EXPECT_EQ(server->requests().size(), 1u);
}

TEST(HttpClient, ReusesTheConnectionBetweenRequests) {
    auto server = serve(ok("again"));
    auto http = client(trusting());
    for (int i = 0; i < 3; ++i) {
        HttpResult result = http.send(get(server->url()));
        ASSERT_TRUE(result.replied()) << result.errorMessage;
        EXPECT_EQ(result.body, "again");
    }
    EXPECT_EQ(server->requests().size(), 3u);
    EXPECT_EQ(server->connections(), 1) << "one TLS handshake for three requests";
}

TEST(HttpClient, IpAddressMatchesTheCertificatesIpSan) {
    auto server = serve(ok("ip"));
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url("/", "127.0.0.1")));
    EXPECT_TRUE(result.replied()) << result.errorMessage;
}

TEST(HttpClient, UnknownCaIsRefusedWithSystemCas) {
    auto server = serve(ok("secret"));
    auto http = client(TlsSettings{});
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Tls) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "not trusted")) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "ca_file")) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "SSL certificate problem")) << "curl's detail is kept: " << result.errorMessage;
    EXPECT_TRUE(server->requests().empty()) << "nothing was sent to an untrusted server";
    EXPECT_TRUE(result.body.empty());
}

TEST(HttpClient, OtherCaIsRefused) {
    auto server = serve(ok("secret"));
    auto http = client(TlsSettings{pki().otherCaCert, {}, false});
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Tls) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "not trusted")) << result.errorMessage;
    EXPECT_TRUE(server->requests().empty());
}

TEST(HttpClient, WrongHostIsRefused) {
    TlsServer server(pki().wrongHostCert, pki().wrongHostKey, [](const std::string&) { return ok("secret"); });
    auto http = client(trusting());
    HttpResult result = http.send(get(server.url()));
    EXPECT_EQ(result.error, HttpErrorKind::Tls) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "different name")) << result.errorMessage;
    EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClient, ExpiredCertificateIsRefused) {
    TlsServer server(pki().expiredCert, pki().expiredKey, [](const std::string&) { return ok("secret"); });
    auto http = client(trusting());
    HttpResult result = http.send(get(server.url()));
    EXPECT_EQ(result.error, HttpErrorKind::Tls) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "validity dates")) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "clock")) << result.errorMessage;
    EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClient, UnreadableCaFileIsNamed) {
    auto server = serve(ok("secret"));
    auto http = client(TlsSettings{"/nonexistent/ca.pem", {}, false});
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Tls) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "CA file could not be read")) << result.errorMessage;
}

TEST(HttpClient, MatchingPinIsAccepted) {
    auto server = serve(ok("pinned"));
    auto http = client(TlsSettings{pki().caCert, {pki().serverPin}, false});
    HttpResult result = http.send(get(server->url()));
    ASSERT_TRUE(result.replied()) << result.errorMessage;
    EXPECT_EQ(result.body, "pinned");
}

TEST(HttpClient, WrongPinIsRefused) {
    auto server = serve(ok("secret"));
    auto http = client(TlsSettings{pki().caCert, {pki().otherPin}, false});
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Tls) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "pins")) << result.errorMessage;
    EXPECT_TRUE(server->requests().empty());
}

TEST(HttpClient, BackupPinAloneMatchingIsAccepted) {
    auto server = serve(ok("rotated"));
    auto http = client(TlsSettings{pki().caCert, {pki().otherPin, pki().serverPin}, false});
    HttpResult result = http.send(get(server->url()));
    ASSERT_TRUE(result.replied()) << result.errorMessage;
    EXPECT_EQ(result.body, "rotated");
}

TEST(HttpClient, MalformedPinIsNamedWithoutConnecting) {
    auto server = serve(ok("secret"));
    auto http = client(TlsSettings{pki().caCert, {pki().serverPin, "AAAA="}, false});
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Other);
    EXPECT_TRUE(contains(result.errorMessage, "\"AAAA=\"")) << result.errorMessage;
    EXPECT_EQ(server->connections(), 0);
}

TEST(HttpClient, PlainHttpIsRefused) {
    auto http = client(trusting());
    HttpResult result = http.send(get("http://127.0.0.1:" + std::to_string(closedPort()) + "/"));
    EXPECT_EQ(result.error, HttpErrorKind::Other) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "https://")) << result.errorMessage;
}

TEST(HttpClient, InsecureDevelopmentModeSkipsVerification) {
    auto server = serve(ok("dev"));
    auto http = client(TlsSettings{"", {}, true});
    HttpResult result = http.send(get(server->url()));
    ASSERT_TRUE(result.replied()) << result.errorMessage;
    EXPECT_EQ(result.body, "dev");
}

TEST(HttpClient, SlowReplyTimesOut) {
    auto server = serve(Reply{ok("late").bytes, 0, 3000});
    HttpTimeouts timeouts = fast();
    timeouts.totalMs = 300;
    auto http = client(trusting(), timeouts);
    const auto start = std::chrono::steady_clock::now();
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Timeout) << result.errorMessage;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_TRUE(contains(result.errorMessage, "did not answer in time")) << result.errorMessage;
}

TEST(HttpClient, ReplyCutAfterHeadersIsReceiveError) {
    auto server = serve(Reply{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0, 0, true});
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Receive) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "cut short")) << result.errorMessage;
}

TEST(HttpClient, ConnectionClosedWithoutReplyIsReceiveError) {
    auto server = serve(Reply{"", 0, 0, true});
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Receive) << result.errorMessage;
}

TEST(HttpClient, RefusedConnectionIsConnectError) {
    auto http = client(trusting());
    HttpResult result = http.send(get("https://127.0.0.1:" + std::to_string(closedPort()) + "/"));
    EXPECT_EQ(result.error, HttpErrorKind::Connect) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "could not connect")) << result.errorMessage;
}

TEST(HttpClient, AnnouncedOversizeReplyIsRefused) {
    // 17 MiB announced against the default 16 MiB cap: refused from the headers alone.
    auto server = serve(Reply{"HTTP/1.1 200 OK\r\nContent-Length: 17825792\r\n\r\n", 17825792});
    auto http = client(trusting());
    HttpResult result = http.send(get(server->url()));
    EXPECT_EQ(result.error, HttpErrorKind::Receive) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "16777216-byte limit")) << result.errorMessage;
    EXPECT_TRUE(result.body.empty());
}

TEST(HttpClient, UnannouncedOversizeReplyIsCutOff) {
    // No Content-Length: the body runs until the server closes, so only counting catches it.
    auto server = serve(Reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 1024 * 1024, 0, true});
    auto http = client(trusting());
    HttpRequest request = get(server->url());
    request.maxReplyBytes = 64 * 1024;
    HttpResult result = http.send(request);
    EXPECT_EQ(result.error, HttpErrorKind::Receive) << result.errorMessage;
    EXPECT_TRUE(contains(result.errorMessage, "65536-byte limit")) << result.errorMessage;
    EXPECT_LE(result.body.size(), 64u * 1024);
}

TEST(HttpClient, ClientStillWorksAfterAFailure) {
    auto server = serve(ok("fine"));
    auto http = client(trusting());
    HttpRequest tooSmall = get(server->url());
    tooSmall.maxReplyBytes = 2;
    EXPECT_EQ(http.send(tooSmall).error, HttpErrorKind::Receive);
    HttpResult result = http.send(get(server->url()));
    ASSERT_TRUE(result.replied()) << result.errorMessage;
    EXPECT_EQ(result.body, "fine");
}
