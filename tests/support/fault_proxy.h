// A TLS-terminating HTTP/1.1 proxy that breaks the network on purpose, for chaos tests: it
// sits between a terminal and the real otklik-hub and, per request, passes it on, drops it,
// delays it, answers an error itself, loses the hub's acknowledgement, cuts the reply short,
// or stalls. Faults are chosen by a FaultPlan (seeded odds or a callback), so a run replays.
#pragma once

#include <memory>
#include <string>

#include "tests/support/fault_plan.h"

namespace otklik::test {

struct TestPki;

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
