// A TLS-terminating HTTP/1.1 proxy that breaks the network on purpose, for chaos tests: it
// sits between a terminal and the real otklik-hub and, per request, passes it on, drops it,
// delays it, answers an error itself, loses the hub's acknowledgement, cuts the reply short,
// or stalls. Faults are chosen by a FaultPlan (seeded odds or a callback), so a run replays.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace otklik::test {

struct TestPki;

// What the proxy does with one request.
struct Fault {
    enum class Kind {
        Pass,      // forward to the hub, relay its reply
        Drop,      // close the client's connection; the hub never sees the request
        Delay,     // wait delayMs, then Pass
        Error,     // answer `status` (500, 503, …) itself, with Retry-After when retryAfterS > 0
        LostAck,   // forward, wait for the hub's whole reply (it has committed), then close without relaying it
        CutReply,  // forward, relay only the start of the reply (see cutAfterBytes), close
        Stall,     // never answer; close when the client gives up (or after the proxy's stall limit)
    };
    Kind kind = Kind::Pass;
    int delayMs = 0;      // Delay
    int status = 503;     // Error
    int retryAfterS = 0;  // Error: 0 = no Retry-After header
    // CutReply: -1 = the whole head and the first half of the body (a cut every client
    // notices; a reply without a body is cut in the middle of its head); N >= 0 = exactly the first N bytes of the reply as the proxy frames it, so a
    // cut can land in the status line or among the headers.
    int cutAfterBytes = -1;

    static Fault pass() { return {}; }
    static Fault drop() { return {Kind::Drop}; }
    static Fault delay(int ms) { return {Kind::Delay, ms}; }
    static Fault error(int status, int retryAfterS = 0) { return {Kind::Error, 0, status, retryAfterS}; }
    static Fault lostAck() { return {Kind::LostAck}; }
    static Fault cutReply(int afterBytes = -1) { return {Kind::CutReply, 0, 503, 0, afterBytes}; }
    static Fault stall() { return {Kind::Stall}; }
};

const char* toString(Fault::Kind kind);

// Chooses the fault for each request. `requestIndex` counts the requests the proxy has read
// (0, 1, 2, … over its lifetime, across connections); `path` is the request target.
class FaultPlan {
public:
    using Decide = std::function<Fault(int requestIndex, const std::string& path)>;

    // Every request passes.
    FaultPlan();
    // The proxy calls `decide` under a lock, so it may keep state without locking itself.
    explicit FaultPlan(Decide decide);

    // The same fault for every request.
    static FaultPlan always(Fault fault);
    // Each request independently: fault i with probability odds[i].first, else Pass. The draw
    // is a pure function of (seed, requestIndex), so the same seed gives the same fault to
    // the same request number whatever the thread timing. Throws std::invalid_argument if a
    // probability is outside [0, 1] or they sum to more than 1.
    static FaultPlan random(std::vector<std::pair<double, Fault>> odds, std::uint64_t seed);
    // Pass, except the listed request indexes, which get their fault.
    static FaultPlan at(std::vector<std::pair<int, Fault>> faults);

    [[nodiscard]] Fault decide(int requestIndex, const std::string& path) const { return decide_(requestIndex, path); }

private:
    Decide decide_;
};

struct FaultProxyOptions {
    std::string certFile, keyFile;  // the proxy's server certificate (PEM) and key
    std::string caFile;             // the CA the upstream hub's certificate must chain to
    std::string upstreamHost = "127.0.0.1";
    int upstreamPort = 0;
    int listenPort = 0;              // 0 = a free port (see FaultProxy::port)
    int stallMaxMs = 60000;          // a stalled request's connection is closed after this at the latest
    int upstreamConnectMs = 3000;    // connecting to the hub (a down hub answers 502 after at most this)
    int upstreamTotalMs = 30000;     // one exchange with the hub

    // Certificates from the test PKI: serverCert/serverKey for clients, caCert for the hub.
    static FaultProxyOptions fromPki(const TestPki& pki, int upstreamPort);
};

// What the proxy has done so far. Each request read ends in exactly one of passed, dropped,
// errors, lostAcks, cutReplies, stalls or upstreamFailures (a LostAck or CutReply whose hub
// could not be reached is an upstream failure), unless stop() interrupts it.
struct FaultProxyStats {
    int connections = 0;       // TLS handshakes completed with clients
    int requests = 0;          // requests read in full
    int passed = 0;            // Pass (including Delay) whose reply was relayed
    int dropped = 0;
    int delayed = 0;           // Delay (also counted in passed or upstreamFailures)
    int errors = 0;            // Error answers made up by the proxy
    int lostAcks = 0;          // the hub replied, the client was cut off
    int cutReplies = 0;
    int stalls = 0;
    int upstreamFailures = 0;  // the hub could not be reached or failed mid-exchange: answered 502
    int upstreamReplies = 0;   // replies the hub gave (relayed or not): requests that reached it
};

// Listens on 127.0.0.1 with TLS; one thread per client connection, each with its own
// keep-alive connection to the hub. Requests need a Content-Length body (no chunked bodies).
class FaultProxy {
public:
    // Starts listening and accepting. Throws std::runtime_error (port taken, bad certificate).
    FaultProxy(FaultProxyOptions options, FaultPlan plan = {});
    ~FaultProxy();  // stop()
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    [[nodiscard]] int port() const;
    // "https://127.0.0.1:PORT" + path
    [[nodiscard]] std::string url(const std::string& path) const;

    // Applies to requests read from now on; thread-safe.
    void setPlan(FaultPlan plan);
    // The hub moved (or restarts on a new port); requests read from now on go there.
    void setUpstreamPort(int port);
    [[nodiscard]] FaultProxyStats stats() const;

    // Stops accepting, cuts every client connection, ends delays and stalls, and waits for
    // the connection threads (one in an exchange with the hub finishes it first, bounded by
    // upstreamTotalMs). Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace otklik::test
