// Thread priority on Linux (see thread_priority.h).
#include "thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace otklik {

void runThisThreadInTheBackground() {
    // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value alone.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
}

}  // namespace otklik
