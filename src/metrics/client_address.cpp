#include "metrics/client_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

namespace etl::metrics {

std::string client_address_key(const sockaddr* address) {
  std::array<char, INET6_ADDRSTRLEN + 4> text{};
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    if (inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size()) == nullptr) return "?";
    return text.data();
  }
  if (address->sa_family != AF_INET6) return "?";
  sockaddr_in6 v6{};
  std::memcpy(&v6, address, sizeof v6);
  if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
    in_addr v4{};
    std::memcpy(&v4, &v6.sin6_addr.s6_addr[12], sizeof v4);
    if (inet_ntop(AF_INET, &v4, text.data(), text.size()) == nullptr) return "?";
    return text.data();
  }
  in6_addr prefix = v6.sin6_addr;
  std::memset(&prefix.s6_addr[8], 0, 8);
  if (inet_ntop(AF_INET6, &prefix, text.data(), text.size()) == nullptr) return "?";
  return std::string(text.data()) + "/64";
}

}  // namespace etl::metrics
