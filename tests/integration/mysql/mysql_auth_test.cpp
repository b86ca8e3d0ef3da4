// Logging in to Oracle MySQL (caching_sha2_password, its only password plugin since 9.0), through a
// recording TCP relay so the test sees every byte the client sends:
//  - over TLS (the default): the full exchange works and the password never crosses in clear;
//  - against a MySQL that offers no TLS (a private server, ETL_MYSQL_TLS=off), for each ssl_mode:
//    the password is never sent in clear; it is sent RSA-encrypted only with a key the
//    configuration provides (mysql.server_public_key) or allows fetching
//    (mysql.get_server_public_key); otherwise the login fails with a line that says what to set.
// The server forgets cached logins (FLUSH PRIVILEGES) before each case, so each login is the full
// exchange, the one that needs the key. MySQL only: MariaDB has no caching_sha2_password.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "mysql/connection.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/private_server.hpp"
#include "support/test_env.hpp"

using namespace etl;
using config::SslMode;

namespace {

// Relays TCP connections from a loopback port to 127.0.0.1:target, one at a time, and keeps every
// byte the client sent.
class RecordingRelay {
 public:
  explicit RecordingRelay(int target) : target_(target) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        listen(listen_fd_, 8) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("relay: cannot listen");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~RecordingRelay() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }
  RecordingRelay(const RecordingRelay&) = delete;
  RecordingRelay& operator=(const RecordingRelay&) = delete;
  [[nodiscard]] int port() const { return port_; }
  std::string client_bytes() {
    const std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      const int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      const int server = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(target_));
      if (connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) pump(client, server);
      close(server);
      close(client);
    }
  }
  void pump(int client, int server) {
    char buf[16384];
    while (!stop_) {
      pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (poll(p, 2, 100) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const ssize_t n = read(p[i].fd, buf, sizeof buf);
        if (n <= 0) return;
        if (i == 0) {
          const std::lock_guard lock(mutex_);
          sent_.append(buf, static_cast<size_t>(n));
        }
        const int to = i == 0 ? server : client;
        for (ssize_t off = 0; off < n;) {
          const ssize_t w = write(to, buf + off, static_cast<size_t>(n - off));
          if (w <= 0) return;
          off += w;
        }
      }
    }
  }

  int target_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::string sent_;
};

// Makes the server forget cached logins, so the next login is caching_sha2_password's full
// exchange.
void forget_cached_logins(config::MysqlConfig admin) {
  admin.get_server_public_key = true;
  auto c = mysql::Connection::open(admin, mysql::UseDatabase::none);
  c.execute("FLUSH PRIVILEGES");
}

struct Attempt {
  bool connected = false;
  std::string error;
  std::string sent;  // every byte the client sent
};

Attempt login_through_relay(config::MysqlConfig cfg, int server_port) {
  RecordingRelay relay(server_port);
  cfg.host = "127.0.0.1";
  cfg.port = relay.port();
  Attempt a;
  try {
    auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
    a.connected = test::sink::scalar(c, "SELECT 1") == "1";
  } catch (const std::exception& e) {  // EtlError, or ConfigError for a bad key file
    a.error = e.what();
  }
  a.sent = relay.client_bytes();
  return a;
}

class MysqlAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::server() != test::Server::mysql) {
      GTEST_SKIP() << "caching_sha2_password is MySQL's; MariaDB's logins are tested elsewhere";
    }
  }
};

TEST_F(MysqlAuth, CachingSha2OverTlsIsTheDefaultAndTheFullExchangeWorks) {
  config::MysqlConfig cfg = test::test_mysql_config();
  const char* ca = std::getenv("ETL_TEST_MYSQL_SSL_CA");
  ASSERT_TRUE(ca != nullptr && *ca != '\0') << "ETL_TEST_MYSQL_SSL_CA is not set";
  cfg.ssl_ca = ca;
  cfg.ssl_mode = SslMode::verify_identity;
  {
    auto c = mysql::Connection::open(cfg, mysql::UseDatabase::none);
    EXPECT_EQ(test::sink::scalar(c,
                                 "SELECT plugin FROM mysql.user WHERE CONCAT(user, '@', host) "
                                 "= CURRENT_USER()"),
              "caching_sha2_password");
  }
  forget_cached_logins(cfg);
  const Attempt a = login_through_relay(cfg, cfg.port);
  EXPECT_TRUE(a.connected) << a.error;
  EXPECT_EQ(a.sent.find(cfg.password), std::string::npos) << "the password crossed in clear";
}

