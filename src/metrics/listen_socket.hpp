#pragma once
// The listening socket of the metrics endpoint: bind:port resolved (an IPv4 or IPv6 address or
// a host name), SO_REUSEADDR, non-blocking, close-on-exec.

#include <string>

#include "metrics/socket_fd.hpp"

namespace etl::metrics {

struct ListeningSocket {
  Fd fd;
  int port = 0;  // the port bound (the ephemeral one for port 0)
};

// Throws EtlError(fatal, config) naming <config_section>.metrics_bind / metrics_port when the
// address cannot be resolved or bound (e.g. in use).
ListeningSocket listen_tcp(const std::string& bind, int port, const std::string& config_section);

}  // namespace etl::metrics
