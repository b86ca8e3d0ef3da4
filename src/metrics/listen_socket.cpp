#include "metrics/listen_socket.hpp"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.hpp"

namespace etl::metrics {

ListeningSocket listen_tcp(const std::string& bind, int port, const std::string& config_section) {
  const std::string& section = config_section;
  const auto cannot = [&](const std::string& why) {
    return EtlError(ErrorClass::fatal, ErrorOrigin::config, 0,
                    fmt::format("cannot listen on {}:{} for the metrics endpoint ({}.metrics_bind/"
                                "{}.metrics_port): {}; set {}.metrics_port to a free port, or 0 "
                                "to disable it",
                                bind, port, section, section, why, section));
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(bind.c_str(), service.c_str(), &hints, &found); rc != 0) {
    throw cannot(fmt::format("address not resolved ({})", ::gai_strerror(rc)));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  std::string last_error = "no address";
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
      last_error = std::strerror(errno);
      continue;
    }
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len);
    ListeningSocket out;
    out.port = local.ss_family == AF_INET6
                   ? ntohs(reinterpret_cast<const sockaddr_in6*>(&local)->sin6_port)
                   : ntohs(reinterpret_cast<const sockaddr_in*>(&local)->sin_port);
    out.fd = std::move(fd);
    return out;
  }
  throw cannot(last_error);
}

}  // namespace etl::metrics