class MysqlWithoutTls : public MysqlAuth {
 protected:
  void SetUp() override {
    MysqlAuth::SetUp();
    if (IsSkipped()) return;
    server_ = std::make_unique<test::PrivateServer>("ETL_MYSQL_TLS=off");
    ASSERT_TRUE(server_->start()) << server_->log();
  }
  config::MysqlConfig cfg(SslMode mode) {
    config::MysqlConfig c = server_->config();
    c.ssl_mode = mode;
    return c;
  }
  Attempt attempt(const config::MysqlConfig& c, bool check_clear = true) {
    forget_cached_logins(server_->config());
    Attempt a = login_through_relay(c, server_->config().port);
    if (check_clear) {
      EXPECT_EQ(a.sent.find(c.password), std::string::npos) << "the password crossed in clear";
    }
    return a;
  }
  [[nodiscard]] std::string server_key() const { return server_->dir() + "/data/public_key.pem"; }
  std::unique_ptr<test::PrivateServer> server_;
};

TEST_F(MysqlWithoutTls, WithoutAKeyOrLeaveToFetchItTheLoginFailsAndSaysWhatToSet) {
  for (const SslMode mode : {SslMode::disabled, SslMode::preferred}) {
    const Attempt a = attempt(cfg(mode));
    EXPECT_FALSE(a.connected) << static_cast<int>(mode);
    EXPECT_NE(a.error.find("mysql.server_public_key"), std::string::npos) << a.error;
    EXPECT_NE(a.error.find("mysql.get_server_public_key"), std::string::npos) << a.error;
  }
}

TEST_F(MysqlWithoutTls, TheConfiguredKeyEncryptsThePasswordAndNothingIsFetched) {
  for (const SslMode mode : {SslMode::disabled, SslMode::preferred}) {
    auto c = cfg(mode);
    c.server_public_key = server_key();
    const Attempt a = attempt(c);
    EXPECT_TRUE(a.connected) << a.error;
  }
  // Another key than the server's: the server cannot decrypt the password, so the login fails.
  // Had the client fetched the server's key instead, it would have succeeded.
  const std::string other = server_->dir() + "/other_public_key.pem";
  ASSERT_EQ(std::system(("openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -out '" + other +
                         "' 2>/dev/null")
                            .c_str()),
            0);
  auto c = cfg(SslMode::disabled);
  c.server_public_key = other;
  EXPECT_FALSE(attempt(c).connected);
  // A key file that cannot be read is a configuration error, not a silent fetch.
  c.server_public_key = server_->dir() + "/missing.pem";
  const Attempt missing = attempt(c);
  EXPECT_FALSE(missing.connected);
  EXPECT_NE(missing.error.find("mysql.server_public_key: cannot read"), std::string::npos)
      << missing.error;
}

TEST_F(MysqlWithoutTls, FetchingTheServersKeyWorksOnlyWhenAllowed) {
  for (const SslMode mode : {SslMode::disabled, SslMode::preferred}) {
    auto c = cfg(mode);
    c.get_server_public_key = true;
    const Attempt a = attempt(c);
    EXPECT_TRUE(a.connected) << a.error;
  }
}

TEST_F(MysqlWithoutTls, ModesThatRequireTlsRefuseTheServer) {
  // verify_identity refuses before the login packet, so the password never leaves. required and
  // verify_ca refuse only after the login (docs/operations.md, the ssl_mode table): Connector/C
  // keeps the TLS flag after falling back to plaintext and caching_sha2_password then sends the
  // password in clear. They are checked for the refusal only until they too refuse before the
  // login packet.
  for (const SslMode mode : {SslMode::required, SslMode::verify_ca, SslMode::verify_identity}) {
    auto c = cfg(mode);
    c.get_server_public_key = true;  // even when the key could be had
    const Attempt a = attempt(c, /*check_clear=*/mode == SslMode::verify_identity);
    EXPECT_FALSE(a.connected) << static_cast<int>(mode);
  }
}

}  // namespace
