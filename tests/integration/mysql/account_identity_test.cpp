// Account names are exact, byte for byte, in every table: 'müller' and 'muller' (two real
// sellers), 'Main' and 'main' are distinct accounts - their watermarks, their GROUP BY rows, a
// WHERE account = ... - and init-db --migrate turns an earlier ODS's case- and accent-insensitive
// account columns exact without losing a row.
#include <gtest/gtest.h>

#include "mysql/batch_writer.hpp"
#include "mysql/schema.hpp"
#include "mysql/watermark_store.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

using test::sink::LineSpec;
using test::sink::order_json;
using test::sink::scalar;
using test::sink::to_write;

const char* const kMueller = "m\xC3\xBCller";  // müller

// Every account column and its table.
const std::vector<std::pair<std::string, bool>> kAccountColumns = {
    {"walmart_order", true},
    {"walmart_order_charge", true},
    {"walmart_order_raw", true},
    {"etl_fetch_watermark", false},
    {"walmart_order_dead_letter", true},
    {"walmart_recon_file", false},
    {"walmart_recon_row", false},
    {"walmart_recon_dead_letter", false},
    {"etl_recon_fetch", false}};

mysql::OrderToWrite order_for(int64_t id, const std::string& account) {
  auto w = to_write(order_json(id, {LineSpec{}}), "f:" + std::to_string(id));
  w.origin.account = account;
  return w;
}

class AccountIdentity : public ::testing::Test {
 protected:
  AccountIdentity() : db_(test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  std::string collation(const std::string& table) {
    return q("SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
             conn_->quote(db_.config().database) + " AND TABLE_NAME = '" + table +
             "' AND COLUMN_NAME = 'account'");
  }

  test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
};

TEST_F(AccountIdentity, EveryAccountColumnComparesByteForByte) {
  for (const auto& [table, _] : kAccountColumns)
    EXPECT_EQ(collation(table), "utf8mb4_bin") << table;
}

// muller's first --since-last run must not resume from müller's watermark.
TEST_F(AccountIdentity, MullerAndMuellerHaveTheirOwnWatermarks) {
  mysql::WatermarkStore store(db_.config());
  store.advance(kMueller, "orders", "SellerFulfilled", 1714000000000, "run-1");
  EXPECT_EQ(store.load(kMueller, "orders", "SellerFulfilled"), 1714000000000);
  EXPECT_EQ(store.load("muller", "orders", "SellerFulfilled"), std::nullopt);
  EXPECT_EQ(store.load("M\xC3\xBCller", "orders", "SellerFulfilled"), std::nullopt);
  store.advance("muller", "orders", "SellerFulfilled", 1713000000000, "run-2");
  EXPECT_EQ(store.load("muller", "orders", "SellerFulfilled"), 1713000000000);
  EXPECT_EQ(store.load(kMueller, "orders", "SellerFulfilled"), 1714000000000);
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_fetch_watermark"), "2");
}

// The documented per-account queries keep both sellers apart, and 'Main' then 'main' are two
// accounts: the second's copy of Main's order is a dead letter under 'main', as documented.
TEST_F(AccountIdentity, GroupByAccountKeepsSellersApartAndMainIsNotmain) {
  mysql::BatchWriter w(db_.config(), mysql::BatchWriterOptions{});
  mysql::WriteBatch sellers;
  sellers.orders.push_back(order_for(1, kMueller));
  sellers.orders.push_back(order_for(2, "muller"));
  sellers.orders.push_back(order_for(3, "muller"));
  ASSERT_EQ(w.write(sellers).orders, 3u);
  const auto groups = conn_->query(
      "SELECT o.account, COUNT(DISTINCT o.purchaseOrderId) AS orders FROM walmart_order o GROUP "
      "BY o.account ORDER BY o.account");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(*groups[0][0], "muller");
  EXPECT_EQ(*groups[0][1], "2");
  EXPECT_EQ(*groups[1][0], kMueller);
  EXPECT_EQ(*groups[1][1], "1");
  EXPECT_EQ(q("SELECT COUNT(*) FROM (SELECT c.account FROM walmart_order_charge c GROUP BY "
              "c.account) g"),
            "2");

  mysql::WriteBatch main_upper;
  main_upper.orders.push_back(order_for(10, "Main"));
  ASSERT_EQ(w.write(main_upper).orders, 1u);
  mysql::WriteBatch main_lower;
  main_lower.orders.push_back(order_for(10, "main"));
  const auto r = w.write(main_lower);
  EXPECT_EQ(r.orders, 0u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE account = 'main'"), "0");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE account = 'Main'"), "1");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE account = 'main'"), "1");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE account = 'Main'"), "0");
}

// An ODS whose account columns compare ignoring case and accents (as an earlier release made
// them): init-db refuses with the statements, --migrate changes only the collation, keeps every
// row, and a second run has nothing left to do.
TEST_F(AccountIdentity, MigrateMakesAnEarlierOdsExactAndKeepsEveryRow) {
  const std::string db = mysql::quote_identifier(db_.config().database);
  for (const auto& [table, nullable] : kAccountColumns) {
    conn_->execute("ALTER TABLE " + db + "." + table +
                   " MODIFY COLUMN account varchar(100) CHARACTER SET utf8mb4 COLLATE "
                   "utf8mb4_unicode_ci " +
                   (nullable ? "NULL" : "NOT NULL"));
  }
  mysql::BatchWriter w(db_.config(), mysql::BatchWriterOptions{});
  mysql::WriteBatch rows;
  rows.orders.push_back(order_for(1, kMueller));
  rows.orders.push_back(order_for(2, "Main"));
  ASSERT_EQ(w.write(rows).orders, 2u);
  mysql::WatermarkStore(db_.config()).advance(kMueller, "orders", "WFSFulfilled", 1714000000000, "r");
  const auto count_all = [&] {
    std::string s;
    for (const auto& [table, _] : kAccountColumns) {
      s += q("SELECT CONCAT(COUNT(*), ':', COALESCE(GROUP_CONCAT(HEX(account) ORDER BY "
             "HEX(account)), '')) FROM " +
             table) +
           "|";
    }
    return s;
  };
  const std::string before = count_all();

  auto refused = mysql::init_db(db_.config());
  ASSERT_EQ(refused.problems.size(), kAccountColumns.size());
  for (const auto& p : refused.problems) {
    EXPECT_NE(p.what.find("keeps every row and value"), std::string::npos) << p.what;
    ASSERT_EQ(p.statements.size(), 1u) << p.what;
    EXPECT_NE(p.statements[0].find("MODIFY COLUMN account varchar(100) CHARACTER SET utf8mb4 "
                                   "COLLATE utf8mb4_bin"),
              std::string::npos)
        << p.statements[0];
  }
  EXPECT_EQ(collation("walmart_order"), "utf8mb4_unicode_ci") << "nothing changes without migrate";

  auto migrated = mysql::init_db(db_.config(), true);
  EXPECT_TRUE(migrated.problems.empty());
  EXPECT_EQ(migrated.migrated.size(), kAccountColumns.size());
  for (const auto& [table, _] : kAccountColumns)
    EXPECT_EQ(collation(table), "utf8mb4_bin") << table;
  EXPECT_EQ(count_all(), before);
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_fetch_watermark WHERE account = 'muller'"), "0");

  auto again = mysql::init_db(db_.config(), true);
  EXPECT_TRUE(again.problems.empty());
  EXPECT_TRUE(again.migrated.empty());
}

}  // namespace
}  // namespace etl
