#include "integration/mysql/fake_mysql_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace etl::test {

namespace {

constexpr uint32_t kClientLongPassword = 1;
constexpr uint32_t kClientLongFlag = 4;
constexpr uint32_t kClientConnectWithDb = 8;
constexpr uint32_t kClientLocalFiles = 128;
constexpr uint32_t kClientProtocol41 = 512;
constexpr uint32_t kClientSsl = 2048;
constexpr uint32_t kClientTransactions = 8192;
constexpr uint32_t kClientSecureConnection = 32768;
constexpr uint32_t kClientMultiResults = 1U << 17;
constexpr uint32_t kClientPluginAuth = 1U << 19;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

void put_u16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>((v >> 8) & 0xff));
}

void put_u32(std::string& s, uint32_t v) {
  put_u16(s, v & 0xffff);
  put_u16(s, v >> 16);
}

bool send_packet(int fd, uint8_t seq, const std::string& payload) {
  std::string p;
  p.push_back(static_cast<char>(payload.size() & 0xff));
  p.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
  p.push_back(static_cast<char>((payload.size() >> 16) & 0xff));
  p.push_back(static_cast<char>(seq));
  p += payload;
  return ::send(fd, p.data(), p.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(p.size());
}

// Reads exactly n bytes within 5 s; false on EOF, error or timeout.
bool read_exact(int fd, std::string& into, size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t got = 0;
  char buf[4096];
  while (got < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t r = ::recv(fd, buf, std::min(sizeof buf, n - got), 0);
    if (r <= 0) return false;
    into.append(buf, static_cast<size_t>(r));
    got += static_cast<size_t>(r);
  }
  return true;
}

// Reads one packet; returns false when the client is gone.
bool read_packet(int fd, std::string& all, std::string& payload) {
  std::string header;
  if (!read_exact(fd, header, 4)) return false;
  all += header;
  const size_t len = static_cast<uint8_t>(header[0]) | (static_cast<uint8_t>(header[1]) << 8) |
                     (static_cast<size_t>(static_cast<uint8_t>(header[2])) << 16);
  payload.clear();
  if (len > 0 && !read_exact(fd, payload, len)) return false;
  all += payload;
  return true;
}

std::string greeting(bool offer_tls) {
  uint32_t caps = kClientLongPassword | kClientLongFlag | kClientConnectWithDb | kClientLocalFiles |
                  kClientProtocol41 | kClientTransactions | kClientSecureConnection |
                  kClientMultiResults | kClientPluginAuth;
  if (offer_tls) caps |= kClientSsl;
  std::string g;
  g.push_back('\x0a');
  g += std::string("5.7.99-impostor") + '\0';
  put_u32(g, 42);   // connection id
  g += "abcdefgh";  // scramble, first 8 bytes
  g.push_back('\0');
  put_u16(g, caps & 0xffff);
  g.push_back('\x2d');  // utf8mb4_general_ci
  put_u16(g, 0x0002);   // SERVER_STATUS_AUTOCOMMIT
  put_u16(g, caps >> 16);
  g.push_back(static_cast<char>(21));  // scramble length
  g += std::string(10, '\0');
  g += std::string("ijklmnopqrst") + '\0';  // scramble, remaining 12 bytes
  g += std::string("mysql_native_password") + '\0';
  return g;
}

std::string ok_packet() {
  std::string ok;
  ok.push_back('\0');
  ok.push_back('\0');   // affected rows
  ok.push_back('\0');   // last insert id
  put_u16(ok, 0x0002);  // status
  put_u16(ok, 0);       // warnings
  return ok;
}

}  // namespace

