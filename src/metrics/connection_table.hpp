#pragma once
// The connections of the metrics endpoint and every decision about them, without sockets or
// clocks (the server passes `now`), so each rule has a unit test:
//  - how many connections are held, in total and per client address, and which one is dropped to
//    make room for a new one (the new one is always taken: a health probe must get in while
//    others hold the port);
//  - each connection's deadline: a whole request within `request_timeout` (counted from the
//    accept, or from the first byte of a request on a kept-alive connection), a kept-alive
//    connection idle at most `keep_alive_timeout`, a whole response written within
//    `write_timeout`. These are totals, not per read: a client sending one byte a second gains
//    nothing.
//
// Which connection makes room: the address asking for room when it is at its own cap, else the
// address holding the most connections (the newcomer's own address counted as if it were taken) —
// so a client that opens many connections only ever loses its own, and never one of an address
// holding fewer. Within that address, a connection not being answered goes before one that is,
// the one waiting longest first.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace etl::metrics {

struct ConnectionLimits {
  size_t max_connections = 64;
  size_t max_per_address = 8;
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
};

enum class ConnectionPhase {
  fresh,    // accepted, its first request not complete yet
  idle,     // kept alive after a response, no byte of the next request yet
  reading,  // kept alive, the next request partly received
  writing,  // a response being written
};

class ConnectionTable {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = uint64_t;

  explicit ConnectionTable(ConnectionLimits limits) : limits_(limits) {}

  struct Admission {
    Id id = 0;                  // the new connection's
    std::optional<Id> evicted;  // a connection removed from the table to make room: close it
  };
  // Takes a new connection from `address` (see the header comment for which one makes room).
  Admission admit(const std::string& address, Clock::time_point now);

  // Phase changes, each setting the connection's deadline.
  void request_bytes(Id id, Clock::time_point now);  // bytes of a request arrived
  void response_started(Id id, Clock::time_point now);
  void response_done(Id id, Clock::time_point now);  // kept alive: waits for the next request
  void remove(Id id);

  // Connections past their deadline at `now` (still in the table: remove them when closed).
  [[nodiscard]] std::vector<Id> expired(Clock::time_point now) const;
  [[nodiscard]] std::optional<Clock::time_point> next_deadline() const;

  [[nodiscard]] size_t size() const noexcept { return connections_.size(); }
  [[nodiscard]] size_t count(const std::string& address) const;
  [[nodiscard]] std::optional<ConnectionPhase> phase(Id id) const;
  [[nodiscard]] const ConnectionLimits& limits() const noexcept { return limits_; }

 private:
  struct Entry {
    std::string address;
    ConnectionPhase phase = ConnectionPhase::fresh;
    Clock::time_point since;  // start of the phase
    Clock::time_point deadline;
  };
  [[nodiscard]] std::optional<Id> victim_of(const std::string& address) const;

  ConnectionLimits limits_;
  std::map<Id, Entry> connections_;
  std::map<std::string, size_t> per_address_;
  Id next_id_ = 1;
};

}  // namespace etl::metrics
