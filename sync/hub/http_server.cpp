// libmicrohttpd behind http_server.h. Each connection's request is gathered in a
// RequestState (created on the first callback, freed in the "completed" notification). Once
// the body is complete the connection is suspended and the handler runs on a RequestWorkers
// thread, which stores the reply and resumes the connection; libmicrohttpd then calls back and
// the reply is sent. Limits that can be checked before the body arrives
// (declared length) answer at once, so an oversized upload is refused without being read.
#include "http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "platform/log.h"
#include "sync/hub/request_workers.h"

namespace otklik::hub {

struct HttpServer::State {
    ServerOptions options;
    HttpHandler handler;
    MHD_Daemon* daemon = nullptr;
    std::unique_ptr<RequestWorkers> workers;
};

namespace {

using Steady = std::chrono::steady_clock;

struct RequestState {
    HttpRequest request;
    Steady::time_point started = Steady::now();
    bool tooLarge = false;
    std::optional<HttpReply> reply;  // set by the worker before it resumes the connection
};

MHD_Result collectValue(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto* map = static_cast<std::map<std::string, std::string>*>(cls);
    std::string name = key ? key : "";
    map->emplace(std::move(name), value ? value : "");
    return MHD_YES;
}

MHD_Result collectHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto* map = static_cast<std::map<std::string, std::string>*>(cls);
    std::string name = key ? key : "";
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    map->emplace(std::move(name), value ? value : "");
    return MHD_YES;
}

std::string remoteAddress(MHD_Connection* connection) {
    const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr) return "";
    char text[INET6_ADDRSTRLEN] = {};
    const sockaddr* sa = info->client_addr;
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
    else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
    return text;
}

MHD_Result send(MHD_Connection* connection, const HttpReply& reply) {
    MHD_Response* response = MHD_create_response_from_buffer(reply.body.size(), const_cast<char*>(reply.body.data()), MHD_RESPMEM_MUST_COPY);
    if (!response) return MHD_NO;
    if (!reply.contentType.empty()) MHD_add_response_header(response, "Content-Type", reply.contentType.c_str());
    for (const auto& [name, value] : reply.headers) MHD_add_response_header(response, name.c_str(), value.c_str());
    MHD_Result result = MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
    MHD_destroy_response(response);
    return result;
}

HttpReply plainError(int status, const std::string& error, const std::string& fix) {
    HttpReply reply;
    reply.status = status;
    reply.body = std::string("{\"error\":\"") + error + "\",\"fix\":\"" + fix + "\"}";
    return reply;
}

HttpReply runHandler(HttpServer::State& server, const HttpRequest& request) {
    try {
        return server.handler(request);
    } catch (const std::exception& e) {
        // Handlers answer every expected failure themselves; anything else is a bug, logged.
        log::error(std::string("hub: unhandled error on ") + request.method + " " + request.path + ": " + e.what());
        return plainError(500, "internal error", "try again later; the hub's log has the details");
    }
}

MHD_Result onRequest(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*, const char* uploadData,
                     size_t* uploadSize, void** context) {
    auto* server = static_cast<HttpServer::State*>(cls);
    const ServerLimits& limits = server->options.limits;
    auto* state = static_cast<RequestState*>(*context);
    if (!state) {
        state = new RequestState;
        *context = state;
        state->request.method = method ? method : "";
        state->request.path = url ? url : "";
        state->request.remoteAddress = remoteAddress(connection);
        MHD_get_connection_values(connection, MHD_HEADER_KIND, collectHeader, &state->request.headers);
        MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collectValue, &state->request.query);
        // A declared length over the limit is refused before a byte of the body is read.
        auto length = state->request.headers.find("content-length");
        if (length != state->request.headers.end()) {
            char* end = nullptr;
            unsigned long long declared = std::strtoull(length->second.c_str(), &end, 10);
            if (end == length->second.c_str() || *end != '\0' || declared > limits.maxBodyBytes)
                return send(connection, plainError(413, "request body too large",
                                                   "send at most " + std::to_string(limits.maxBodyBytes) + " bytes per request"));
        }
        return MHD_YES;
    }
    if (*uploadSize > 0) {
        // A body still trickling in after the time limit: drop the connection.
        if (Steady::now() - state->started > std::chrono::seconds(limits.requestTimeoutSeconds)) return MHD_NO;
        if (!state->tooLarge && state->request.body.size() + *uploadSize <= limits.maxBodyBytes)
            state->request.body.append(uploadData, *uploadSize);
        else
            state->tooLarge = true;  // keep reading (and discarding) so the reply can be sent
        *uploadSize = 0;
        return MHD_YES;
    }
    if (state->tooLarge)
        return send(connection, plainError(413, "request body too large", "send at most " + std::to_string(limits.maxBodyBytes) + " bytes per request"));
    if (state->reply) return send(connection, *state->reply);  // back from a worker
    // The connection sleeps (neither read nor timed out) until its reply is ready.
    MHD_suspend_connection(connection);
    auto work = [server, connection, state] {
        state->reply = runHandler(*server, state->request);
        MHD_resume_connection(connection);
    };
    if (!server->workers->submit(work)) work();  // stopping: answer on this thread
    return MHD_YES;
}

