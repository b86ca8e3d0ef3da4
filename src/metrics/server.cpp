#include "metrics/server.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "metrics/client_address.hpp"
#include "metrics/listen_socket.hpp"
#include "metrics/socket_fd.hpp"

namespace etl::metrics {

namespace {

using Clock = ConnectionTable::Clock;
using namespace std::chrono_literals;

// epoll user data of the two descriptors that are not connections (connection ids start at 1).
constexpr uint64_t kListenerTag = ~uint64_t{0};
constexpr uint64_t kWakeTag = ~uint64_t{0} - 1;
// accept() failing for want of descriptors or memory: the listener rests this long, so the loop
// does not spin on a readable socket it cannot take from.
constexpr auto kAcceptPause = 100ms;
// Under pressure, one WARN line at most this often, with the counts since the previous one.
constexpr auto kPressureReportInterval = 60s;

struct Connection {
  Fd fd;
  std::string in;   // received, not yet consumed by a request
  std::string out;  // the response being written
  size_t written = 0;
  bool close_after = false;  // close once `out` is written
  bool peer_closed = false;  // the client shut its sending side
  uint32_t interest = 0;     // the epoll events registered
};

std::string describe_errno(int err) { return std::strerror(err); }

}  // namespace

struct MetricsServer::Impl {
  Impl(MetricsEndpoints e, ServerOptions o)
      : endpoints(std::move(e)), options(std::move(o)), table(options.connections) {}

  MetricsEndpoints endpoints;
  ServerOptions options;
  Fd listener;
  Fd epoll;
  Fd wake;
  ConnectionTable table;
  std::map<uint64_t, Connection> connections;
  Clock::time_point accept_paused_until{};
  bool accept_paused = false;
  // Connections holding a further (pipelined) request once their answer is written: served in
  // the next round, one request per connection per round, so no client delays the others by
  // more than one answer.
  std::vector<uint64_t> pipelined;

  mutable std::mutex counters_mutex;
  ServerCounters counters;  // guarded by counters_mutex
  ServerCounters reported;  // at the last pressure report (loop thread only)
  Clock::time_point last_report = Clock::now();

  void start(const std::string& bind, int port, int& bound_port);
  void loop();
  void accept_all(Clock::time_point now);
  void on_event(uint64_t id, uint32_t events, Clock::time_point now);
  void read_from(uint64_t id, Connection& c, Clock::time_point now);
  void serve_buffered(uint64_t id, Connection& c, Clock::time_point now);
  void answer(uint64_t id, Connection& c, const ParsedRequest& r, Clock::time_point now);
  void write_to(uint64_t id, Connection& c, Clock::time_point now);
  // False when the connection had to be closed (`c` is gone then).
  bool set_interest(uint64_t id, Connection& c, uint32_t events);
  void close_connection(uint64_t id);
  void report_pressure(Clock::time_point now);
  template <typename Fn>
  void count(Fn&& fn) {
    const std::lock_guard lock(counters_mutex);
    fn(counters);
  }
};

void MetricsServer::Impl::start(const std::string& bind, int port, int& bound_port) {
  ListeningSocket l = listen_tcp(bind, port, options.config_section);
  listener = std::move(l.fd);
  bound_port = l.port;
  epoll = Fd(::epoll_create1(EPOLL_CLOEXEC));
  wake = Fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (epoll.get() < 0 || wake.get() < 0) {
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::config, 0,
        fmt::format("metrics endpoint: cannot create its event loop: {}", describe_errno(errno)));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerTag;
  ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, listener.get(), &ev);
  ev.data.u64 = kWakeTag;
  ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev);
}

void MetricsServer::Impl::loop() {
  std::array<epoll_event, 64> events{};
  for (;;) {
    int timeout_ms = -1;
    const auto now = Clock::now();
    std::optional<Clock::time_point> next = table.next_deadline();
    if (accept_paused && (!next || accept_paused_until < *next)) next = accept_paused_until;
    if (!pipelined.empty()) {
      timeout_ms = 0;
    } else if (next) {
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(wait, 0, 60'000));
    }
    const int n =
        ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) {
      spdlog::error("metrics endpoint: epoll_wait failed: {}; it stops serving",
                    describe_errno(errno));
      return;
    }
    const auto at = Clock::now();
    std::vector<uint64_t> waiting;
    waiting.swap(pipelined);
    for (const uint64_t id : waiting) {
      const auto it = connections.find(id);
      if (it != connections.end() && it->second.out.empty()) serve_buffered(id, it->second, at);
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[static_cast<size_t>(i)].data.u64;
      if (tag == kWakeTag) return;
      if (tag == kListenerTag) {
        accept_all(at);
      } else {
        on_event(tag, events[static_cast<size_t>(i)].events, at);
      }
    }
    for (const uint64_t id : table.expired(at)) {
      count([](ServerCounters& c) { ++c.timed_out; });
      close_connection(id);
    }
    if (accept_paused && at >= accept_paused_until) {
      accept_paused = false;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = kListenerTag;
      ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, listener.get(), &ev);
    }
    report_pressure(at);
  }
}

