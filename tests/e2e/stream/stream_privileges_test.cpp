// The MySQL privileges docs/operations.md lists for `stream` and `load` are exactly enough: the
// tables are made by init-db as an administrator (the test user), then the real binary runs as a
// user holding only the documented grants on the schema; a user lacking one gets an error that
// names it. The dev broker and a fresh MariaDB database.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"
#include "support/test_env.hpp"

namespace etl::stream_test {
namespace {

const std::string kLoadFixture =
    std::string(ETL_SOURCE_DIR) + "/tests/fixtures/load/api_page_7_2.json";

// What docs/operations.md says `stream` and `load` need on the schema.
const std::string kDocumentedGrants = "SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES";

// A user that exists for one test, with the given privileges on one schema.
class LimitedUser {
 public:
  LimitedUser(const config::MysqlConfig& admin, const std::string& grants) : admin_(admin) {
    cfg_ = admin;
    cfg_.user = "etl_limited_" + test::random_suffix(8);
    cfg_.password = "pw-" + test::random_suffix(16);
    auto c = mysql::Connection::open(admin_, mysql::UseDatabase::none);
    c.execute(fmt::format("CREATE USER {}@'127.0.0.1' IDENTIFIED BY {}", c.quote(cfg_.user),
                          c.quote(cfg_.password)));
    c.execute(fmt::format("GRANT {} ON {}.* TO {}@'127.0.0.1'", grants,
                          mysql::quote_identifier(admin.database), c.quote(cfg_.user)));
  }
  ~LimitedUser() {
    try {
      auto c = mysql::Connection::open(admin_, mysql::UseDatabase::none);
      c.execute(fmt::format("DROP USER IF EXISTS {}@'127.0.0.1'", c.quote(cfg_.user)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "test: could not drop user %s: %s\n", cfg_.user.c_str(), e.what());
    }
  }
  LimitedUser(const LimitedUser&) = delete;
  LimitedUser& operator=(const LimitedUser&) = delete;
  [[nodiscard]] const config::MysqlConfig& config() const { return cfg_; }

 private:
  config::MysqlConfig admin_;
  config::MysqlConfig cfg_;
};

std::string scalar(const config::MysqlConfig& cfg, const std::string& sql) {
  auto c = mysql::Connection::open(cfg);
  const auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

test::ProcessResult load_as(const config::MysqlConfig& cfg) {
  return test::run_binary({"load", "--account", "seller-a", kLoadFixture}, test::mysql_env(cfg),
                          std::chrono::seconds(120));
}

TEST(StreamPrivileges, StreamAndLoadRunWithExactlyTheDocumentedGrants) {
  StreamEnv env(1);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  const OrderFeed feed(11);
  writer.set_account("seller-s");
  for (uint64_t i = 0; i < 20; ++i)
    writer.produce(feed.purchase_order_id(i), feed.order_json(i, 1));
  writer.flush();

  StreamSettings s = env.settings();
  LimitedUser user(s.mysql, kDocumentedGrants);
  s.mysql = user.config();
  ASSERT_EQ(env.run_until_idle(s, "limited"), 0) << env.log_of("limited");
  EXPECT_EQ(scalar(s.mysql, "SELECT COUNT(DISTINCT purchaseOrderId) FROM walmart_order"), "20");

  const auto r = load_as(user.config());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scalar(s.mysql, "SELECT COUNT(*) FROM walmart_order WHERE account = 'seller-a'"), "4");
}

TEST(StreamPrivileges, AMissingGrantIsNamedInTheError) {
  StreamEnv env(1);
  StreamSettings s = env.settings();
  LimitedUser user(s.mysql, "SELECT, INSERT, UPDATE, DELETE");
  s.mysql = user.config();
  auto p = env.start(s, {"--until-idle"}, "no-temporary");
  ASSERT_EQ(p->wait(std::chrono::seconds(60)), 1) << p->log();
  EXPECT_NE(p->log().find("needs the CREATE TEMPORARY TABLES privilege"), std::string::npos)
      << p->log();

  const auto r = load_as(user.config());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("needs the CREATE TEMPORARY TABLES privilege"), std::string::npos) << r.err;

  // Without INSERT the server's own error names the command that was refused.
  LimitedUser reader(env.settings().mysql, "SELECT, UPDATE, DELETE, CREATE TEMPORARY TABLES");
  const auto r2 = load_as(reader.config());
  EXPECT_EQ(r2.exit_code, 1) << r2.err;
  EXPECT_NE(r2.err.find("INSERT command denied"), std::string::npos) << r2.err;
}

}  // namespace
}  // namespace etl::stream_test
