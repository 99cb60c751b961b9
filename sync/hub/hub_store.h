// The hub's data: terminals and their secrets, questionnaires, stored responses, heartbeats.
// Written once in the SQL both SQLite and PostgreSQL accept (sql.h), so the same code and the
// same tests run on the embedded file and on a server. Thread-safe: every call borrows a
// connection from the pool for its duration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/hub/sql_pool.h"

namespace otklik::hub {

struct Terminal {
    std::string id;
    std::string centre;
    int64_t createdAtMs = 0;
    std::optional<int64_t> revokedAtMs;
    std::optional<int64_t> lastSeenMs;
    std::optional<int64_t> clockOffsetMs;  // hub clock minus terminal clock at the last heartbeat
    int64_t highWaterSeq = 0;              // every seq 1..highWaterSeq is stored
    int64_t maxSeq = 0;                    // the highest seq stored (above highWaterSeq = gaps)
    std::optional<int64_t> reportedUnsent; // from the last heartbeat
    std::optional<int64_t> reportedOldestUnsentS;
    std::optional<int64_t> reportedFreeDiskBytes;
    std::string version;                   // software version from the last heartbeat
    std::string configError;               // a refused config the terminal reported, if any
    // The device serving this terminal id: 1 for the first, +1 for each replacement enrolled
    // under the same id (hub_store_enrol.cpp). highWaterSeq and maxSeq are this device's;
    // its numbering started above deviceBaseSeq (the seqs its outbox already held).
    int64_t device = 1;
    int64_t deviceBaseSeq = 0;
    std::optional<int64_t> enrolledAtMs;   // when this device was enrolled with a code
    std::string servicePin;                // the PIN the hub set, as PinHash JSON (service_pin.h); "" = none
    // What the last heartbeat said of the service mode (totals since the terminal's PIN file began).
    struct ServiceCounts {
        std::optional<int64_t> pinAttempts, pinFailures, pinLockouts, entries;
    } reportedService;
};

// Something the terminal's service mode did (entered, a setting changed, an export), as the
// terminal reports it (POST /api/v1/events).
struct TerminalEvent {
    std::string id;    // UUID made by the terminal: a resend is stored once
    int64_t device = 1;
    int64_t atMs = 0;  // the terminal's clock
    int64_t receivedAtMs = 0;
    std::string kind;  // "service-entered", "setting-changed", ...
    std::string detail;
};

// What `terminal add` prints once; only hashes of the token stay in the store.
struct NewTerminalSecrets {
    std::string token;
    std::string qrSecret;
};

// A device that served a terminal id before it was replaced, with its numbers as they stood.
struct ReplacedDevice {
    std::string terminalId;
    int64_t device = 0;
    int64_t enrolledAtMs = 0;
    int64_t replacedAtMs = 0;
    int64_t baseSeq = 0;
    int64_t highWaterSeq = 0;
    int64_t maxSeq = 0;
    std::optional<int64_t> lastSeenMs;
};

// A one-time enrolment code as `terminal enrol-code` prints it; only its hash is stored.
struct NewEnrolCode {
    std::string code;  // "7KQ2-M9XD"
    int64_t expiresAtMs = 0;
};

// What redeeming a code did.
enum class EnrolResult { Enrolled, UnknownCode, UsedCode, ExpiredCode, RevokedTerminal };

struct Enrolment {
    EnrolResult result = EnrolResult::UnknownCode;
    Terminal terminal;            // as it is now (Enrolled)
    NewTerminalSecrets secrets;   // the new device's token and QR secret (Enrolled)
    std::optional<int64_t> replacedDevice;  // the device it replaced, if any
    std::optional<int64_t> usedAtMs;        // UsedCode: when it was spent
};

// One item of a batch, as the API reports it.
enum class ItemResult { Stored, Duplicate, Rejected };
const char* toString(ItemResult result);

struct ItemOutcome {
    std::string id;  // as sent (may be empty when the item had none)
    int64_t seq = 0;
    ItemResult result = ItemResult::Rejected;
    std::string reason;  // for Rejected: what is wrong, in words the terminal can log
    bool conflict = false;
};

struct BatchOutcome {
    std::vector<ItemOutcome> items;
    int64_t highWaterSeq = 0;
};

// A response validated by the API, ready to store.
struct IncomingResponse {
    std::string id;
    int64_t seq = 0;
    std::string service;
    std::string channel;
    std::string status;
    std::string language;
    std::string questionnaireId;
    std::string questionnaireVersion;
    int64_t completedAtMs = 0;
    std::string body;         // canonical JSON of the response as received
    std::string contentHash;  // sha256 of body
};

// One item of a batch in request order: a valid response to store, or one that validation
// already rejected (its outcome passes through, so the reply keeps the request's order).
struct BatchItem {
    std::optional<IncomingResponse> response;
    ItemOutcome rejected;
};

struct Heartbeat {
    Terminal::ServiceCounts service;
    std::string version;
    int64_t uptimeS = 0;
    int64_t unsent = 0;
    int64_t oldestUnsentS = 0;
    int64_t freeDiskBytes = 0;
    int64_t terminalTimeMs = 0;
    std::string configError;
};

// A stored response with where it came from, for export and the results page.
struct StoredRow {
    std::string id;
    std::string terminalId;
    std::string centre;
    int64_t seq = 0;
    int64_t device = 1;  // which device of the terminal numbered it (0: a phone response)
    std::string service;
    std::string channel;
    std::string status;
    int64_t completedAtMs = 0;
    int64_t receivedAtMs = 0;
    std::string body;  // the response JSON as received
};

struct ExportFilter {
    std::optional<int64_t> sinceMs;  // completed at or after
    std::string centre;              // "" = all
    std::string terminal;            // "" = all
};

// The questionnaire a terminal should run: its own, else its centre's, else none.
struct AssignedConfig {
    std::string scope;  // "terminal" / "centre" / "" (none set)
    std::string questionnaireJson;
    std::string version;
};

// A response from the phone form, with the QR token's nonce it consumes (docs/qr-token.md).
struct PhoneResponse {
    std::string id;  // UUIDv7 made by the hub
    std::string terminalId;
    std::string centre;
    std::string service;
    std::string language;
    std::string questionnaireId;
    std::string questionnaireVersion;
    int64_t completedAtMs = 0;  // the hub's clock
    std::string body;           // phoneResponseJson()
    std::string nonceHex;       // QrToken::nonceHex()
    int64_t nonceExpiresAtMs = 0;  // when the used-nonce row may be pruned (hub clock)
};

enum class PhoneStoreResult { Stored, Replayed };

class HubStore {
public:
    explicit HubStore(std::shared_ptr<SqlPool> pool);