void MetricsServer::Impl::accept_all(Clock::time_point now) {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    Fd fd(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &len,
                    SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (fd.get() < 0) {
      const int err = errno;
      if (err == EINTR || err == ECONNABORTED) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      spdlog::warn("metrics endpoint: accept failed: {}; not accepting for {} ms",
                   describe_errno(err), kAcceptPause.count());
      accept_paused = true;
      accept_paused_until = now + kAcceptPause;
      epoll_event ev{};
      ev.data.u64 = kListenerTag;
      ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, listener.get(), &ev);
      return;
    }
    const ConnectionTable::Admission a =
        table.admit(client_address_key(reinterpret_cast<const sockaddr*>(&peer)), now);
    if (a.evicted) {
      count([](ServerCounters& c) { ++c.evicted; });
      close_connection(*a.evicted);
    }
    count([](ServerCounters& k) {
      ++k.accepted;
      ++k.open;
    });
    Connection& c = connections[a.id];
    c.fd = std::move(fd);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = a.id;
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, c.fd.get(), &ev) != 0) {
      close_connection(a.id);
      continue;
    }
    c.interest = ev.events;
  }
}

void MetricsServer::Impl::on_event(uint64_t id, uint32_t events, Clock::time_point now) {
  const auto it = connections.find(id);
  if (it == connections.end()) return;  // closed earlier in this round
  Connection& c = it->second;
  if ((events & EPOLLERR) != 0) {
    close_connection(id);
    return;
  }
  if (!c.out.empty()) {
    write_to(id, c, now);
  } else {
    read_from(id, c, now);
  }
}

void MetricsServer::Impl::read_from(uint64_t id, Connection& c, Clock::time_point now) {
  const size_t limit = options.requests.max_head_bytes;
  std::array<char, 4096> chunk{};
  while (c.in.size() <= limit && !c.peer_closed) {
    const size_t room = std::min(chunk.size(), limit + 1 - c.in.size());
    const ssize_t n = ::recv(c.fd.get(), chunk.data(), room, 0);
    if (n > 0) {
      c.in.append(chunk.data(), static_cast<size_t>(n));
      table.request_bytes(id, now);
    } else if (n == 0) {
      c.peer_closed = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else {
      close_connection(id);
      return;
    }
  }
  serve_buffered(id, c, now);
}

// Answers the request at the start of `c.in` if it is complete; closes a connection whose client
// stopped sending without one.
void MetricsServer::Impl::serve_buffered(uint64_t id, Connection& c, Clock::time_point now) {
  const ParseOutcome p = parse_request(c.in, options.requests);
  switch (p.status) {
    case ParseStatus::incomplete:
      if (c.peer_closed) close_connection(id);
      return;
    case ParseStatus::bad: {
      count([](ServerCounters& k) {
        ++k.requests;
        ++k.refused;
      });
      const std::string extra = p.error_status == 405 ? "Allow: GET, HEAD\r\n" : "";
      c.out = format_response(p.error_status, "text/plain; charset=utf-8", p.error_text + "\n",
                              false, false, extra);
      c.close_after = true;
      c.in.clear();
      table.response_started(id, now);
      write_to(id, c, now);
      return;
    }
    case ParseStatus::complete:
      c.in.erase(0, p.request.consumed);
      answer(id, c, p.request, now);
      return;
  }
}

void MetricsServer::Impl::answer(uint64_t id, Connection& c, const ParsedRequest& r,
                                 Clock::time_point now) {
  count([](ServerCounters& k) { ++k.requests; });
  const bool keep = r.keep_alive && !c.peer_closed;
  int status = 200;
  std::string type = "text/plain; charset=utf-8";
  std::string body;
  try {
    if (r.path == "/metrics") {
      type = "text/plain; version=0.0.4; charset=utf-8";
      if (endpoints.metrics) body = endpoints.metrics();
      body += render_server_counters([&] {
        const std::lock_guard lock(counters_mutex);
        return counters;
      }());
    } else if (r.path == "/healthz") {
      const HealthAnswer h = endpoints.health ? endpoints.health() : HealthAnswer{};
      status = h.healthy ? 200 : 503;
      body = (h.healthy ? std::string("ok") : "unhealthy: " + h.reason) + "\n";
    } else {
      status = 404;
      body = "not found: this endpoint serves /metrics and /healthz\n";
    }
  } catch (const std::exception& e) {
    status = 500;
    body = std::string("internal error: ") + e.what() + "\n";
    spdlog::error("metrics endpoint: {} failed: {}", r.path, e.what());
  }
  c.out = format_response(status, type, body, r.head, keep);
  c.close_after = !keep;
  table.response_started(id, now);
  write_to(id, c, now);
}

void MetricsServer::Impl::write_to(uint64_t id, Connection& c, Clock::time_point now) {
  while (c.written < c.out.size()) {
    const ssize_t n =
        ::send(c.fd.get(), c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
    if (n >= 0) {
      c.written += static_cast<size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      (void)set_interest(id, c, EPOLLOUT);
      return;
    } else {
      close_connection(id);
      return;
    }
  }
  if (c.close_after) {
    ::shutdown(c.fd.get(), SHUT_WR);
    close_connection(id);
    return;
  }
  c.out.clear();
  c.written = 0;
  table.response_done(id, now);
  if (!set_interest(id, c, EPOLLIN | EPOLLRDHUP)) return;
  // A request sent before this answer was complete (pipelining) is answered in the next round.
  if (!c.in.empty()) {
    table.request_bytes(id, now);
    pipelined.push_back(id);
  }
}

bool MetricsServer::Impl::set_interest(uint64_t id, Connection& c, uint32_t events) {
  if (c.interest == events) return true;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = id;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, c.fd.get(), &ev) != 0) {
    close_connection(id);
    return false;
  }
  c.interest = events;
  return true;
}

