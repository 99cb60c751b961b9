// Big outboxes for benchmarks (see outbox_fill.h).
#include "outbox_fill.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "sync/protocol/uuid.h"

namespace otklik::test {

Response sampleResponse(int64_t nowMs, int i, const std::string& terminalId) {
    Response r;
    r.id = newUuidV7(nowMs);
    r.terminalId = terminalId;
    r.questionnaireId = "default";
    r.questionnaireVersion = "2026-11-22.1";
    r.service = "job_search";
    r.language = "ru";
    r.startedAtMs = nowMs - 40000;
    r.completedAtMs = nowMs;
    r.startedMonoMs = 1000;
    r.completedMonoMs = 41000;
    r.bootId = "665f7d86-f420-4f35-bf76-66a64a08d6d0";
    r.answers["overall"].rating = 1 + i % 5;
    r.answers["service"].selected = {"job_search"};
    for (const char* q : {"waiting_time", "service_time", "staff", "premises", "information"}) r.answers[q].rating = 1 + (i / 5) % 5;
    r.answers["reasons"].selected = {"waited_long", "no_seats"};
    r.answers["comment"].text = "Долго ждали, мест нет";
    return r;
}

void fillOutbox(const std::string& dir, int rows, int pendingRows, const std::string& terminalId) {
    sqlite3* db = nullptr;
    sqlite3_open((dir + "/outbox.db").c_str(), &db);
    sqlite3_exec(db, "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO responses (seq, id, terminal_id, questionnaire_id, questionnaire_version, service, channel, "
                       "language, started_at_ms, completed_at_ms, started_mono_ms, completed_mono_ms, boot_id, answers, comment, "
                       "status, presses, flags, state, state_changed_at_ms, stored_at_ms) VALUES (?1, ?2, ?6, "
                       "'default', '2026-11-22.1', 'job_search', 'touch', 'ru', ?3, ?3, 1, 2, 'boot', ?4, 'Долго ждали', "
                       "'complete', 1, '[]', ?5, ?3, ?3)",
                       -1, &insert, nullptr);
    int64_t now = SystemClock().wallMs();
    std::string answers = toJson(sampleResponse(now, 0))["answers"].dump();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int i = 1; i <= rows; ++i) {
        std::string id = newUuidV7(now - rows + i);
        sqlite3_bind_int64(insert, 1, i);
        sqlite3_bind_text(insert, 2, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 3, now - static_cast<int64_t>(rows - i) * 1000);
        sqlite3_bind_text(insert, 4, answers.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 5, i > rows - pendingRows ? "pending" : "delivered", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 6, terminalId.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(insert);
        sqlite3_reset(insert);
        if (i % 100000 == 0) sqlite3_exec(db, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    // The fill ran with synchronous=OFF: flush it now, or the first checkpoint's fsync would
    // pay for writing the whole file and show up as a stall that a real terminal never has.
    int fd = ::open((dir + "/outbox.db").c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace otklik::test
