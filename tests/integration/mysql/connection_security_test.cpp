// What the MySQL client gives a server impostor on the configured address (no real server here:
// fake_mysql_server.* speaks the handshake, asks for a local file or for an authentication plugin
// of its choice). The client must never advertise or honour LOCAL INFILE, must ask for TLS
// whenever the server offers it (unless ssl_mode is disabled), must refuse a server without TLS
// before logging in when the mode requires TLS, and must never give the password away.

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
  test::FakeMysqlServer server(
      {.offer_tls = false, .infile_to_request = secret.path.string(), .switch_to_plugin = ""});
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
  test::FakeMysqlServer server(
      {.offer_tls = true, .infile_to_request = secret.path.string(), .switch_to_plugin = ""});
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
  test::FakeMysqlServer server(
      {.offer_tls = false, .infile_to_request = secret.path.string(), .switch_to_plugin = ""});
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

constexpr config::SslMode kEveryMode[] = {config::SslMode::disabled, config::SslMode::preferred,
                                          config::SslMode::required, config::SslMode::verify_ca,
                                          config::SslMode::verify_identity};

bool requires_tls(config::SslMode mode) {
  return mode != config::SslMode::disabled && mode != config::SslMode::preferred;
}

// The impostor offers no TLS and, once it has the login packet, asks for a plugin that would give
// it the password: as it is (mysql_clear_password, dialog), or under an RSA key it chooses
// (caching_sha2_password's "full authentication" without TLS).
TEST(MysqlClientSecurity, NoModeGivesThePasswordToAnImpostorWithoutTls) {
  for (const char* plugin : {"mysql_clear_password", "dialog", "caching_sha2_password"}) {
    for (auto mode : kEveryMode) {
      SCOPED_TRACE(std::string(plugin) + ", ssl_mode " + std::to_string(static_cast<int>(mode)));
      test::FakeMysqlServer server(
          {.offer_tls = false, .infile_to_request = "", .switch_to_plugin = plugin});
      const auto cfg = impostor_config(server.port(), mode);
      try {
        Connection::open(cfg);
        ADD_FAILURE() << "logged in to the impostor";
      } catch (const EtlError& e) {
        EXPECT_EQ(e.error().cls, ErrorClass::fatal) << e.what();
        const std::string text = e.what();
        if (requires_tls(mode)) {
          EXPECT_NE(text.find("does not offer TLS"), std::string::npos) << text;
        } else {
          EXPECT_NE(text.find("authentication plugin that is not allowed"), std::string::npos)
              << text;
        }
        EXPECT_EQ(text.find(cfg.password), std::string::npos) << text;
      }
      const auto seen = server.wait_seen();
      EXPECT_EQ(seen.all_bytes.find(cfg.password), std::string::npos)
          << "the password reached the impostor";
      EXPECT_FALSE(seen.answered_switch) << "the client answered the switch to " << plugin;
      if (requires_tls(mode)) {
        // Refused on the greeting: not even the user name was sent.
        EXPECT_FALSE(seen.got_first_packet) << "sent " << seen.all_bytes.size() << " bytes";
      } else {
        // The login packet carries the user name but no answer to any challenge.
        EXPECT_TRUE(seen.got_handshake_response);
      }
    }
  }
}

// The same impostor can still have a challenge answered with a plugin that never reveals the
// password (what docs/operations.md says `disabled` and `preferred` expose): the switch is
// answered, the password is not in it.
TEST(MysqlClientSecurity, PlaintextModesAnswerOnlyAChallengeThatHidesThePassword) {
  for (auto mode : {config::SslMode::disabled, config::SslMode::preferred}) {
    test::FakeMysqlServer server(
        {.offer_tls = false, .infile_to_request = "", .switch_to_plugin = "mysql_native_password"});
    const auto cfg = impostor_config(server.port(), mode);
    try {
      Connection::open(cfg);
    } catch (const EtlError&) {
      // The impostor's OK may not complete a session; what was sent is what counts.
    }
    const auto seen = server.wait_seen();
    EXPECT_TRUE(seen.answered_switch);
    EXPECT_EQ(seen.all_bytes.find(cfg.password), std::string::npos);
  }
}

// Listing mysql_clear_password is the explicit opt-in: then the password goes as it is (which is
// what this test's impostor must be able to see, or the tests above prove nothing).
TEST(MysqlClientSecurity, TheCleartextPluginIsUsedOnlyWhenListed) {
  test::FakeMysqlServer server(
      {.offer_tls = false, .infile_to_request = "", .switch_to_plugin = "mysql_clear_password"});
  auto cfg = impostor_config(server.port(), config::SslMode::disabled);
  cfg.auth_plugins = {"mysql_native_password", "mysql_clear_password"};
  try {
    Connection::open(cfg);
  } catch (const EtlError&) {
  }
  const auto seen = server.wait_seen();
  EXPECT_TRUE(seen.answered_switch);
  EXPECT_NE(seen.all_bytes.find(cfg.password), std::string::npos);
}

TEST(MysqlClientSecurity, VerifyModesAskForTlsAndRejectAnUnverifiableServer) {
  for (auto mode :
       {config::SslMode::required, config::SslMode::verify_ca, config::SslMode::verify_identity}) {
    SecretFile secret;
    test::FakeMysqlServer server(
        {.offer_tls = true, .infile_to_request = secret.path.string(), .switch_to_plugin = ""});
    EXPECT_THROW(Connection::open(impostor_config(server.port(), mode)), EtlError);
    const auto seen = server.wait_seen();
    EXPECT_TRUE(seen.asked_for_tls) << "mode " << static_cast<int>(mode);
    EXPECT_FALSE(seen.got_query);
  }
}

TEST(MysqlClientSecurity, DisabledNeverAsksForTls) {
  SecretFile secret;
  test::FakeMysqlServer server(
      {.offer_tls = true, .infile_to_request = secret.path.string(), .switch_to_plugin = ""});
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
