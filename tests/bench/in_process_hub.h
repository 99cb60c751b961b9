// A real hub inside a benchmark's process: a fresh store, the HTTPS server and the API as
// `otklik-hub serve` wires them (no rate limit: a benchmark pushes as fast as it can).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "platform/clock.h"
#include "sync/hub/api.h"
#include "sync/hub/http_server.h"
#include "sync/hub/hub_store.h"
#include "sync/hub/sql_pool.h"
#include "sync/protocol/file_io.h"
#include "tests/support/test_certs.h"

namespace otklik::bench {

class InProcessHub {
public:
    // `storeUrl`: a SQLite file path or a postgresql:// URL; the schema is made here.
    InProcessHub(const std::string& storeUrl, const test::TestPki& pki)
        : pool_(std::make_shared<hub::SqlPool>(storeUrl, 8)), store_(pool_), api_(store_, clock_, settings()) {
        store_.migrate();
        hub::ServerOptions options;
        options.port = 0;
        std::string error;
        auto cert = readWholeFile(pki.serverCert, error);
        auto key = readWholeFile(pki.serverKey, error);
        if (!cert || !key) throw std::runtime_error("in-process hub: " + error);
        options.certPem = *cert;
        options.keyPem = *key;
        server_ = std::make_unique<hub::HttpServer>(options, [this](const hub::HttpRequest& r) { return api_.handle(r); });
    }

    // Enrols a terminal; returns its bearer token.
    std::string addTerminal(const std::string& id) { return store_.addTerminal(id, "Bench centre", clock_.wallMs()).token; }
    [[nodiscard]] std::string baseUrl() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }
    [[nodiscard]] std::shared_ptr<hub::SqlPool> pool() const { return pool_; }

private:
    static hub::ApiSettings settings() {
        hub::ApiSettings s;
        s.rateLimitPerSecond = 0;
        return s;
    }

    SystemClock clock_;
    std::shared_ptr<hub::SqlPool> pool_;
    hub::HubStore store_;
    hub::HubApi api_;
    std::unique_ptr<hub::HttpServer> server_;
};

}  // namespace otklik::bench
