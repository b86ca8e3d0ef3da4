// New orders cost plain INSERTs: the batch writer against the real server splits a batch into ids
// stored nowhere (plain multi-row INSERTs, no DELETE, no ON DUPLICATE KEY) and known ids (the
// upsert way), and when another writer stores a "new" id between the split and the INSERT, the
// batch falls back to the upsert way without losing or doubling a row.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include "mysql/batch_writer.hpp"
#include "mysql/schema.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

using test::sink::ChargeSpec;
using test::sink::LineSpec;
using test::sink::order_json;
using test::sink::scalar;
using test::sink::to_write;

// Version `lines` of order `id`: lines first_line.., two charges each, every line in `status`.
mysql::OrderToWrite version(int64_t id, int lines, const std::string& status,
                            const char* account = "seller-a", int first_line = 1) {
  std::vector<LineSpec> spec;
  for (int l = first_line; l < first_line + lines; ++l) {
    LineSpec line;
    line.line = l;
    line.sku = "SKU" + std::to_string(l);
    line.status = status;
    line.charges = {ChargeSpec{"PRODUCT", "10.00"}, ChargeSpec{"SHIPPING", "1.50"}};
    spec.push_back(line);
  }
  auto w = to_write(order_json(id, spec), "t/0/" + std::to_string(id));
  w.origin.account = account;
  return w;
}