void MetricsServer::Impl::close_connection(uint64_t id) {
  table.remove(id);
  // Closing the descriptor removes it from the epoll set.
  if (connections.erase(id) > 0) count([](ServerCounters& k) { --k.open; });
}

void MetricsServer::Impl::report_pressure(Clock::time_point now) {
  if (now - last_report < kPressureReportInterval) return;
  const ServerCounters c = [&] {
    const std::lock_guard lock(counters_mutex);
    return counters;
  }();
  const uint64_t evicted = c.evicted - reported.evicted;
  const uint64_t timed_out = c.timed_out - reported.timed_out;
  const uint64_t refused = c.refused - reported.refused;
  if (evicted + timed_out + refused > 0) {
    spdlog::warn(
        "metrics endpoint: in the last {} s, {} connection(s) dropped to make room (at most {}, "
        "{} per client address), {} past their deadline, {} bad request(s) refused",
        std::chrono::duration_cast<std::chrono::seconds>(now - last_report).count(), evicted,
        table.limits().max_connections, table.limits().max_per_address, timed_out, refused);
  }
  reported = c;
  last_report = now;
}

std::string render_server_counters(const ServerCounters& c) {
  return fmt::format(
      "# HELP walmart_etl_http_connections_open Connections to this metrics endpoint held now\n"
      "# TYPE walmart_etl_http_connections_open gauge\n"
      "walmart_etl_http_connections_open {}\n"
      "# HELP walmart_etl_http_connections_dropped_total Connections to this metrics endpoint "
      "closed by it: to make room for a newer one (evicted), or past their deadline (deadline)\n"
      "# TYPE walmart_etl_http_connections_dropped_total counter\n"
      "walmart_etl_http_connections_dropped_total{{reason=\"evicted\"}} {}\n"
      "walmart_etl_http_connections_dropped_total{{reason=\"deadline\"}} {}\n"
      "# HELP walmart_etl_http_bad_requests_total Requests to this metrics endpoint refused "
      "(malformed, too large, not GET/HEAD)\n"
      "# TYPE walmart_etl_http_bad_requests_total counter\n"
      "walmart_etl_http_bad_requests_total {}\n",
      c.open, c.evicted, c.timed_out, c.refused);
}

MetricsServer::MetricsServer(const std::string& bind, int port, const MetricsEndpoints& endpoints,
                             ServerOptions options)
    : impl_(std::make_unique<Impl>(endpoints, std::move(options))) {
  impl_->start(bind, port, port_);
  thread_ = std::thread([this] {
    try {
      impl_->loop();
    } catch (const std::exception& e) {
      spdlog::error("metrics endpoint: stopped serving: {}", e.what());
    }
  });
  spdlog::info("metrics: http://{}:{}/metrics and /healthz", bind, port_);
}

MetricsServer::~MetricsServer() {
  const uint64_t one = 1;
  if (::write(impl_->wake.get(), &one, sizeof one) < 0) {
    spdlog::warn("metrics endpoint: could not wake its thread to stop: {}", describe_errno(errno));
  }
  if (thread_.joinable()) thread_.join();
}

ServerCounters MetricsServer::counters() const {
  const std::lock_guard lock(impl_->counters_mutex);
  return impl_->counters;
}

}  // namespace etl::metrics
