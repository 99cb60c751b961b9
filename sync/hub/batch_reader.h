// Reads the body of POST /api/v1/responses:batch into items: each one's canonical text (sorted
// keys, no spaces: the bytes the hub hashes and stores, see docs/api/openapi.yaml) and its
// fields, or the sentence saying why it is refused.
//
// Two readers give the same result for every input. The reference parses with nlohmann::json
// and dumps each item. The fast one parses with simdjson (several times faster, the bulk of the
// hub's ingest cost) and writes the canonical text itself; whatever it cannot vouch for byte for
// byte — a syntax error anywhere, a repeated key, a number with a fraction or exponent — it hands
// to the reference, the whole body or that one item. tests/unit/hub_batch_reader_test.cpp holds
// them to agreeing on crafted and on randomly mutated bodies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sync/protocol/response.h"

namespace otklik::hub {

struct WireItem {
    std::string id;                    // as sent, when it is a string (for the reply even when refused)
    int64_t seq = 0;                   // as sent, when it is an integer
    std::optional<Response> response;  // nullopt: refused, and `error` says why
    std::string error;
    std::string canonical;             // set with `response`
};

struct WireBatch {
    std::vector<WireItem> items;
    std::string error;  // set: the whole body is refused (400) with this reason...
    std::string fix;    // ...and this advice
};

// The fast reader (simdjson, falling back to the reference where it must).
WireBatch readBatch(const std::string& body, size_t maxItems);

// The reference reader (nlohmann::json).
WireBatch readBatchReference(const std::string& body, size_t maxItems);

}  // namespace otklik::hub
