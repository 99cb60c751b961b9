// A fixed set of threads that run the hub's request handlers, so that a slow request (a large
// batch, a year's results page) holds up only itself. libmicrohttpd's own threads do only the
// network and TLS: each of them serves every connection it accepted, up to ten at a time, and
// a handler run there would make all of those wait in turn.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace otklik::hub {

class RequestWorkers {
public:
    explicit RequestWorkers(unsigned threads);
    ~RequestWorkers();  // stop()
    RequestWorkers(const RequestWorkers&) = delete;
    RequestWorkers& operator=(const RequestWorkers&) = delete;

    // Queues a job; false once stopping (the caller then runs it itself).
    bool submit(std::function<void()> job);

    // Runs every job already queued, then joins the threads. Idempotent.
    void stop();

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace otklik::hub
