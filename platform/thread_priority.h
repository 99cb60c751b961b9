// Background threads yield the CPU to the visitor's screen: on a one-core terminal, delivery
// work (encoding, gzip, TLS) must never delay a frame.
#pragma once

namespace otklik {

// Lowers the calling thread to the lowest ordinary priority (nice 19, Linux per-thread). A
// no-op where the system refuses; the thread cannot raise itself back without privileges.
void runThisThreadInTheBackground();

}  // namespace otklik
