// What the MySQL client gives a server impostor on the configured address (no real server here:
// tests/mysql/fake_mysql_server.* speaks the handshake and asks for a local file). The client must
// never advertise or honour LOCAL INFILE, must ask for TLS whenever the server offers it (unless
// ssl_mode is disabled), and must refuse plaintext when the mode requires TLS.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "integration/mysql/fake_mysql_server.hpp"
#include "mysql/connection.hpp"
#include "support/test_env.hpp"

namespace etl::mysql {
namespace {

constexpr uint32_t kClientLocalFiles = 128;
constexpr uint32_t kClientSsl = 2048;

struct SecretFile {
  std::filesystem::path path;
  std::string marker = "walmart-client-secret-" + test::random_suffix(16);
  SecretFile() {
    path = std::filesystem::path(test::make_temp_dir("etl-fake-mysql")) / "config.yml";
    std::ofstream(path) << "walmart_token:\n  client_secret: " << marker << "\n";
  }
  ~SecretFile() { std::filesystem::remove_all(path.parent_path()); }
};

config::MysqlConfig impostor_config(int port, config::SslMode mode) {
  config::MysqlConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = port;
  cfg.user = "etl";
  cfg.password = "mysql-password-must-not-leak";
  cfg.database = "ods";
  cfg.ssl_mode = mode;
  cfg.connect_timeout = std::chrono::seconds(5);
  cfg.read_timeout = std::chrono::seconds(5);
  cfg.write_timeout = std::chrono::seconds(5);
  return cfg;
}

TEST(MysqlClientSecurity, NeverSendsALocalFileToAServerThatAsksForOne) {
  SecretFile secret;
  test::FakeMysqlServer server({.offer_tls = false, .infile_to_request = secret.path.string()});
  // The impostor offers no TLS, so `preferred` talks plaintext; whatever it then asks, the client
  // must not read the file.
  try {
    Connection c = Connection::open(impostor_config(server.port(), config::SslMode::preferred));
    c.execute("SELECT 1");
  } catch (const EtlError&) {
    // Expected: the impostor's LOCAL INFILE answer is refused as an error.
  }
  const auto seen = server.wait_seen();
  ASSERT_TRUE(seen.got_handshake_response);
  ASSERT_TRUE(seen.got_query) << "the impostor never got to ask for a file";
  EXPECT_EQ(seen.client_capabilities & kClientLocalFiles, 0U)
      << "the client advertises LOCAL INFILE (CLIENT_LOCAL_FILES)";
  EXPECT_EQ(seen.all_bytes.find(secret.marker), std::string::npos)
      << "the client sent the requested file's content";
  // A refusing client answers the request with one empty packet: 4 header bytes, no payload.
  EXPECT_LE(seen.after_infile_request.size(), 4U);
}

TEST(MysqlClientSecurity, PreferredAsksForTlsWhenTheServerOffersIt) {
  SecretFile secret;
  test::FakeMysqlServer server({.offer_tls = true, .infile_to_request = secret.path.string()});
  EXPECT_THROW(Connection::open(impostor_config(server.port(), config::SslMode::preferred)),
               EtlError);
  const auto seen = server.wait_seen();
  ASSERT_TRUE(seen.got_first_packet);
  EXPECT_TRUE(seen.asked_for_tls) << "preferred did not ask for TLS although the server offers it";
  EXPECT_EQ(seen.client_capabilities & kClientLocalFiles, 0U);
  EXPECT_EQ(seen.all_bytes.find("etl"), std::string::npos) << "user name sent before TLS";
}

TEST(MysqlClientSecurity, RequiredRefusesAServerWithoutTls) {
  SecretFile secret;
  test::FakeMysqlServer server({.offer_tls = false, .infile_to_request = secret.path.string()});
  try {
    Connection::open(impostor_config(server.port(), config::SslMode::required));
    ADD_FAILURE() << "connected in plaintext although ssl_mode is required";
  } catch (const EtlError& e) {
    EXPECT_NE(std::string(e.what()).find("TLS"), std::string::npos) << e.what();
  }
  const auto seen = server.wait_seen();
  EXPECT_FALSE(seen.got_query) << "a query was sent over plaintext";
  EXPECT_EQ(seen.all_bytes.find(secret.marker), std::string::npos);
}

TEST(MysqlClientSecurity, VerifyModesAskForTlsAndRejectAnUnverifiableServer) {
  for (auto mode :
       {config::SslMode::required, config::SslMode::verify_ca, config::SslMode::verify_identity}) {
    SecretFile secret;
    test::FakeMysqlServer server({.offer_tls = true, .infile_to_request = secret.path.string()});
    EXPECT_THROW(Connection::open(impostor_config(server.port(), mode)), EtlError);
    const auto seen = server.wait_seen();
    EXPECT_TRUE(seen.asked_for_tls) << "mode " << static_cast<int>(mode);
    EXPECT_FALSE(seen.got_query);
  }
}

TEST(MysqlClientSecurity, DisabledNeverAsksForTls) {
  SecretFile secret;
  test::FakeMysqlServer server({.offer_tls = true, .infile_to_request = secret.path.string()});
  try {
    Connection::open(impostor_config(server.port(), config::SslMode::disabled));
  } catch (const EtlError&) {
  }
  const auto seen = server.wait_seen();
  ASSERT_TRUE(seen.got_first_packet);
  EXPECT_FALSE(seen.asked_for_tls);
  EXPECT_EQ(seen.client_capabilities & kClientSsl, 0U);
  EXPECT_EQ(seen.client_capabilities & kClientLocalFiles, 0U);
  EXPECT_EQ(seen.all_bytes.find(secret.marker), std::string::npos);
}

}  // namespace
}  // namespace etl::mysql
