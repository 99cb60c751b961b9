// For benchmarks that watch the kiosk while delivery struggles: a real hub behind a fault
// proxy, run in a child process pinned to its own CPU, so the figures measure the kiosk's
// process (the UI thread and the uploader) and not the hub's or the proxy's work, which on a
// real site runs on another machine.
#pragma once

#include <sys/types.h>

#include <string>

#include "tests/support/test_certs.h"

namespace otklik::bench {

struct ChaosHub {
    pid_t pid = -1;
    std::string url;    // https://127.0.0.1:PORT of the fault proxy
    std::string token;  // the enrolled terminal's bearer token
};

// Forks; the child enrols `terminalId` in a fresh SQLite hub at `hubDb`, serves it behind a
// fault proxy that drops, delays, fails, loses acknowledgements and cuts replies, pins itself
// to CPU `cpu` and runs until stopChaosHub. Call before the parent starts any thread.
ChaosHub startChaosHub(const std::string& hubDb, const test::TestPki& pki, const std::string& terminalId, int cpu);
void stopChaosHub(ChaosHub& hub);

// Confines the calling process to one CPU (false if the machine refuses).
bool pinToCpu(int cpu);

}  // namespace otklik::bench