void onCompleted(void*, MHD_Connection*, void** context, MHD_RequestTerminationCode) {
    delete static_cast<RequestState*>(*context);
    *context = nullptr;
}

void onMhdError(void*, const char* format, va_list args) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    std::string line = text;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    log::warning("hub: http: " + line);
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, HttpHandler handler) : state_(std::make_unique<State>()) {
    state_->options = std::move(options);
    state_->handler = std::move(handler);
    const ServerOptions& o = state_->options;

    sockaddr_storage address{};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (inet_pton(AF_INET, o.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(o.port));
    } else if (inet_pton(AF_INET6, o.address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(o.port));
        flags |= MHD_USE_IPv6;
    } else {
        throw std::runtime_error("listen address \"" + o.address + "\" is not an IP address: use e.g. 0.0.0.0, 127.0.0.1 or ::");
    }
    bool tls = !o.certPem.empty();
    if (tls) flags |= MHD_USE_TLS;

    std::vector<MHD_OptionItem> items = {
        {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&onMhdError), nullptr},  // first, to catch every message
        {MHD_OPTION_SOCK_ADDR, 0, &address},
        {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(o.limits.maxConnections), nullptr},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<intptr_t>(o.limits.maxConnectionsPerAddress), nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(o.limits.idleTimeoutSeconds), nullptr},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(o.limits.connectionMemoryBytes), nullptr},
        {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&onCompleted), nullptr},
    };
    // One network thread is the daemon's own (libmicrohttpd warns about a "pool" of one).
    unsigned networkThreads = o.limits.networkThreads ? o.limits.networkThreads : o.limits.threads;
    if (networkThreads > 1) items.push_back({MHD_OPTION_THREAD_POOL_SIZE, static_cast<intptr_t>(networkThreads), nullptr});
    if (tls) {
        items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(o.certPem.c_str())});
        items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(o.keyPem.c_str())});
        // TLS 1.2 and 1.3 only (GnuTLS priority string).
        items.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>("NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2")});
    }
    items.push_back({MHD_OPTION_END, 0, nullptr});

    state_->workers = std::make_unique<RequestWorkers>(o.limits.threads);
    state_->daemon = MHD_start_daemon(flags, static_cast<uint16_t>(o.port), nullptr, nullptr, &onRequest, state_.get(), MHD_OPTION_ARRAY,
                                      items.data(), MHD_OPTION_END);
    if (!state_->daemon)
        throw std::runtime_error("cannot listen on " + o.address + ":" + std::to_string(o.port) +
                                 (tls ? " with TLS — check that the port is free and that the certificate and key are PEM files that belong together"
                                      : " — check that the port is free and the address belongs to this machine"));
}

HttpServer::~HttpServer() {
    if (!state_ || !state_->daemon) return;
    // Workers first: the jobs they hold resume their connections, which must still exist; a
    // request that arrives meanwhile is answered on the network thread. Then the daemon.
    state_->workers->stop();
    MHD_stop_daemon(state_->daemon);
}

int HttpServer::port() const {
    const auto* info = MHD_get_daemon_info(state_->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : state_->options.port;
}

bool HttpServer::tls() const { return !state_->options.certPem.empty(); }

}  // namespace otklik::hub
