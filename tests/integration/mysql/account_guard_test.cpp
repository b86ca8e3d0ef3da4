// One purchaseOrderId, one seller: the batch writer against the real MariaDB refuses an order
// whose id is stored under another account (dead letter, the stored order unchanged), writes the
// account to every table, and lets a row without an account (written before the column existed)
// be claimed.
#include "mysql/account_guard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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

// Message order decides, not the order versions are kept in: A brings order 21 first, B's copy is
// the dead letter, and A's newer version after it is written.
TEST_P(AccountGuard, InOneBatchTheFirstAccountToBringAnIdKeepsItAndItsLaterVersions) {
  auto w = writer();
  mysql::WriteBatch batch;
  batch.orders.push_back(order_for(21, "seller-a", "Created"));
  batch.orders.push_back(order_for(21, "seller-b", "Shipped"));
  batch.orders.push_back(order_for(21, "seller-a", "Acknowledged"));
  const auto r = w.write(batch);
  EXPECT_EQ(r.orders, 1u);
  EXPECT_EQ(r.superseded, 1u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_TRUE(r.rejected[0].account_conflict);
  EXPECT_EQ(r.rejected[0].batch_index, 1u);
  EXPECT_EQ(q("SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = 21"), "seller-a");
  EXPECT_EQ(q("SELECT account FROM walmart_order_raw WHERE purchaseOrderId = 21"), "seller-a");
  EXPECT_EQ(q("SELECT DISTINCT orderLineStatus FROM walmart_order WHERE purchaseOrderId = 21"),
            "Acknowledged");
  EXPECT_EQ(q("SELECT account FROM walmart_order_dead_letter WHERE purchaseOrderId = 21"),
            "seller-b");
}

// Two writers (a `load` and a `stream`) racing on the same new ids: the first holds its
// transaction open until the second is waiting for it, then commits. The second must then see the
// first one's account - every one of its orders is a dead letter, none moves to it.
TEST_P(AccountGuard, TwoConcurrentWritersOfTheSameNewIdsCannotBothClaimThem) {
  constexpr int64_t kFirst = 500;
  constexpr int kOrders = 20;
  auto batch_for = [&](const char* account) {
    mysql::WriteBatch b;
    for (int64_t id = kFirst; id < kFirst + kOrders; ++id)
      b.orders.push_back(order_for(id, account, "Created"));
    return b;
  };
  const mysql::WriteBatch batch_a = batch_for("seller-a");
  const mysql::WriteBatch batch_b = batch_for("seller-b");
  mysql::WriteResult result_b;
  std::string error_b;
  std::thread second;
  mysql::BatchWriterOptions oa;
  oa.path = GetParam();
  oa.before_commit = [&](int attempt) {
    if (attempt != 0) return;
    second = std::thread([&] {
      try {
        mysql::BatchWriterOptions ob;
        ob.path = GetParam();
        mysql::BatchWriter wb(db_.config(), ob);
        result_b = wb.write(batch_b);
      } catch (const std::exception& e) {
        error_b = e.what();
      }
    });
    // Until the second writer waits for a lock of this transaction (it reads before that, if it
    // reads outside its own transaction). MySQL cannot show INNODB_TRX while the waiting statement
    // holds binary parameters (the archive's compressed JSON: error 3854 converting trx_query),
    // so there the wait is read from performance_schema.
    auto watcher = mysql::Connection::open(db_.config());
    const std::string waits =
        test::server() == test::Server::mysql
            ? "SELECT COUNT(*) FROM performance_schema.data_lock_waits"
            : "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'";
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until && scalar(watcher, waits) == "0") {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  mysql::BatchWriter wa(db_.config(), oa);
  const auto result_a = wa.write(batch_a);
  if (second.joinable()) second.join();
  ASSERT_TRUE(error_b.empty()) << error_b;
  EXPECT_EQ(result_a.orders, static_cast<size_t>(kOrders));
  EXPECT_EQ(result_b.orders, 0u);
  EXPECT_EQ(result_b.rejected.size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw WHERE account = 'seller-a'"),
            std::to_string(kOrders));
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE account <> 'seller-a'"), "0");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_charge WHERE account <> 'seller-a'"), "0");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE account = 'seller-b'"),
            std::to_string(kOrders));
}

// Without a raw archive the claim's bare rows do not stay: the lines carry the account.
TEST_P(AccountGuard, WithoutARawArchiveNoBareRowStaysAndTheLinesStillClaim) {
  mysql::BatchWriterOptions o;
  o.path = GetParam();
  o.raw_archive = config::RawArchive::off;
  mysql::BatchWriter w(db_.config(), o);
  mysql::WriteBatch batch;
  batch.orders.push_back(order_for(31, "seller-a", "Created"));
  ASSERT_EQ(w.write(batch).orders, 1u);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0");
  mysql::WriteBatch other;
  other.orders.push_back(order_for(31, "seller-b", "Shipped"));
  const auto r = w.write(other);
  EXPECT_EQ(r.orders, 0u);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0");
  EXPECT_EQ(q("SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = 31"), "seller-a");
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
