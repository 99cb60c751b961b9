// Outboxes already holding responses, for the uploader's and the outbox's delivery tests:
// made once per test program and copied for each case, because the fault walks run dozens of
// cases and 25 durable commits each would dominate their time.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sync/client/outbox_store.h"
#include "sync/protocol/response.h"
#include "sync/protocol/uuid.h"
#include "tests/fakes/temp_dir.h"

namespace otklik::test {

constexpr int64_t kNow = 1'795'000'000'000;

inline Response makeResponse(int i, const std::string& comment = "") {
    Response r;
    r.id = newUuidV7(kNow + i);
    r.terminalId = "t-1";
    r.questionnaireId = "default";
    r.questionnaireVersion = "1";
    r.language = "ru";
    r.startedAtMs = kNow + i * 1000;
    r.completedAtMs = kNow + i * 1000 + 500;
    r.bootId = "boot";
    r.answers["overall"].rating = i % 5 + 1;
    r.answers["reasons"].selected = {"no_seats"};
    if (!comment.empty()) r.answers["comment"].text = comment;
    return r;
}

inline OutboxSettings outboxSettings(const std::string& dir, const std::string& vfs = "") { return OutboxSettings{dir, vfs, 90, 512LL << 20, 80}; }

struct Filled {
    std::string dir;
    std::vector<Response> responses;  // with their seq
};

inline const Filled& filled(int count) {
    static std::map<int, Filled> made;
    auto found = made.find(count);
    if (found != made.end()) return found->second;
    Filled f;
    f.dir = fakes::freshTempDir("uploader_template_" + std::to_string(count));
    sqlite::Error error;
    auto store = OutboxStore::open(outboxSettings(f.dir), kNow, error);
    EXPECT_TRUE(store) << error.message;
    for (int i = 1; i <= count; ++i) {
        Response r = makeResponse(i);
        auto seq = store->insert(r, kNow, error);
        EXPECT_TRUE(seq) << error.message;
        r.seq = seq.value_or(0);
        f.responses.push_back(r);
    }
    store.reset();
    return made.emplace(count, std::move(f)).first->second;
}

inline std::string copyOf(const Filled& f, const std::string& name) {
    std::string dir = fakes::freshTempDir(name);
    for (const auto& entry : std::filesystem::directory_iterator(f.dir)) std::filesystem::copy_file(entry.path(), std::filesystem::path(dir) / entry.path().filename());
    return dir;
}

}  // namespace otklik::test