class NewOrders : public ::testing::TestWithParam<mysql::WritePath> {
 protected:
  void SetUp() override {
    if (GetParam() == mysql::WritePath::bulk && test::server() == test::Server::mysql) {
      GTEST_SKIP() << "bulk array binding is MariaDB's only";
    }
  }
  NewOrders() : db_(test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  mysql::BatchWriterOptions options() const {
    mysql::BatchWriterOptions o;
    o.path = GetParam();
    return o;
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  // The number of DELETE statements `c`'s session has executed (each row of a bulk DELETE counts).
  static long deletes(mysql::Connection& c) {
    return std::stol(*c.query("SHOW SESSION STATUS LIKE 'Com_delete'").at(0).at(1));
  }
  // Every table holds order `id` exactly as version(id, lines, status) wrote it, once (no
  // archive row with the archive off).
  void expect_stored(int64_t id, int lines, const std::string& status,
                     config::RawArchive archive = config::RawArchive::compressed) {
    const std::string where = " WHERE purchaseOrderId = " + std::to_string(id);
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order" + where), std::to_string(lines)) << id;
    EXPECT_EQ(
        q("SELECT COUNT(*) FROM walmart_order" + where + " AND orderLineStatus = '" + status + "'"),
        std::to_string(lines))
        << id;
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_charge" + where), std::to_string(2 * lines))
        << id;
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw" + where),
              archive == config::RawArchive::off ? "0" : "1")
        << id;
  }
  void two_workers_at_once(config::RawArchive archive);

  test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
};

TEST_P(NewOrders, NewOrdersAreInsertedWithoutAnyDeleteAndKnownOnesReplaced) {
  mysql::BatchWriter w(db_.config(), options());
  mysql::WriteBatch first;
  for (int64_t id = 100; id < 110; ++id) first.orders.push_back(version(id, 3, "Created"));
  first.offsets.push_back({"g", "t", 0, 10, std::nullopt});
  const long before = deletes(w.connection());
  const auto r = w.write(first);
  EXPECT_EQ(deletes(w.connection()) - before, 0) << "a new order executes no DELETE";
  EXPECT_EQ(r.orders, 10u);
  EXPECT_EQ(r.new_orders, 10u);
  EXPECT_EQ(r.rows, 30u);
  EXPECT_EQ(r.charges, 60u);
  EXPECT_FALSE(r.fell_back);
  for (int64_t id = 100; id < 110; ++id) expect_stored(id, 3, "Created");

  // Known ids (and one new one) in the next batch: the known ones are replaced the upsert way -
  // the line they lost is deleted, their charges replaced as a set - the new one inserted.
  mysql::WriteBatch second;
  for (int64_t id = 100; id < 105; ++id) second.orders.push_back(version(id, 2, "Shipped"));
  second.orders.push_back(version(200, 1, "Created"));
  second.offsets.push_back({"g", "t", 0, 16, 10});
  const long before_second = deletes(w.connection());
  const auto r2 = w.write(second);
  EXPECT_GT(deletes(w.connection()) - before_second, 0) << "known orders are replaced";
  EXPECT_EQ(r2.orders, 6u);
  EXPECT_EQ(r2.new_orders, 1u);
  for (int64_t id = 100; id < 105; ++id) expect_stored(id, 2, "Shipped");
  for (int64_t id = 105; id < 110; ++id) expect_stored(id, 3, "Created");
  expect_stored(200, 1, "Created");
  EXPECT_EQ(q("SELECT next_offset FROM etl_kafka_offset WHERE partition_id = 0"), "16");
}

// With the archive off there is no archive row to claim a new id: its lines are the claim, and no
// bare row is inserted and deleted again. Known ids still go the upsert way.
TEST_P(NewOrders, WithTheArchiveOffNewOrdersExecuteNoDeleteEither) {
  auto o = options();
  o.raw_archive = config::RawArchive::off;
  mysql::BatchWriter w(db_.config(), o);
  mysql::WriteBatch first;
  for (int64_t id = 700; id < 710; ++id) first.orders.push_back(version(id, 3, "Created"));
  const long before = deletes(w.connection());
  const auto r = w.write(first);
  EXPECT_EQ(deletes(w.connection()) - before, 0) << "a new order executes no DELETE";
  EXPECT_EQ(r.new_orders, 10u);
  EXPECT_FALSE(r.fell_back);
  for (int64_t id = 700; id < 710; ++id) expect_stored(id, 3, "Created", config::RawArchive::off);

  mysql::WriteBatch second;
  for (int64_t id = 700; id < 703; ++id) second.orders.push_back(version(id, 2, "Shipped"));
  second.orders.push_back(version(720, 1, "Created"));
  const long before_second = deletes(w.connection());
  const auto r2 = w.write(second);
  EXPECT_GT(deletes(w.connection()) - before_second, 0) << "known orders are replaced";
  EXPECT_EQ(r2.orders, 4u);
  EXPECT_EQ(r2.new_orders, 1u);
  for (int64_t id = 700; id < 703; ++id) expect_stored(id, 2, "Shipped", config::RawArchive::off);
  for (int64_t id = 703; id < 710; ++id) expect_stored(id, 3, "Created", config::RawArchive::off);
  expect_stored(720, 1, "Created", config::RawArchive::off);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0") << "no claim row is left behind";
}

// With the archive off, another writer's version of a "new" id whose line numbers differ from
// this batch's collides with nothing on the key: the locked count of the batch's lines finds it,
// and the batch falls back to the upsert way, which deletes the other version's lines.
TEST_P(NewOrders, WithTheArchiveOffLinesStoredMeanwhileUnderOtherNumbersAreFound) {
  auto o = options();
  o.raw_archive = config::RawArchive::off;
  bool stored_meanwhile = false;
  o.after_split = [&] {
    if (stored_meanwhile) return;
    stored_meanwhile = true;
    mysql::BatchWriter other(db_.config(), o);
    mysql::WriteBatch b;
    b.orders.push_back(version(801, 2, "Created", "seller-a", 5));  // lines 5 and 6
    ASSERT_EQ(other.write(b).new_orders, 1u);
  };
  mysql::BatchWriter w(db_.config(), o);
  mysql::WriteBatch batch;
  for (int64_t id = 800; id < 803; ++id) batch.orders.push_back(version(id, 2, "Shipped"));
  const auto r = w.write(batch);
  ASSERT_TRUE(stored_meanwhile);
  EXPECT_TRUE(r.fell_back);
  EXPECT_EQ(r.orders, 3u);
  for (int64_t id = 800; id < 803; ++id) expect_stored(id, 2, "Shipped", config::RawArchive::off);
  EXPECT_EQ(q("SELECT MAX(lineNumber) FROM walmart_order WHERE purchaseOrderId = 801"), "2");
}

// Deterministic race: another writer stores one of the batch's "new" ids between the read that
// split the batch and its INSERT. The INSERT fails on the key, the batch is rolled back and
// written the upsert way: the newest version (this batch's) wins, nothing is doubled.
TEST_P(NewOrders, AnIdStoredByAnotherWriterAfterTheSplitFallsBackToTheUpsertWay) {
  for (const auto archive : {config::RawArchive::compressed, config::RawArchive::off}) {
    SCOPED_TRACE(archive == config::RawArchive::off ? "archive off" : "archive on");
    const int64_t base = archive == config::RawArchive::off ? 400 : 300;
    auto o = options();
    o.raw_archive = archive;
    bool stored_meanwhile = false;
    o.after_split = [&] {
      if (stored_meanwhile) return;
      stored_meanwhile = true;
      auto other_options = options();
      other_options.raw_archive = archive;
      mysql::BatchWriter other(db_.config(), other_options);
      mysql::WriteBatch b;
      b.orders.push_back(version(base + 1, 3, "Created"));
      ASSERT_EQ(other.write(b).new_orders, 1u);
    };
    mysql::BatchWriter w(db_.config(), o);
    mysql::WriteBatch batch;
    for (int64_t id = base; id < base + 4; ++id) batch.orders.push_back(version(id, 2, "Shipped"));
    const auto r = w.write(batch);
    ASSERT_TRUE(stored_meanwhile);
    EXPECT_TRUE(r.fell_back);
    EXPECT_EQ(r.new_orders, 0u);
    EXPECT_EQ(r.orders, 4u);
    EXPECT_TRUE(r.rejected.empty());
    const std::string range = " WHERE purchaseOrderId BETWEEN " + std::to_string(base) + " AND " +
                              std::to_string(base + 3);
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order" + range), "8");
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order" + range + " AND orderLineStatus = 'Shipped'"),
              "8")
        << "order " << base + 1 << " holds this batch's version, its third line deleted";
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_charge" + range), "16");
    EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw" + range),
              archive == config::RawArchive::off ? "0" : "4");
  }
}

