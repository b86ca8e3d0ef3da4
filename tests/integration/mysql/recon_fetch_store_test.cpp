// The download ledger in MySQL (MariaDB and MySQL): a report's last download per account and
// date, never moved back, and what it means for the two-hour rule.
#include "mysql/recon_fetch_store.hpp"

#include <gtest/gtest.h>

#include "mysql/schema.hpp"
#include "mysql/statement_warnings.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

TEST(ReconFetchStore, RemembersTheLastDownloadPerAccountAndDate) {
  test::ScopedDatabase db(test::test_mysql_config());
  mysql::init_db(db.config());
  std::string warnings;
  mysql::set_warning_observer(
      [&](std::string_view, const std::vector<mysql::StatementWarning>& ws) {
        for (const auto& w : ws) warnings += w.message + "\n";
      });
  auto conn = mysql::Connection::open(db.config());
  mysql::ReconFetchStore store(conn);
  EXPECT_EQ(store.last_download_ms("brand-us", "12122026"), std::nullopt);
  store.record_download("brand-us", "12122026", 1'000'000);
  store.record_download("brand-us", "11282026", 2'000'000);
  store.record_download("Brand-US", "12122026", 3'000'000);  // another account
  EXPECT_EQ(store.last_download_ms("brand-us", "12122026"), 1'000'000);
  store.record_download("brand-us", "12122026", 500);  // older: ignored
  EXPECT_EQ(store.last_download_ms("brand-us", "12122026"), 1'000'000);
  store.record_download("brand-us", "12122026", 9'000'000);
  EXPECT_EQ(store.last_download_ms("brand-us", "12122026"), 9'000'000);
  EXPECT_EQ(store.fetched_dates("brand-us"), (std::vector<std::string>{"11282026", "12122026"}));
  // A second process sees the same: the rule holds across runs.
  auto other = mysql::Connection::open(db.config());
  mysql::ReconFetchStore again(other);
  const auto last = again.last_download_ms("brand-us", "12122026");
  EXPECT_EQ(recon::download_deferred_until(last, 9'000'000 + 60'000),
            9'000'000 + recon::kMinDownloadIntervalMs);
  EXPECT_EQ(recon::download_deferred_until(last, 9'000'000 + recon::kMinDownloadIntervalMs),
            std::nullopt);
  mysql::set_warning_observer({});
  EXPECT_EQ(warnings, "");
}

}  // namespace
}  // namespace etl
