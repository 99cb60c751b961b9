// The machine's own network addresses, for the service menu (what to ping, which network the
// terminal is on).
#pragma once

#include <string>
#include <vector>

namespace otklik {

// IPv4 and IPv6 addresses of the interfaces that are up, loopback and link-local left out,
// as "192.168.1.20 (eth0)".
[[nodiscard]] std::vector<std::string> ipAddresses();

}  // namespace otklik
