// Unit: which connection the metrics endpoint drops to make room, and when each one's deadline
// passes (no sockets, a fake clock); the key a client's address is counted under.

#include "metrics/connection_table.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "metrics/client_address.hpp"

namespace etl::metrics {
namespace {

using namespace std::chrono_literals;
using Clock = ConnectionTable::Clock;

ConnectionLimits limits(size_t total, size_t per_address) {
  ConnectionLimits l;
  l.max_connections = total;
  l.max_per_address = per_address;
  l.request_timeout = 2s;
  l.keep_alive_timeout = 5s;
  l.write_timeout = 3s;
  return l;
}

TEST(ConnectionTable, AnAddressAtItsCapLosesItsOwnOldestWaitingConnection) {
  ConnectionTable t(limits(10, 3));
  const auto t0 = Clock::time_point{} + 1h;
  const auto a1 = t.admit("10.0.0.1", t0).id;
  const auto a2 = t.admit("10.0.0.1", t0 + 1ms).id;
  const auto a3 = t.admit("10.0.0.1", t0 + 2ms).id;
  const auto b1 = t.admit("10.0.0.2", t0 + 3ms).id;
  // a1 is being answered: a2 is the oldest one waiting.
  t.response_started(a1, t0 + 4ms);
  auto a = t.admit("10.0.0.1", t0 + 5ms);
  ASSERT_TRUE(a.evicted);
  EXPECT_EQ(*a.evicted, a2);
  const auto a4 = a.id;
  EXPECT_EQ(t.count("10.0.0.1"), 3u);
  EXPECT_EQ(t.size(), 4u);
  EXPECT_FALSE(t.phase(a2));
  // A connection being answered goes only when none of the address is waiting.
  a = t.admit("10.0.0.1", t0 + 6ms);
  EXPECT_EQ(*a.evicted, a3);
  const auto a5 = a.id;
  t.response_started(a5, t0 + 7ms);
  a = t.admit("10.0.0.1", t0 + 8ms);
  EXPECT_EQ(*a.evicted, a4);
  const auto a6 = a.id;
  t.response_started(a6, t0 + 9ms);
  a = t.admit("10.0.0.1", t0 + 10ms);
  EXPECT_EQ(*a.evicted, a1) << "every one is being answered: the oldest of them";
  EXPECT_TRUE(t.phase(a5));
  EXPECT_TRUE(t.phase(b1)) << "another address never pays for this one";
  EXPECT_EQ(t.count("10.0.0.2"), 1u);
}

TEST(ConnectionTable, WhenFullTheAddressHoldingTheMostMakesRoomNeverALoneProbe) {
  ConnectionTable t(limits(6, 4));
  const auto t0 = Clock::time_point{} + 1h;
  const auto probe = t.admit("10.0.0.9", t0).id;  // the oldest of all
  std::vector<ConnectionTable::Id> attacker;
  for (int i = 0; i < 3; ++i) attacker.push_back(t.admit("10.0.0.1", t0 + 1ms * (i + 1)).id);
  const auto other1 = t.admit("10.0.0.2", t0 + 10ms).id;
  const auto other2 = t.admit("10.0.0.2", t0 + 11ms).id;
  ASSERT_EQ(t.size(), 6u);
  // A new attacker connection: its own address, holding the most, loses its oldest.
  auto a = t.admit("10.0.0.1", t0 + 20ms);
  EXPECT_EQ(*a.evicted, attacker[0]);
  // A second probe from a fresh address: still the address holding the most (10.0.0.1, 3).
  a = t.admit("10.0.0.8", t0 + 21ms);
  EXPECT_EQ(*a.evicted, attacker[1]);
  EXPECT_TRUE(t.phase(probe));
  // Now 10.0.0.1 and 10.0.0.2 hold 2 each: a tie goes to the one whose candidate waited longest
  // (attacker[2], accepted before other1).
  a = t.admit("10.0.0.7", t0 + 22ms);
  EXPECT_EQ(*a.evicted, attacker[2]);
  a = t.admit("10.0.0.6", t0 + 23ms);
  EXPECT_EQ(*a.evicted, other1) << "10.0.0.2 now holds the most";
  EXPECT_TRUE(t.phase(other2));
  EXPECT_TRUE(t.phase(probe)) << "an address with one connection is the last to lose it";
  EXPECT_EQ(t.size(), 6u);
}

TEST(ConnectionTable, EveryAddressHoldingOneTheOldestMakesRoom) {
  ConnectionTable t(limits(3, 2));
  const auto t0 = Clock::time_point{} + 1h;
  const auto x = t.admit("10.0.0.1", t0).id;
  t.admit("10.0.0.2", t0 + 1ms);
  t.admit("10.0.0.3", t0 + 2ms);
  const auto a = t.admit("10.0.0.4", t0 + 3ms);
  EXPECT_EQ(*a.evicted, x);
  // The newcomer's address with a connection already counts itself: it loses its own.
  ConnectionTable u(limits(3, 5));
  const auto u1 = u.admit("10.0.0.1", t0).id;
  u.admit("10.0.0.2", t0 + 1ms);
  const auto u3 = u.admit("10.0.0.3", t0 + 2ms).id;
  const auto b = u.admit("10.0.0.3", t0 + 3ms);
  EXPECT_EQ(*b.evicted, u3);
  EXPECT_TRUE(u.phase(u1));
}

TEST(ConnectionTable, DeadlinesAreTotalsPerRequestNotPerRead) {
  ConnectionTable t(limits(10, 10));
  const auto t0 = Clock::time_point{} + 1h;
  const auto c = t.admit("10.0.0.1", t0).id;
  EXPECT_EQ(t.next_deadline(), t0 + 2s);
  // Bytes trickling in do not extend a fresh connection's deadline.
  t.request_bytes(c, t0 + 1500ms);
  EXPECT_TRUE(t.expired(t0 + 1999ms).empty());
  EXPECT_EQ(t.expired(t0 + 2s), std::vector<ConnectionTable::Id>{c});
  // Answered and kept alive: idle up to keep_alive_timeout, then a whole request in
  // request_timeout from its first byte, however it trickles.
  t.response_started(c, t0 + 100ms);
  EXPECT_EQ(t.phase(c), ConnectionPhase::writing);
  EXPECT_EQ(t.next_deadline(), t0 + 100ms + 3s);
  t.response_done(c, t0 + 200ms);
  EXPECT_EQ(t.phase(c), ConnectionPhase::idle);
  EXPECT_EQ(t.next_deadline(), t0 + 200ms + 5s);
  t.request_bytes(c, t0 + 4s);
  EXPECT_EQ(t.phase(c), ConnectionPhase::reading);
  t.request_bytes(c, t0 + 5s);
  EXPECT_EQ(t.next_deadline(), t0 + 4s + 2s);
  t.remove(c);
  EXPECT_FALSE(t.next_deadline());
  EXPECT_EQ(t.count("10.0.0.1"), 0u);
}

TEST(ClientAddress, Ipv4AsWrittenIpv6ByItsSlash64MappedIpv4AsIpv4) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "192.0.2.7", &v4.sin_addr);
  EXPECT_EQ(client_address_key(reinterpret_cast<const sockaddr*>(&v4)), "192.0.2.7");
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &v6.sin6_addr);
  EXPECT_EQ(client_address_key(reinterpret_cast<const sockaddr*>(&v6)), "2001:db8:1:2::/64");
  inet_pton(AF_INET6, "2001:db8:1:2::1", &v6.sin6_addr);
  EXPECT_EQ(client_address_key(reinterpret_cast<const sockaddr*>(&v6)), "2001:db8:1:2::/64");
  inet_pton(AF_INET6, "::ffff:198.51.100.4", &v6.sin6_addr);
  EXPECT_EQ(client_address_key(reinterpret_cast<const sockaddr*>(&v6)), "198.51.100.4");
}

}  // namespace
}  // namespace etl::metrics
