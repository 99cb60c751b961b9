// POST /api/v1/events: a terminal reports what its service mode did (entered, a setting
// changed, an export to USB, a restart). Stored once per event id; listed by
// `otklik-hub terminal events ID` (docs/api/openapi.yaml).
#include "sync/hub/api.h"
#include "sync/hub/json_body.h"
#include "platform/log.h"

namespace otklik::hub {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxEvents = 100;
constexpr size_t kMaxKind = 40;
constexpr size_t kMaxDetail = 500;

// The first `maxBytes` bytes of UTF-8 text, never cutting a character in two (a Cyrillic
// detail cut mid-letter would be refused by PostgreSQL).
std::string utf8Prefix(const std::string& text, size_t maxBytes) {
    if (text.size() <= maxBytes) return text;
    size_t n = maxBytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return text.substr(0, n);
}

// A member that must be a string when present: "" when absent, nullopt when it is not a string.
std::optional<std::string> optionalText(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) return std::string();
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

}  // namespace

HttpReply HubApi::postEvents(const HttpRequest& request, const Terminal& terminal) {
    HttpReply refusal;
    auto body = jsonBody(request, refusal);
    if (!body) return refusal;
    std::string error;
    auto parsed = parseJson(*body, error);
    if (!parsed) return errorReply(400, error, "send the events as a JSON object");
    if (!parsed->is_object() || !parsed->contains("events") || !(*parsed)["events"].is_array())
        return errorReply(400, "the body must be an object with an \"events\" list", "see docs/api/openapi.yaml");
    auto claimed = optionalText(*parsed, "terminal_id");
    if (!claimed) return errorReply(400, "\"terminal_id\" must be a string", "send the terminal's id, or leave it out");
    if (!claimed->empty() && *claimed != terminal.id) return terminalMismatch("a report of service events", terminal, *claimed, request.remoteAddress);
    const json& list = (*parsed)["events"];
    if (list.size() > kMaxEvents) return errorReply(400, "at most 100 events at a time", "send them in smaller reports");
    std::vector<TerminalEvent> events;
    const int64_t now = clock_.wallMs();
    for (const json& e : list) {
        if (!e.is_object() || !e.contains("id") || !e["id"].is_string() || !e.contains("at_ms") || !e["at_ms"].is_number_integer() ||
            !e.contains("kind") || !e["kind"].is_string())
            return errorReply(400, "each event needs \"id\", \"at_ms\" and \"kind\"", "see docs/api/openapi.yaml");
        auto detail = optionalText(e, "detail");
        if (!detail) return errorReply(400, "an event's \"detail\" must be a string", "see docs/api/openapi.yaml");
        TerminalEvent t;
        t.id = utf8Prefix(e["id"].get<std::string>(), 64);
        t.device = terminal.device;
        t.atMs = e["at_ms"].get<int64_t>();
        t.receivedAtMs = now;
        t.kind = utf8Prefix(e["kind"].get<std::string>(), kMaxKind);
        t.detail = utf8Prefix(*detail, kMaxDetail);
        for (const std::string* text : {&t.id, &t.kind, &t.detail})
            if (text->find('\0') != std::string::npos) return errorReply(400, "event texts must not contain NUL characters", "");
        events.push_back(std::move(t));
    }
    int64_t stored = store_.storeEvents(terminal.id, events);
    for (const TerminalEvent& e : events) log::info("hub: terminal " + terminal.id + " service event: " + e.kind + (e.detail.empty() ? "" : ": " + e.detail));
    return jsonReply(200, json{{"stored", stored}, {"duplicates", static_cast<int64_t>(events.size()) - stored}});
}

}  // namespace otklik::hub
