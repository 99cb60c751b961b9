// What the fault proxy (fault_proxy.h) does with each request: a Fault, chosen by a FaultPlan
// from seeded odds, a fixed list or a callback, so a chaos run replays.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace otklik::test {

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

}  // namespace otklik::test
