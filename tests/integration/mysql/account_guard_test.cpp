// One purchaseOrderId, one seller: the batch writer against the real MariaDB refuses an order
// whose id is stored under another account (dead letter, the stored order unchanged), writes the
// account to every table, and lets a row without an account (written before the column existed)
// be claimed.
#include "mysql/account_guard.hpp"

#include <gtest/gtest.h>

#include "mysql/batch_writer.hpp"
#include "mysql/schema.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

using test::sink::LineSpec;
using test::sink::order_json;
using test::sink::scalar;
using test::sink::to_write;

TEST(AccountConflict, OnlyAnotherStoredAccountConflicts) {
  const mysql::StoredAccounts stored{{1, "a"}};
  EXPECT_FALSE(mysql::account_conflict(stored, 1, std::string("a")));
  EXPECT_FALSE(mysql::account_conflict(stored, 2, std::string("b")));  // not stored yet
  EXPECT_FALSE(mysql::account_conflict(stored, 1, std::nullopt));      // nothing to compare
  const auto why = mysql::account_conflict(stored, 1, std::string("b"));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("purchaseOrderId 1 is already stored for account 'a', this record is for "
                      "account 'b'"),
            std::string::npos)
      << *why;
}

mysql::OrderToWrite order_for(int64_t id, const char* account, const std::string& status) {
  LineSpec line;
  line.status = status;
  auto w = to_write(order_json(id, {line, LineSpec{2, "SKU2"}}), "t/0/" + std::to_string(id));
  if (account != nullptr) w.origin.account = account;
  return w;
}

class AccountGuard : public ::testing::TestWithParam<mysql::WritePath> {
 protected:
  void SetUp() override {
    if (GetParam() == mysql::WritePath::bulk && test::server() == test::Server::mysql) {
      GTEST_SKIP() << "bulk array binding is MariaDB's only";
    }
  }
  AccountGuard() : db_(test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  mysql::BatchWriter writer() {
    mysql::BatchWriterOptions o;
    o.path = GetParam();
    return mysql::BatchWriter(db_.config(), o);
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }

  test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
};

TEST_P(AccountGuard, AnIdStoredUnderAnotherAccountIsADeadLetterAndTheRowStays) {
  auto w = writer();
  mysql::WriteBatch first;
  first.orders.push_back(order_for(1, "seller-a", "Created"));
  ASSERT_EQ(w.write(first).orders, 1u);
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw"}) {
    EXPECT_EQ(q(std::string("SELECT COUNT(*) FROM ") + t + " WHERE account = 'seller-a'"),
              t == std::string("walmart_order_raw") ? "1" : "2")
        << t;
  }

  // In one batch: seller-b's copy of seller-a's id is refused, and does not hide seller-a's own
  // newer version behind it (a copy under another account is not a newer version).
  mysql::WriteBatch second;
  second.orders.push_back(order_for(1, "seller-a", "Acknowledged"));
  second.orders.push_back(order_for(2, "seller-b", "Created"));
  second.orders.push_back(order_for(1, "seller-b", "Shipped"));  // seller-a's id
  const auto refused = w.write(second);
  EXPECT_EQ(refused.orders, 2u);  // order 2, and seller-a's newer version of order 1
  EXPECT_EQ(refused.superseded, 0u);
  ASSERT_EQ(refused.rejected.size(), 1u);
  EXPECT_TRUE(refused.rejected[0].account_conflict);
  EXPECT_EQ(refused.rejected[0].batch_index, 2u);
  EXPECT_EQ(q("SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = 1"), "seller-a");
  EXPECT_EQ(q("SELECT DISTINCT orderLineStatus FROM walmart_order WHERE purchaseOrderId = 1"),
            "Acknowledged");
  EXPECT_EQ(q("SELECT account FROM walmart_order_dead_letter WHERE purchaseOrderId = 1"),
            "seller-b");
  EXPECT_EQ(q("SELECT error_code IS NULL FROM walmart_order_dead_letter WHERE purchaseOrderId = 1"),
            "1");
  EXPECT_NE(q("SELECT error_message FROM walmart_order_dead_letter WHERE purchaseOrderId = 1")
                .find("already stored for account 'seller-a'"),
            std::string::npos);
  EXPECT_NE(
      q("SELECT payload FROM walmart_order_dead_letter WHERE purchaseOrderId = 1").find("Shipped"),
      std::string::npos)
      << "the refused order is kept whole";
}

TEST_P(AccountGuard, AnIdNewInTheBatchBelongsToTheFirstAccountThatBringsIt) {
  auto w = writer();
  mysql::WriteBatch batch;
  batch.orders.push_back(order_for(9, "seller-x", "Created"));
  batch.orders.push_back(order_for(9, "seller-y", "Shipped"));
  const auto r = w.write(batch);
  EXPECT_EQ(r.orders, 1u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].batch_index, 1u);
  EXPECT_EQ(q("SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = 9"), "seller-x");
  EXPECT_EQ(q("SELECT account FROM walmart_order_dead_letter WHERE purchaseOrderId = 9"),
            "seller-y");
}

TEST_P(AccountGuard, ARowWithoutAnAccountIsClaimedByTheNextWrite) {
  auto w = writer();
  mysql::WriteBatch old;
  old.orders.push_back(order_for(7, nullptr, "Created"));  // as before the column existed
  ASSERT_EQ(w.write(old).orders, 1u);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE account IS NULL"), "2");
  mysql::WriteBatch claimed;
  claimed.orders.push_back(order_for(7, "seller-c", "Shipped"));
  const auto r = w.write(claimed);
  EXPECT_EQ(r.orders, 1u);
  EXPECT_TRUE(r.rejected.empty());
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE account = 'seller-c'"), "2");
  EXPECT_EQ(q("SELECT account FROM walmart_order_raw WHERE purchaseOrderId = 7"), "seller-c");
}

INSTANTIATE_TEST_SUITE_P(Paths, AccountGuard,
                         ::testing::Values(mysql::WritePath::bulk, mysql::WritePath::portable),
                         [](const auto& info) {
                           return std::string(mysql::to_string(info.param));
                         });

}  // namespace
}  // namespace etl
