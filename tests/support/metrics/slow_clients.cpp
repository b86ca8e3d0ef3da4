#include "support/metrics/slow_clients.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>

namespace etl::test {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

enum class Kind { idle, trickle, huge };

constexpr std::string_view kIncompleteRequest = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
constexpr std::string_view kHugeStart = "GET /metrics HTTP/1.1\r\nX-Huge: ";
constexpr auto kHugeStep = 10ms;

struct Slot {
  Kind kind = Kind::idle;
  std::string source;
  int fd = -1;
  bool connected = false;
  Clock::time_point next_action{};  // open again (fd < 0), or the next bytes to send
};

sockaddr_in loopback(const std::string& address, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  return a;
}

void send_some(int fd, std::string_view bytes) {
  // A full socket buffer (EAGAIN) just means the server is not reading: that is the point.
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

}  // namespace

SlowClients::SlowClients(const SlowClientsOptions& options) : options_(options) {
  thread_ = std::thread([this] { run(); });
}

SlowClients::~SlowClients() {
  stop_ = true;
  thread_.join();
}

void SlowClients::run() {
  std::vector<Slot> slots;
  const auto add = [&](size_t n, Kind k) {
    for (size_t i = 0; i < n; ++i) {
      Slot s;
      s.kind = k;
      s.source = "127.0.0." + std::to_string(2 + slots.size() % options_.source_addresses);
      slots.push_back(s);
    }
  };
  add(options_.idle, Kind::idle);
  add(options_.trickle, Kind::trickle);
  add(options_.huge, Kind::huge);
  const std::string huge_chunk(1024, 'a');

  const auto close_slot = [&](Slot& s, bool by_server, Clock::time_point now) {
    ::close(s.fd);
    s.fd = -1;
    s.connected = false;
    --open_;
    if (by_server) ++dropped_;
    s.next_action = now + options_.reconnect_after;
  };

  std::vector<pollfd> fds;
  std::vector<size_t> index;
  while (!stop_) {
    const auto now = Clock::now();
    for (auto& s : slots) {
      if (s.fd < 0 && now >= s.next_action) {
        s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const sockaddr_in src = loopback(s.source, 0);
        const sockaddr_in dst = loopback("127.0.0.1", options_.port);
        if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&src), sizeof src) != 0 ||
            (::connect(s.fd, reinterpret_cast<const sockaddr*>(&dst), sizeof dst) != 0 &&
             errno != EINPROGRESS)) {
          ::close(s.fd);
          s.fd = -1;
          s.next_action = now + options_.reconnect_after;
          continue;
        }
        ++connects_;
        ++open_;
        s.next_action = now;
      } else if (s.fd >= 0 && s.connected && now >= s.next_action) {
        if (s.kind == Kind::trickle) {
          send_some(s.fd, "X");
          s.next_action = now + options_.trickle_period;
        } else if (s.kind == Kind::huge) {
          send_some(s.fd, huge_chunk);
          s.next_action = now + kHugeStep;
        } else {
          s.next_action = Clock::time_point::max();
        }
      }
    }
    fds.clear();
    index.clear();
    for (size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].fd < 0) continue;
      fds.push_back(
          pollfd{slots[i].fd, static_cast<short>(POLLIN | (slots[i].connected ? 0 : POLLOUT)), 0});
      index.push_back(i);
    }
    if (::poll(fds.data(), fds.size(), 5) <= 0) continue;
    const auto at = Clock::now();
    for (size_t k = 0; k < fds.size(); ++k) {
      Slot& s = slots[index[k]];
      const short ev = fds[k].revents;
      if (ev == 0) continue;
      if (!s.connected && (ev & POLLOUT) != 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          close_slot(s, true, at);
          continue;
        }
        s.connected = true;
        send_some(s.fd, s.kind == Kind::huge ? kHugeStart : kIncompleteRequest);
        s.next_action = at + (s.kind == Kind::trickle ? options_.trickle_period : kHugeStep);
      }
      if ((ev & (POLLIN | POLLHUP | POLLERR)) != 0) {
        std::array<char, 4096> buf{};
        for (;;) {
          const ssize_t n = ::recv(s.fd, buf.data(), buf.size(), 0);
          if (n > 0) continue;  // an error answer (431): the close follows
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
          if (n < 0 && errno == EINTR) continue;
          close_slot(s, true, at);  // EOF or reset: the server dropped it
          break;
        }
      }
    }
  }
  for (auto& s : slots) {
    if (s.fd >= 0) ::close(s.fd);
  }
  open_ = 0;
}

TimedResponse timed_get(int port, const std::string& path, std::chrono::milliseconds timeout) {
  TimedResponse r;
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const sockaddr_in dst = loopback("127.0.0.1", port);
  const auto remaining_ms = [&] {
    return static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
  };
  const auto finish = [&] {
    ::close(fd);
    r.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    if (r.status < 0) r.elapsed = timeout;
    return r;
  };
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&dst), sizeof dst) != 0 &&
      errno != EINPROGRESS) {
    return finish();
  }
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, remaining_ms()) != 1) return finish();
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return finish();
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return finish();
  }
  std::string answer;
  std::array<char, 8192> buf{};
  for (;;) {
    p = pollfd{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms()) != 1) return finish();  // timed out
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n > 0) {
      answer.append(buf.data(), static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return finish();
    break;  // EOF: the whole answer
  }
  const size_t head_end = answer.find("\r\n\r\n");
  if (answer.rfind("HTTP/1.1 ", 0) == 0 && head_end != std::string::npos) {
    r.status = std::stoi(answer.substr(9, 3));
    r.body = answer.substr(head_end + 4);
  }
  return finish();
}

int unused_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback("127.0.0.1", 0);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

std::chrono::microseconds percentile(std::vector<std::chrono::microseconds> values, double p) {
  if (values.empty()) return std::chrono::microseconds(0);
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace etl::test
