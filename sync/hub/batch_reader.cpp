// Reading a batch body, fast (simdjson) and by the reference (nlohmann::json); see batch_reader.h.
#include "batch_reader.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "sync/hub/json_body.h"
#include "sync/protocol/response_reader.h"

namespace otklik::hub {

namespace {

using nlohmann::json;
namespace dom = simdjson::dom;

// A parser per handler thread keeps its buffers between batches (over ten bytes for each byte of
// body: a 1000-response batch is ~0.7 MB). One that grew for an unusually large body is let go,
// so a thread does not hold tens of megabytes for the rest of its life.
constexpr size_t kParserKeepBytes = 1u << 20;

const char* kShapeError = "the body must be an object with a \"responses\" list";
const char* kShapeFix = "send {\"responses\": [...]}";

bool checkCount(size_t count, size_t maxItems, WireBatch& out) {
    if (count >= 1 && count <= maxItems) return true;
    out.error = "a batch holds 1 to " + std::to_string(maxItems) + " responses, not " + std::to_string(count);
    out.fix = "split the batch";
    return false;
}

// --- the reference -------------------------------------------------------------------------

WireItem referenceItem(const json& item) {
    WireItem out;
    if (item.is_object()) {
        if (auto id = item.find("id"); id != item.end() && id->is_string()) out.id = id->get<std::string>();
        if (auto seq = item.find("seq"); seq != item.end() && seq->is_number_integer()) out.seq = seq->get<int64_t>();
    }
    out.response = responseFromJson(item, out.error);
    if (out.response) out.canonical = item.dump(-1, ' ', false, json::error_handler_t::replace);
    return out;
}

// --- the fast reader -----------------------------------------------------------------------

// An element already known to be an object or an array, as one. (A copy: simdjson_result's
// value_unsafe() on a temporary would leave a range-for with a dangling reference.)
dom::object objectOf(dom::element e) {
    dom::object out;
    if (e.get_object().get(out)) return {};
    return out;
}
dom::array arrayOf(dom::element e) {
    dom::array out;
    if (e.get_array().get(out)) return {};
    return out;
}

// An object's members in nlohmann's key order: std::string_view compares as its std::map keys
// do, byte by byte, unsigned. Repeated keys end up side by side.
using Members = std::vector<std::pair<std::string_view, dom::element>>;
Members sortedMembers(dom::element object) {
    Members members;
    for (dom::key_value_pair kv : objectOf(object)) members.emplace_back(kv.key, kv.value);
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return members;
}

// response_reader.h's view over a simdjson element. Only used on items writeCanonical accepted,
// so no object repeats a key and `field` may take the first match.
class SimdView {
public:
    explicit SimdView(dom::element e) : e_(e) {}
    bool isObject() const { return e_.type() == dom::element_type::OBJECT; }
    bool isArray() const { return e_.type() == dom::element_type::ARRAY; }
    bool isString() const { return e_.type() == dom::element_type::STRING; }
    bool isNull() const { return e_.type() == dom::element_type::NULL_VALUE; }
    bool isInteger() const { return e_.type() == dom::element_type::INT64 || e_.type() == dom::element_type::UINT64; }
    std::optional<int64_t> toInt64() const {
        if (e_.type() == dom::element_type::INT64) return e_.get_int64().value_unsafe();
        return std::nullopt;  // simdjson types only integers past INT64_MAX as UINT64
    }
    std::string toString() const { return std::string(e_.get_string().value_unsafe()); }
    std::optional<SimdView> field(std::string_view key) const {
        dom::element value;
        if (objectOf(e_).at_key(key).get(value)) return std::nullopt;
        return SimdView(value);
    }
    template <class F>
    bool eachElement(F f) const {
        for (dom::element value : arrayOf(e_))
            if (!f(SimdView(value))) return false;
        return true;
    }
    template <class F>
    bool eachMember(F f) const {
        for (const auto& [key, value] : sortedMembers(e_))
            if (!f(std::string(key), SimdView(value))) return false;
        return true;
    }

private:
    dom::element e_;
};

// A string as nlohmann's dump writes it (ensure_ascii off): the seven short escapes, \u00xx in
// lower case for the other control characters, every other byte as is (simdjson has already
// refused invalid UTF-8).
void writeString(std::string_view s, std::string& out) {
    out += '"';
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                const char* hex = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

template <class Integer>
void writeInteger(Integer value, std::string& out) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

// The text nlohmann's dump would give for this value, or false where that is not certain: a
// fraction or exponent (its float printing is its own), or a key twice in one object (it keeps
// the last).
bool writeCanonical(dom::element e, std::string& out) {
    switch (e.type()) {
        case dom::element_type::OBJECT: {
            Members members = sortedMembers(e);
            out += '{';
            for (size_t i = 0; i < members.size(); ++i) {
                if (i > 0) {
                    if (members[i].first == members[i - 1].first) return false;
                    out += ',';
                }
                writeString(members[i].first, out);
                out += ':';
                if (!writeCanonical(members[i].second, out)) return false;
            }
            out += '}';
            return true;
        }
        case dom::element_type::ARRAY: {
            out += '[';
            bool first = true;
            for (dom::element value : arrayOf(e)) {
                if (!first) out += ',';
                first = false;
                if (!writeCanonical(value, out)) return false;
            }
            out += ']';
            return true;
        }
        case dom::element_type::STRING: writeString(e.get_string().value_unsafe(), out); return true;
        case dom::element_type::INT64: writeInteger(e.get_int64().value_unsafe(), out); return true;
        case dom::element_type::UINT64: writeInteger(e.get_uint64().value_unsafe(), out); return true;
        case dom::element_type::BOOL: out += e.get_bool().value_unsafe() ? "true" : "false"; return true;
        case dom::element_type::NULL_VALUE: out += "null"; return true;
        case dom::element_type::DOUBLE: return false;
    }
    return false;
}

// The same value as a nlohmann::json, for items the fast path hands to the reference. Built
// from the parsed values (not re-printed text), so numbers and repeated keys come out exactly
// as nlohmann's own parse would make them.
json toNlohmann(dom::element e) {
    switch (e.type()) {
        case dom::element_type::OBJECT: {
            json out = json::object();
            for (dom::key_value_pair kv : objectOf(e)) out[std::string(kv.key)] = toNlohmann(kv.value);
            return out;
        }
        case dom::element_type::ARRAY: {
            json out = json::array();
            for (dom::element value : arrayOf(e)) out.push_back(toNlohmann(value));
            return out;
        }
        case dom::element_type::STRING: return std::string(e.get_string().value_unsafe());
        case dom::element_type::INT64: return e.get_int64().value_unsafe();
        case dom::element_type::UINT64: return e.get_uint64().value_unsafe();
        case dom::element_type::DOUBLE: return e.get_double().value_unsafe();
        case dom::element_type::BOOL: return e.get_bool().value_unsafe();
        case dom::element_type::NULL_VALUE: return nullptr;
    }
    return nullptr;
}

WireItem fastItem(dom::element item, std::string& scratch) {
    scratch.clear();
    if (!writeCanonical(item, scratch)) return referenceItem(toNlohmann(item));
    WireItem out;
    SimdView view(item);
    if (view.isObject()) {
        if (auto id = view.field("id"); id && id->isString()) out.id = id->toString();
        // As nlohmann's get<int64_t> does, a seq past INT64_MAX wraps round (and is refused below).
        dom::element seq;
        if (!objectOf(item).at_key("seq").get(seq)) {
            if (seq.type() == dom::element_type::INT64) out.seq = seq.get_int64().value_unsafe();
            if (seq.type() == dom::element_type::UINT64) out.seq = static_cast<int64_t>(seq.get_uint64().value_unsafe());
        }
    }
    out.response = response_reader::readResponse(view, out.error);
    if (out.response) out.canonical = scratch;
    return out;
}

}  // namespace

WireBatch readBatchReference(const std::string& body, size_t maxItems) {
    WireBatch out;
    auto parsed = parseJson(body, out.error);
    if (!parsed) {
        out.fix = "send {\"responses\": [...]} as UTF-8 JSON";
        return out;
    }
    auto list = parsed->is_object() ? parsed->find("responses") : parsed->end();
    if (!parsed->is_object() || list == parsed->end() || !list->is_array()) {
        out.error = kShapeError;
        out.fix = kShapeFix;
        return out;
    }
    if (!checkCount(list->size(), maxItems, out)) return out;
    out.items.reserve(list->size());
    for (const auto& item : *list) out.items.push_back(referenceItem(item));
    return out;
}

WireBatch readBatch(const std::string& body, size_t maxItems) {
    thread_local auto parser = std::make_unique<dom::parser>();
    struct TrimAfterUse {
        ~TrimAfterUse() {
            if (parser->capacity() > kParserKeepBytes) parser = std::make_unique<dom::parser>();
        }
    } trim;

    // Anything the fast path would not read exactly as the reference does, the reference reads:
    // errors (with its sentences), a body that is not {"responses": [...]} with one such key.
    if (nestsDeeperThan(body, kMaxJsonDepth)) return readBatchReference(body, maxItems);
    dom::element doc;
    dom::object top;
    if (parser->parse(body).get(doc) || doc.get_object().get(top)) return readBatchReference(body, maxItems);
    dom::array list;
    int lists = 0;
    for (dom::key_value_pair kv : top) {
        if (kv.key != "responses") continue;
        ++lists;
        if (kv.value.get_array().get(list)) return readBatchReference(body, maxItems);
    }
    if (lists != 1) return readBatchReference(body, maxItems);

    WireBatch out;
    if (!checkCount(list.size(), maxItems, out)) return out;
    out.items.reserve(list.size());
    std::string scratch;
    for (dom::element item : list) out.items.push_back(fastItem(item, scratch));
    return out;
}

}  // namespace otklik::hub