// The fallback keeps the account guard: an id another account stored meanwhile is refused (dead
// letter), the rest of the batch written.
TEST_P(NewOrders, AnIdStoredMeanwhileUnderAnotherAccountIsADeadLetterAfterTheFallback) {
  auto o = options();
  o.after_split = [&] {
    mysql::BatchWriter other(db_.config(), options());
    mysql::WriteBatch b;
    b.orders.push_back(version(601, 1, "Created", "seller-b"));
    ASSERT_EQ(other.write(b).orders, 1u);
  };
  mysql::BatchWriter w(db_.config(), o);
  mysql::WriteBatch batch;
  for (int64_t id = 600; id < 603; ++id) batch.orders.push_back(version(id, 2, "Shipped"));
  const auto r = w.write(batch);
  EXPECT_TRUE(r.fell_back);
  EXPECT_EQ(r.orders, 2u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_TRUE(r.rejected[0].account_conflict);
  EXPECT_EQ(r.rejected[0].purchase_order_id, 601);
  EXPECT_EQ(q("SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = 601"),
            "seller-b");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE purchaseOrderId = 601"), "1");
  EXPECT_EQ(q("SELECT account FROM walmart_order_dead_letter WHERE purchaseOrderId = 601"),
            "seller-a");
  expect_stored(600, 2, "Shipped");
  expect_stored(602, 2, "Shipped");
}

// The same orders arrive in two partitions, written by two workers (two writers, two
// connections) at the same moment, round after round: whichever commits second finds the ids
// taken, falls back and replaces the first one's version. Every order ends up as exactly one of
// the two versions, whole, in every table; both partitions' offsets advance.
TEST_P(NewOrders, TheSameOrdersFromTwoPartitionsWrittenByTwoWorkersAtOnce) {
  two_workers_at_once(config::RawArchive::compressed);
}

// The same with the archive off, where the lines are the claim; worker 1's versions have other
// line numbers than worker 0's (2-3 against 1), so only the locked count can tell.
TEST_P(NewOrders, TheSameOrdersFromTwoWorkersAtOnceWithTheArchiveOff) {
  two_workers_at_once(config::RawArchive::off);
}

void NewOrders::two_workers_at_once(config::RawArchive archive) {
  const bool off = archive == config::RawArchive::off;
  constexpr int kRounds = 12;
  constexpr int64_t kOrders = 40;
  std::barrier start(2);
  std::atomic<int> fell_back{0};
  std::string errors[2];
  auto worker = [&](int partition) {
    try {
      auto o = options();
      o.raw_archive = archive;
      mysql::BatchWriter w(db_.config(), o);
      std::optional<int64_t> stored;
      for (int round = 0; round < kRounds; ++round) {
        mysql::WriteBatch b;
        for (int64_t i = 0; i < kOrders; ++i) {
          // Worker 0 brings 1-line versions, worker 1 2-line versions of the same ids.
          b.orders.push_back(version(1000 + round * kOrders + i, partition + 1,
                                     partition == 0 ? "Created" : "Shipped", "seller-a",
                                     off && partition == 1 ? 2 : 1));
        }
        const int64_t next = (round + 1) * kOrders;
        b.offsets.push_back({"g", "t", partition, next, stored});
        start.arrive_and_wait();
        const auto r = w.write(b);
        if (r.fell_back) ++fell_back;
        if (r.orders != static_cast<size_t>(kOrders) || !r.fenced.empty() || !r.rejected.empty())
          throw std::runtime_error("round " + std::to_string(round) + ": not every order written");
        stored = next;
      }
    } catch (const std::exception& e) {
      errors[partition] = e.what();
      start.arrive_and_drop();
    }
  };
  std::thread a(worker, 0);
  std::thread b(worker, 1);
  a.join();
  b.join();
  ASSERT_EQ(errors[0], "");
  ASSERT_EQ(errors[1], "");
  for (int64_t id = 1000; id < 1000 + kRounds * kOrders; ++id) {
    const std::string where = " WHERE purchaseOrderId = " + std::to_string(id);
    const std::string lines = q("SELECT COUNT(*) FROM walmart_order" + where);
    ASSERT_TRUE(lines == "1" || lines == "2") << id << ": " << lines << " lines";
    expect_stored(id, std::stoi(lines), lines == "1" ? "Created" : "Shipped", archive);
  }
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"),
            off ? "0" : std::to_string(kRounds * kOrders));
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_kafka_offset WHERE next_offset = " +
              std::to_string(kRounds * kOrders)),
            "2");
  std::printf("[ info ] %d of %d batches fell back to the upsert way\n", fell_back.load(),
              2 * kRounds);
}

INSTANTIATE_TEST_SUITE_P(Paths, NewOrders,
                         ::testing::Values(mysql::WritePath::bulk, mysql::WritePath::portable),
                         [](const auto& info) {
                           return std::string(mysql::to_string(info.param));
                         });

}  // namespace
}  // namespace etl
