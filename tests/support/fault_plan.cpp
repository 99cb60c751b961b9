// Fault plans for the fault proxy (see fault_plan.h).
#include "tests/support/fault_plan.h"

#include <stdexcept>

namespace otklik::test {

const char* toString(Fault::Kind kind) {
    switch (kind) {
        case Fault::Kind::Pass: return "pass";
        case Fault::Kind::Drop: return "drop";
        case Fault::Kind::Delay: return "delay";
        case Fault::Kind::Error: return "error";
        case Fault::Kind::LostAck: return "lost-ack";
        case Fault::Kind::CutReply: return "cut-reply";
        case Fault::Kind::Stall: return "stall";
    }
    return "?";
}

// ---- FaultPlan ---------------------------------------------------------------------------

namespace {

// SplitMix64: a good 64-bit mix, so neighbouring request indexes draw unrelated numbers.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

}  // namespace

FaultPlan::FaultPlan() : decide_([](int, const std::string&) { return Fault::pass(); }) {}

FaultPlan::FaultPlan(Decide decide) : decide_(std::move(decide)) {
    if (!decide_) throw std::invalid_argument("FaultPlan: the callback is empty; pass a function or use FaultPlan() for all-Pass");
}

FaultPlan FaultPlan::always(Fault fault) {
    return FaultPlan([fault](int, const std::string&) { return fault; });
}

FaultPlan FaultPlan::random(std::vector<std::pair<double, Fault>> odds, std::uint64_t seed) {
    double total = 0;
    for (const auto& [p, fault] : odds) {
        if (!(p >= 0 && p <= 1))
            throw std::invalid_argument(std::string("FaultPlan::random: the probability of ") + toString(fault.kind) + " is " +
                                        std::to_string(p) + "; give a number from 0 to 1");
        total += p;
    }
    if (total > 1 + 1e-9)
        throw std::invalid_argument("FaultPlan::random: the probabilities sum to " + std::to_string(total) +
                                    "; they must leave room for Pass (sum at most 1)");
    return FaultPlan([odds = std::move(odds), seed](int requestIndex, const std::string&) {
        // 53 random bits → a double uniform in [0, 1).
        const double u = static_cast<double>(mix(seed ^ mix(static_cast<std::uint64_t>(requestIndex))) >> 11) * 0x1.0p-53;
        double cumulative = 0;
        for (const auto& [p, fault] : odds) {
            cumulative += p;
            if (u < cumulative) return fault;
        }
        return Fault::pass();
    });
}

FaultPlan FaultPlan::at(std::vector<std::pair<int, Fault>> faults) {
    return FaultPlan([faults = std::move(faults)](int requestIndex, const std::string&) {
        for (const auto& [index, fault] : faults)
            if (index == requestIndex) return fault;
        return Fault::pass();
    });
}

}  // namespace otklik::test
