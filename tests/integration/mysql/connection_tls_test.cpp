// TLS against the real test server, MariaDB or MySQL (scripts/mariadb-local.sh and
// scripts/mysql-local.sh give it a certificate for 127.0.0.1 signed by a private CA;
// scripts/test.sh exports that CA as ETL_TEST_MYSQL_SSL_CA).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "mysql/connection.hpp"
#include "support/test_env.hpp"

namespace etl::mysql {
namespace {

std::string test_ca() {
  const char* v = std::getenv("ETL_TEST_MYSQL_SSL_CA");
  return v != nullptr && *v != '\0' ? v
                                    : std::string(ETL_SOURCE_DIR) + "/.local/mariadb/tls/ca.pem";
}

config::MysqlConfig with_mode(config::SslMode mode, std::string ca = "") {
  config::MysqlConfig cfg = test::test_mysql_config();
  cfg.ssl_mode = mode;
  cfg.ssl_ca = std::move(ca);
  return cfg;
}

std::string cipher_of(Connection& c) {
  auto rows = c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  return rows.empty() || !rows[0][1] ? std::string() : *rows[0][1];
}

TEST(MysqlTls, TheTestServerOffersTls) {
  ASSERT_TRUE(std::filesystem::exists(test_ca()))
      << test_ca() << " is missing: start the server with scripts/" << test::server_name()
      << "-local.sh";
}

TEST(MysqlTls, PreferredEncryptsWhenTheServerOffersTls) {
  auto c = Connection::open(with_mode(config::SslMode::preferred), UseDatabase::none);
  EXPECT_FALSE(cipher_of(c).empty()) << "preferred stayed in plaintext";
}

TEST(MysqlTls, RequiredEncrypts) {
  auto c = Connection::open(with_mode(config::SslMode::required), UseDatabase::none);
  EXPECT_FALSE(cipher_of(c).empty());
}

TEST(MysqlTls, DisabledStaysPlaintext) {
  auto cfg = with_mode(config::SslMode::disabled);
  // MySQL's caching_sha2_password without TLS needs the server's RSA key when the login is not
  // cached (integration_mysql_auth tests that part); here only the plaintext matters.
  cfg.get_server_public_key = true;
  auto c = Connection::open(cfg, UseDatabase::none);
  EXPECT_TRUE(cipher_of(c).empty());
}

TEST(MysqlTls, VerifyModesAcceptTheServerSignedByTheConfiguredCa) {
  for (auto mode : {config::SslMode::verify_ca, config::SslMode::verify_identity}) {
    auto c = Connection::open(with_mode(mode, test_ca()), UseDatabase::none);
    EXPECT_FALSE(cipher_of(c).empty());
  }
}

TEST(MysqlTls, VerifyModesRejectAServerNotSignedByTheConfiguredCa) {
  // The system trust store does not hold the private CA of the test server.
  for (auto mode : {config::SslMode::verify_ca, config::SslMode::verify_identity}) {
    try {
      Connection::open(with_mode(mode, "/etc/ssl/certs/ca-certificates.crt"), UseDatabase::none);
      ADD_FAILURE() << "connected to a server the CA did not sign, mode " << static_cast<int>(mode);
    } catch (const EtlError& e) {
      EXPECT_EQ(e.error().cls, ErrorClass::fatal) << e.what();
      EXPECT_NE(std::string(e.what()).find("SSL"), std::string::npos) << e.what();
    }
  }
}

// Forwards one TCP connection from 127.0.0.2:<ephemeral> to 127.0.0.1:<target>, so the same
// server is reached under an address its certificate does not name.
class LoopbackForwarder {
 public:
  explicit LoopbackForwarder(int target_port) : target_(target_port) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000002);
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_, 1) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.2");
    }
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~LoopbackForwarder() {
    ::shutdown(listen_, SHUT_RDWR);
    thread_.join();
    ::close(listen_);
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  void run() {
    pollfd p{listen_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    const int client = ::accept(listen_, nullptr, nullptr);
    if (client < 0) return;
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(target_));
    if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      char buf[16384];
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      while (::poll(fds, 2, 10000) > 0) {
        const bool from_client = (fds[0].revents & (POLLIN | POLLHUP)) != 0;
        const int from = from_client ? client : server;
        const ssize_t n = ::recv(from, buf, sizeof buf, 0);
        if (n <= 0 ||
            ::send(from_client ? server : client, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) {
          break;
        }
      }
    }
    ::close(server);
    ::close(client);
  }

  int listen_ = -1;
  int port_ = 0;
  int target_;
  std::thread thread_;
};

TEST(MysqlTls, VerifyIdentityRejectsAHostNameTheCertificateDoesNotName) {
  // The certificate names 127.0.0.1 and localhost, not 127.0.0.2.
  auto cfg = with_mode(config::SslMode::verify_identity, test_ca());
  {
    LoopbackForwarder fwd(cfg.port);
    cfg.host = "127.0.0.2";
    cfg.port = fwd.port();
    try {
      Connection::open(cfg, UseDatabase::none);
      ADD_FAILURE() << "verify_identity accepted a certificate that does not name 127.0.0.2";
    } catch (const EtlError& e) {
      EXPECT_EQ(e.error().cls, ErrorClass::fatal) << e.what();
    }
  }
  // verify_ca checks only the chain: the same server through the same detour is accepted.
  cfg = with_mode(config::SslMode::verify_ca, test_ca());
  LoopbackForwarder fwd(cfg.port);
  cfg.host = "127.0.0.2";
  cfg.port = fwd.port();
  auto c = Connection::open(cfg, UseDatabase::none);
  EXPECT_FALSE(cipher_of(c).empty());
}

}  // namespace
}  // namespace etl::mysql
