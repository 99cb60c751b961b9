// otklik-fault-proxy: the chaos tests' FaultProxy as a program, for demos and manual chaos
// runs — put it between a kiosk and otklik-hub and watch every response still arrive once.
//
//   otklik-fault-proxy --upstream https://127.0.0.1:8443 --ca ca.pem --cert proxy.pem --key proxy-key.pem
//       --drop 0.1 --delay 0.2:1500 --error 0.1:503 --lost-ack 0.1 --cut 0.05 --seed 42
//
// Prints "listening on https://127.0.0.1:PORT", runs until SIGINT/SIGTERM, then prints what
// it did. Exit codes as the hub's: 0 done, 1 the environment failed, 2 bad input.
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fault_proxy.h"

namespace {

using otklik::test::Fault;

constexpr const char* kUsage =
    "usage: otklik-fault-proxy --upstream https://127.0.0.1:PORT --ca CA.pem --cert CERT.pem --key KEY.pem\n"
    "                          [--listen-port N] [--seed S] [--drop P] [--delay P:MS] [--error P:STATUS[:RETRY_AFTER_S]]\n"
    "                          [--lost-ack P] [--cut P[:BYTES]] [--stall P[:MAX_MS]]\n"
    "  P is a probability from 0 to 1 per request; the faults' probabilities must sum to at most 1.\n"
    "  --cut without BYTES relays the reply's head and half its body; with BYTES, exactly that many bytes.\n";

struct BadInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

double probability(const std::string& flag, const std::string& text) {
    try {
        std::size_t used = 0;
        double p = std::stod(text, &used);
        if (used == text.size() && p >= 0 && p <= 1) return p;
    } catch (const std::exception&) {
    }
    throw BadInput(flag + ": \"" + text + "\" is not a probability; give a number from 0 to 1, e.g. 0.1");
}

int integer(const std::string& flag, const std::string& text, int min, int max) {
    try {
        std::size_t used = 0;
        long value = std::stol(text, &used);
        if (used == text.size() && value >= min && value <= max) return static_cast<int>(value);
    } catch (const std::exception&) {
    }
    throw BadInput(flag + ": \"" + text + "\" must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
}

// "P:REST" → (P, REST); REST is "" when there is no colon.
std::pair<std::string, std::string> splitColon(const std::string& text) {
    auto colon = text.find(':');
    if (colon == std::string::npos) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

// https://HOST:PORT (HOST must be what the upstream certificate names).
void parseUpstream(const std::string& url, otklik::test::FaultProxyOptions& options) {
    const std::string prefix = "https://";
    if (url.rfind(prefix, 0) != 0) throw BadInput("--upstream: \"" + url + "\" must start with https:// (the hub speaks TLS)");
    std::string rest = url.substr(prefix.size());
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) throw BadInput("--upstream: \"" + url + "\" needs a port, e.g. https://127.0.0.1:8443");
    options.upstreamHost = rest.substr(0, colon);
    options.upstreamPort = integer("--upstream port", rest.substr(colon + 1), 1, 65535);
}

}  // namespace

int main(int argc, char** argv) {
    otklik::test::FaultProxyOptions options;
    std::vector<std::pair<double, Fault>> odds;
    std::uint64_t seed = 1;
    bool haveUpstream = false;
    try {
        std::vector<std::string> args(argv + 1, argv + argc);
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& flag = args[i];
            if (flag == "--help" || flag == "-h") {
                std::cout << kUsage;
                return 0;
            }
            if (i + 1 >= args.size()) throw BadInput(flag + " needs a value (or is unknown)");
            const std::string value = args[++i];
            if (flag == "--listen-port") {
                options.listenPort = integer(flag, value, 0, 65535);
            } else if (flag == "--upstream") {
                parseUpstream(value, options);
                haveUpstream = true;
            } else if (flag == "--ca") {
                options.caFile = value;
            } else if (flag == "--cert") {
                options.certFile = value;
            } else if (flag == "--key") {
                options.keyFile = value;
            } else if (flag == "--seed") {
                try {
                    seed = std::stoull(value);
                } catch (const std::exception&) {
                    throw BadInput("--seed: \"" + value + "\" must be a whole number");
                }
            } else if (flag == "--drop") {
                odds.emplace_back(probability(flag, value), Fault::drop());
            } else if (flag == "--lost-ack") {
                odds.emplace_back(probability(flag, value), Fault::lostAck());
            } else if (flag == "--cut") {
                auto [p, bytes] = splitColon(value);
                odds.emplace_back(probability(flag, p), Fault::cutReply(bytes.empty() ? -1 : integer(flag + " bytes", bytes, 0, 1 << 30)));
            } else if (flag == "--delay") {
                auto [p, ms] = splitColon(value);
                if (ms.empty()) throw BadInput("--delay: give P:MS, e.g. 0.2:1500");
                odds.emplace_back(probability(flag, p), Fault::delay(integer(flag + " milliseconds", ms, 0, 600000)));
            } else if (flag == "--error") {
                auto [p, rest] = splitColon(value);
                auto [status, retryAfter] = splitColon(rest);
                if (status.empty()) throw BadInput("--error: give P:STATUS[:RETRY_AFTER_S], e.g. 0.1:503:5");
                odds.emplace_back(probability(flag, p), Fault::error(integer(flag + " status", status, 100, 599),
                                                                     retryAfter.empty() ? 0 : integer(flag + " Retry-After", retryAfter, 0, 86400)));
            } else if (flag == "--stall") {
                auto [p, maxMs] = splitColon(value);
                if (!maxMs.empty()) options.stallMaxMs = integer(flag + " limit", maxMs, 0, 3600000);
                odds.emplace_back(probability(flag, p), Fault::stall());
            } else {
                throw BadInput("unknown flag " + flag);
            }
        }
        if (!haveUpstream || options.caFile.empty() || options.certFile.empty() || options.keyFile.empty())
            throw BadInput("--upstream, --ca, --cert and --key are required");
    } catch (const BadInput& e) {
        std::cerr << "otklik-fault-proxy: " << e.what() << "\n" << kUsage;
        return 2;
    }

    // Wait for SIGINT/SIGTERM synchronously; blocked before any thread starts so none of
    // them gets it. SIGPIPE too: a write to a vanished client must fail, not end the program.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    try {
        otklik::test::FaultPlan plan = otklik::test::FaultPlan::random(odds, seed);
        otklik::test::FaultProxy proxy(options, std::move(plan));
        std::cout << "listening on " << proxy.url("") << "\n"
                  << "forwarding to https://" << options.upstreamHost << ":" << options.upstreamPort << " (seed " << seed << ")"
                  << std::endl;
        sigdelset(&signals, SIGPIPE);
        int received = 0;
        sigwait(&signals, &received);
        proxy.stop();
        const auto s = proxy.stats();
        std::cerr << "otklik-fault-proxy: " << s.connections << " connections, " << s.requests << " requests: " << s.passed
                  << " passed (" << s.delayed << " delayed), " << s.dropped << " dropped, " << s.errors << " errors, " << s.lostAcks
                  << " lost acks, " << s.cutReplies << " cut replies, " << s.stalls << " stalls, " << s.upstreamFailures
                  << " hub unreachable (502)\n";
        return 0;
    } catch (const std::invalid_argument& e) {
        std::cerr << "otklik-fault-proxy: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "otklik-fault-proxy: " << e.what() << "\n";
        return 1;
    }
}
