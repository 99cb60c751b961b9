// libFuzzer target for the hub's batch body readers (sync/hub/batch_reader.h, `make fuzz`):
// every input goes through the fast reader (simdjson) and the reference (nlohmann::json), and
// any difference — refusal, items, sentences, canonical bytes, fields — aborts with both
// readings shown. Crashes and sanitizer reports in either reader are found on the way. The
// same function runs in `make test` over the seeds in tests/fuzz/corpus/batch_reader/.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sync/hub/batch_reader.h"

using namespace otklik::hub;

namespace {

constexpr size_t kMaxItems = 50;

void require(bool same, const char* what, const std::string& fast, const std::string& reference, const std::string& body) {
    if (same) return;
    std::fprintf(stderr, "batch_reader_fuzz: the readers differ in %s\n  fast:      %s\n  reference: %s\n  body: %s\n", what, fast.c_str(),
                 reference.c_str(), body.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    WireBatch fast = readBatch(body, kMaxItems);
    WireBatch reference = readBatchReference(body, kMaxItems);
    require(fast.error == reference.error, "the refusal", fast.error, reference.error, body);
    require(fast.fix == reference.fix, "the advice", fast.fix, reference.fix, body);
    require(fast.items.size() == reference.items.size(), "the item count", std::to_string(fast.items.size()),
            std::to_string(reference.items.size()), body);
    for (size_t i = 0; i < fast.items.size(); ++i) {
        const WireItem& f = fast.items[i];
        const WireItem& r = reference.items[i];
        require(f.id == r.id, "an item's id", f.id, r.id, body);
        require(f.seq == r.seq, "an item's seq", std::to_string(f.seq), std::to_string(r.seq), body);
        require(f.error == r.error, "an item's error", f.error, r.error, body);
        require(f.canonical == r.canonical, "an item's canonical text", f.canonical, r.canonical, body);
        require(f.response.has_value() == r.response.has_value() && (!f.response || *f.response == *r.response), "an item's fields",
                f.canonical, r.canonical, body);
    }
    return 0;
}