    // Creates or upgrades the schema; throws SqlError (with what to fix) when it cannot, or
    // when the database was written by a newer hub.
    void migrate();
    [[nodiscard]] SqlDialect dialect() const;
    // A trivial query, for /healthz.
    void ping();

    // Terminals. add() throws std::invalid_argument if the id exists or is malformed.
    NewTerminalSecrets addTerminal(const std::string& id, const std::string& centre, int64_t nowMs);
    std::vector<Terminal> terminals();
    std::optional<Terminal> terminal(const std::string& id);
    bool revokeTerminal(const std::string& id, int64_t nowMs);  // false if unknown
    // The terminal whose token hashes to `tokenHash`, revoked ones included (the caller says 403).
    std::optional<Terminal> terminalByTokenHash(const std::string& tokenHash);
    std::optional<std::string> qrSecret(const std::string& terminalId);

    // Enrolment (hub_store_enrol.cpp). A code for `id` at `centre`, valid for `ttlMs`; older
    // unspent codes for the same id stop working. Throws std::invalid_argument for a bad id or
    // centre, or a revoked terminal.
    NewEnrolCode createEnrolCode(const std::string& id, const std::string& centre, int64_t ttlMs, int64_t nowMs);
    // Spends the code (normalised, enrol_code.h) atomically: of two racing callers one wins.
    // A new id becomes a terminal; a known one gets a new device (the old device's token stops
    // working, its history stays). The new device numbers from `firstSeq` (its outbox may hold
    // responses from before enrolment); `from` is the caller's address, for the audit.
    Enrolment redeemEnrolCode(const std::string& normalizedCode, int64_t firstSeq, const std::string& from, int64_t nowMs);
    // The replaced device a token belonged to, if it was one (the API then says so).
    std::optional<ReplacedDevice> replacedDeviceByTokenHash(const std::string& tokenHash);
    // Every device that served the terminal before the current one, oldest first.
    std::vector<ReplacedDevice> replacedDevices(const std::string& terminalId);

    // The technician's PIN the hub sets for a terminal (PinHash JSON); false if the id is unknown.
    bool setServicePin(const std::string& terminalId, const std::string& pinJson);
    // Service-mode events of a terminal (hub_store_events.cpp): stored once by id; returns how
    // many were new. Newest first, at most `limit`.
    int64_t storeEvents(const std::string& terminalId, const std::vector<TerminalEvent>& events);
    std::vector<TerminalEvent> events(const std::string& terminalId, int limit);

    // Questionnaires: `scope` "terminal" or "centre"; `name` the terminal id or centre name.
    void setQuestionnaire(const std::string& scope, const std::string& name, const std::string& json, const std::string& version,
                          int64_t nowMs);
    AssignedConfig configFor(const Terminal& terminal);
    // For labelling results: the centre's questionnaire, or (centre "") the one set last.
    std::optional<std::string> questionnaireForResults(const std::string& centre);

    // Stores a batch for one terminal in one transaction: new ids stored, known ids with the
    // same content reported as duplicates, with different content (or a seq already used by
    // another id) rejected as conflicts; then advances the terminal's high-water seq.
    BatchOutcome storeBatch(const std::string& terminalId, const std::string& centre, const std::vector<BatchItem>& items, int64_t nowMs);

    // Stores a phone response and consumes its token's nonce in one transaction: when
    // (terminal, nonce) is already used, nothing is stored (Replayed). Phone responses take
    // seq -1, -2, ... per terminal, outside the terminal's gap-free 1, 2, ... (hub_store_qr.cpp).
    PhoneStoreResult storePhoneResponse(const PhoneResponse& response, int64_t nowMs);
    // True when a phone response already consumed this token (the form then says so).
    bool qrNonceUsed(const std::string& terminalId, const std::string& nonceHex);

    void recordHeartbeat(const std::string& terminalId, const Heartbeat& heartbeat, int64_t nowMs);

    // Admin token (for /results): only its hash is kept.
    void setAdminTokenHash(const std::string& hash);
    std::optional<std::string> adminTokenHash();

    // Responses in (completed_at, terminal, seq) order, streamed to `row`.
    void exportRows(const ExportFilter& filter, const std::function<void(const StoredRow&)>& row);
    int64_t responseCount();
    // Which seqs above the high-water mark and below maxSeq are missing for a terminal's
    // current device (at most `limit` listed).
    std::vector<int64_t> missingSeqs(const std::string& terminalId, int limit);

private:
    std::shared_ptr<SqlPool> pool_;
};

}  // namespace otklik::hub
