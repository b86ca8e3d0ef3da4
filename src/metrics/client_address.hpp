#pragma once
// The key under which the metrics endpoint counts a client's connections (its cap per address):
// an IPv4 address as written ("10.1.2.3"; an IPv4-mapped IPv6 address counts as its IPv4
// address), an IPv6 address by its /64 prefix ("2001:db8:1:2::/64"), because one host or pod
// commonly holds a whole /64 and could otherwise take a fresh address per connection.

#include <string>

struct sockaddr;

namespace etl::metrics {

// "?" for an address family other than IPv4 and IPv6.
std::string client_address_key(const sockaddr* address);

}  // namespace etl::metrics
