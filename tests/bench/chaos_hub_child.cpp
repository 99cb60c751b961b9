// A hub behind a fault proxy in a child process (see chaos_hub_child.h).
#include "chaos_hub_child.h"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "tests/bench/in_process_hub.h"
#include "tests/support/fault_proxy.h"

namespace otklik::bench {

bool pinToCpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) == 0;
}

ChaosHub startChaosHub(const std::string& hubDb, const test::TestPki& pki, const std::string& terminalId, int cpu) {
    int fds[2];
    if (pipe(fds) != 0) {
        std::perror("chaos hub: pipe");
        std::exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        pinToCpu(cpu);
        try {
            InProcessHub hub(hubDb, pki);
            std::string token = hub.addTerminal(terminalId);
            using test::Fault;
            // The chaos test's mix (tests/integration/delivery_chaos_test.cpp), shorter delays.
            test::FaultProxy proxy(test::FaultProxyOptions::fromPki(pki, std::stoi(hub.baseUrl().substr(hub.baseUrl().rfind(':') + 1))),
                                   test::FaultPlan::random({{0.10, Fault::drop()},
                                                            {0.10, Fault::delay(200)},
                                                            {0.08, Fault::error(503, 1)},
                                                            {0.05, Fault::error(500)},
                                                            {0.10, Fault::lostAck()},
                                                            {0.05, Fault::cutReply()}},
                                                           42));
            std::string line = proxy.url("") + " " + token + "\n";
            if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(1);
            close(fds[1]);
            pause();  // until SIGTERM
        } catch (const std::exception& e) {
            std::fprintf(stderr, "chaos hub: %s\n", e.what());
        }
        std::_Exit(1);
    }
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    auto space = line.find(' ');
    if (space == std::string::npos) {
        std::fprintf(stderr, "chaos hub: the child did not start\n");
        std::exit(1);
    }
    return ChaosHub{pid, line.substr(0, space), line.substr(space + 1)};
}

void stopChaosHub(ChaosHub& hub) {
    if (hub.pid <= 0) return;
    kill(hub.pid, SIGKILL);
    waitpid(hub.pid, nullptr, 0);
    hub.pid = -1;
}

}  // namespace otklik::bench