FakeMysqlServer::FakeMysqlServer(Options options) : options_(std::move(options)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("fake mysql: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 1) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fake mysql: cannot listen on loopback");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeMysqlServer::~FakeMysqlServer() {
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

FakeMysqlServer::Seen FakeMysqlServer::wait_seen() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return seen_;
}

void FakeMysqlServer::switch_plugin(int fd, std::string& all) {
  auto record = [&](auto&& update) {
    std::lock_guard lock(mu_);
    update(seen_);
    seen_.all_bytes = all;
  };
  // AuthSwitchRequest: 0xFE, the plugin name, the plugin's data. The dialog plugin reads its data
  // as a question: type 4 (a password) and the prompt.
  std::string request;
  request.push_back(static_cast<char>(0xfe));
  request += options_.switch_to_plugin + '\0';
  if (options_.switch_to_plugin == "dialog") {
    request += "\x04Password: ";
  } else {
    request += std::string("0123456789abcdefghij") + '\0';
  }
  if (!send_packet(fd, 2, request)) return record([](Seen&) {});
  std::string payload;
  uint8_t seq = 4;
  while (read_packet(fd, all, payload)) {
    record([](Seen& s) { s.answered_switch = true; });
    if (options_.switch_to_plugin == "caching_sha2_password" && seq == 4) {
      // "Perform full authentication": a client on a session without TLS now asks for the
      // server's RSA key (one byte, 2) and encrypts the password with whatever comes back.
      if (!send_packet(fd, seq, std::string("\x01\x04", 2))) break;
    } else if (!send_packet(fd, seq, ok_packet())) {
      break;
    }
    seq = static_cast<uint8_t>(seq + 2);
  }
  record([](Seen&) {});
}

void FakeMysqlServer::serve() {
  std::string all;
  std::string payload;
  auto record = [&](auto&& update) {
    std::lock_guard lock(mu_);
    update(seen_);
    seen_.all_bytes = all;
  };

  // An impostor answers every connection. A client may read the greeting on one connection and
  // hang up without a byte (ssl_mode preferred asks first whether the server offers TLS), then log
  // in on the next: such a probe is answered and the next connection served.
  Fd conn(-1);
  bool first_packet = false;
  // After a probe the client's login follows at once; a client that refused on the greeting sends
  // nothing more, so the wait for a further connection is short.
  for (int connection = 0; connection < 4 && !first_packet; ++connection) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, connection == 0 ? 10000 : 1500) <= 0) return record([](Seen&) {});
    conn = Fd(::accept(listen_fd_, nullptr, nullptr));
    if (conn.get() < 0) return;
    if (!send_packet(conn.get(), 0, greeting(options_.offer_tls))) continue;
    first_packet = read_packet(conn.get(), all, payload);
    if (!first_packet && !all.empty()) return record([](Seen&) {});
  }
  if (!first_packet || payload.size() < 4) return record([](Seen&) {});
  const uint32_t caps = static_cast<uint8_t>(payload[0]) | (static_cast<uint8_t>(payload[1]) << 8) |
                        (static_cast<uint32_t>(static_cast<uint8_t>(payload[2])) << 16) |
                        (static_cast<uint32_t>(static_cast<uint8_t>(payload[3])) << 24);
  const bool tls = payload.size() == 32 && (caps & kClientSsl) != 0;
  record([&](Seen& s) {
    s.got_first_packet = true;
    s.client_capabilities = caps;
    s.asked_for_tls = tls;
  });
  // An impostor without the server's certificate cannot complete a TLS handshake that the client
  // verifies; it hangs up. A client that did not ask for TLS is logged in whatever it sent.
  if (tls) return;
  record([](Seen& s) { s.got_handshake_response = true; });
  if (!options_.switch_to_plugin.empty()) return switch_plugin(conn.get(), all);
  if (!send_packet(conn.get(), 2, ok_packet())) return;

  // First command: answer with a LOCAL INFILE request for the chosen file.
  // COM_QUIT (0x01) is a client hanging up; only COM_QUERY (0x03) counts as a query.
  if (!read_packet(conn.get(), all, payload) || payload.empty() || payload[0] != '\x03') {
    return record([](Seen&) {});
  }
  record([](Seen& s) { s.got_query = true; });
  std::string request;
  request.push_back(static_cast<char>(0xfb));
  request += options_.infile_to_request;
  if (!send_packet(conn.get(), 1, request)) return;
  const size_t mark = all.size();
  // A compliant client now streams the file in packets and ends with an empty one; a refusing
  // client sends just the empty packet. Read until the empty packet or the client hangs up.
  while (read_packet(conn.get(), all, payload) && !payload.empty()) {
  }
  record([&](Seen& s) { s.after_infile_request = all.substr(mark); });
  std::string err;
  err.push_back(static_cast<char>(0xff));
  put_u16(err, 1148);
  err += "#42000The used command is not allowed with this MariaDB version";
  send_packet(conn.get(), 3, err);
}

}  // namespace etl::test
