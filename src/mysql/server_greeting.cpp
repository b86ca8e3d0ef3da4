#include "mysql/server_greeting.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

namespace etl::mysql {

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* a) const noexcept { freeaddrinfo(a); }
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return poll(&p, 1, static_cast<int>(left.count())) == 1 && (p.revents & events) != 0;
}

// The protocol-10 greeting: 3-byte length, sequence 0, then protocol version (10), the server
// version NUL-terminated, 4-byte connection id, 8 bytes of scramble, a filler byte, and the lower
// two bytes of the capability flags. CLIENT_SSL is 0x0800.
std::optional<bool> tls_flag_of(const unsigned char* p, size_t n) {
  if (n < 5 || p[4] != 10) return std::nullopt;
  const size_t payload =
      static_cast<size_t>(p[0]) | static_cast<size_t>(p[1]) << 8 | static_cast<size_t>(p[2]) << 16;
  const size_t end = std::min(n, payload + 4);
  const void* nul = std::memchr(p + 5, 0, end > 5 ? end - 5 : 0);
  if (nul == nullptr) return std::nullopt;
  const size_t caps_at =
      static_cast<size_t>(static_cast<const unsigned char*>(nul) - p) + 1 + 4 + 8 + 1;
  if (caps_at + 2 > end) return std::nullopt;
  const unsigned caps = static_cast<unsigned>(p[caps_at]) | static_cast<unsigned>(p[caps_at + 1])
                                                                << 8;
  return (caps & 0x0800U) != 0;
}

}  // namespace

std::optional<bool> server_offers_tls(const std::string& host, int port,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    return std::nullopt;
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> addrs(found);
  for (const addrinfo* a = addrs.get(); a != nullptr; a = a->ai_next) {
    const Fd fd(
        socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) continue;
    if (connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS || !wait_for(fd.get(), POLLOUT, deadline)) continue;
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) continue;
    }
    std::array<unsigned char, 512> buf{};
    size_t n = 0;
    while (n < buf.size()) {
      if (const auto flag = tls_flag_of(buf.data(), n)) return flag;
      if (!wait_for(fd.get(), POLLIN, deadline)) break;
      const ssize_t r = read(fd.get(), buf.data() + n, buf.size() - n);
      if (r <= 0) break;
      n += static_cast<size_t>(r);
    }
    return tls_flag_of(buf.data(), n);
  }
  return std::nullopt;
}

}  // namespace etl::mysql
