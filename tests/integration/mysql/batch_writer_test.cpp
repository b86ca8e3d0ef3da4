// BatchWriter against the real server (MariaDB or MySQL: registered once per server), on both
// write paths: MariaDB bulk array binding and the portable multi-row statements MySQL needs (the
// bulk path is MariaDB's only; on MySQL its cases are skipped).
#include "mysql/batch_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "mysql/schema.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

using namespace etl;
using namespace etl::test::sink;
using mysql::WritePath;

namespace {

bool bulk_unavailable(WritePath p) {
  return p == WritePath::bulk && etl::test::server() == etl::test::Server::mysql;
}

class BatchWriterTest : public ::testing::TestWithParam<WritePath> {
 protected:
  void SetUp() override {
    if (bulk_unavailable(GetParam())) GTEST_SKIP() << "bulk array binding is MariaDB's only";
  }
  BatchWriterTest() : db_(etl::test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  mysql::BatchWriter writer(mysql::BatchWriterOptions o = {}) {
    o.path = GetParam();
    o.backoff_initial = std::chrono::milliseconds(10);
    o.backoff_max = std::chrono::milliseconds(50);
    return mysql::BatchWriter(db_.config(), std::move(o));
  }
  std::vector<mysql::Row> table(const std::string& t) {
    return dump(*conn_, db_.config().database, t);
  }
  // Kills the newest other session on the test database (the writer's), from `killer`.
  void kill_writer_session(mysql::Connection& killer) {
    const auto id = scalar(
        killer, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = " +
                    killer.quote(db_.config().database) +
                    " AND ID <> CONNECTION_ID() AND USER = " + killer.quote(db_.config().user) +
                    " AND COMMAND <> 'Daemon' ORDER BY ID DESC LIMIT 1");
    killer.execute("KILL CONNECTION " + id);
  }
  std::string count(const std::string& t) { return scalar(*conn_, "SELECT COUNT(*) FROM " + t); }

  etl::test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
};

mysql::BatchWriterOptions retries(int n) {
  mysql::BatchWriterOptions o;
  o.max_retries = n;
  return o;
}

mysql::Row R(std::initializer_list<const char*> v) {
  mysql::Row r;
  for (const char* s : v) r.push_back(s ? std::optional<std::string>(s) : std::nullopt);
  return r;
}

TEST_P(BatchWriterTest, UsesTheRequestedPath) {
  auto w = writer();
  EXPECT_EQ(w.active_path(), GetParam());
}

TEST_P(BatchWriterTest, WritesLinesChargesRawAndCountsThem) {
  auto w = writer();
  mysql::WriteBatch b;
  b.orders.push_back(
      to_write(order_json(101, {{1, "A", "1", {{"PRODUCT", "24.99"}, {"SHIPPING", "0"}}},
                                {2, "B", "2", {{"PRODUCT", "15.98"}}}}),
               "t.json:1"));
  b.orders.push_back(to_write(order_json(102, {{7, "C"}}), "t.json:2"));
  const auto r = w.write(b);
  EXPECT_EQ(r.orders, 2u);
  EXPECT_EQ(r.rows, 3u);
  EXPECT_EQ(r.charges, 4u);
  EXPECT_EQ(r.retries, 0u);

  // The key, the lines and one column from each group; every column is compared in tests/e2e/load.
  auto rows = conn_->query(
      "SELECT purchaseOrderId, lineNumber, sku, quantity, chargeAmount, source_file, city, "
      "request_time, orderDate_formatted, load_time IS NOT NULL FROM walmart_order "
      "ORDER BY 1, 2");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], R({"101", "1", "A", "1", "24.99", "test.json", "Bentonville",
                        "2024-05-02 17:05:41", "2024-05-01 14:23:11", "1"}));
  EXPECT_EQ(rows[1], R({"101", "2", "B", "2", "15.98", "test.json", "Bentonville",
                        "2024-05-02 17:05:41", "2024-05-01 14:23:11", "1"}));
  EXPECT_EQ(rows[2], R({"102", "7", "C", "1", "10.00", "test.json", "Bentonville",
                        "2024-05-02 17:05:41", "2024-05-01 14:23:11", "1"}));
  EXPECT_EQ(table("walmart_order_charge"),
            (std::vector<mysql::Row>{
                R({"101", "1", "1", "PRODUCT", "PRODUCT-name", "24.99", "USD", "Tax1", "0.50"}),
                R({"101", "1", "2", "SHIPPING", "SHIPPING-name", "0.00", "USD", "Tax1", "0.50"}),
                R({"101", "2", "1", "PRODUCT", "PRODUCT-name", "15.98", "USD", "Tax1", "0.50"}),
                R({"102", "7", "1", "PRODUCT", "PRODUCT-name", "10.00", "USD", "Tax1", "0.50"})}));
  auto raw = table("walmart_order_raw_json");
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(*raw[0][0], "101");
  EXPECT_EQ(*raw[0][1], std::string(b.orders[0].order.raw_json));
  EXPECT_EQ(*raw[0][2], "2024-05-02 17:05:41");
  EXPECT_FALSE(raw[0][3] || raw[0][4] || raw[0][5]);  // no topic/partition/offset for a file
  EXPECT_EQ(*raw[0][6], "test.json");
}

TEST_P(BatchWriterTest, NewerVersionReplacesLinesChargesAndRaw) {
  auto w = writer();
  mysql::WriteBatch v1;
  v1.orders.push_back(
      to_write(order_json(200,
                          {{1, "A", "1", {{"PRODUCT", "1.00"}, {"SHIPPING", "2.00"}}},
                           {2, "B", "1", {{"PRODUCT", "3.00"}}},
                           {3, "C", "1", {{"PRODUCT", "4.00"}}}},
                          "Oldtown"),
               "v1"));
  v1.orders.push_back(to_write(order_json(201, {{1, "X"}}), "other"));
  w.write(v1);
  ASSERT_EQ(count("walmart_order"), "4");
  ASSERT_EQ(count("walmart_order_charge"), "5");

  // Version 2: line 2 disappeared, line 1 lost its SHIPPING charge, line 3 changed, city changed.
  mysql::WriteBatch v2;
  v2.orders.push_back(to_write(order_json(200,
                                          {{1, "A", "1", {{"PRODUCT", "1.00"}}},
                                           {3, "C2", "5", {{"PRODUCT", "9.99"}, {"FEE", "0.10"}}}},
                                          "Newtown", "2024-06-01 00:00:00"),
                               "v2"));
  const auto r = w.write(v2);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.charges, 3u);

  EXPECT_EQ(
      conn_->query("SELECT purchaseOrderId, lineNumber, sku, quantity, city, request_time FROM "
                   "walmart_order "
                   "ORDER BY 1, 2"),
      (std::vector<mysql::Row>{R({"200", "1", "A", "1", "Newtown", "2024-06-01 00:00:00"}),
                               R({"200", "3", "C2", "5", "Newtown", "2024-06-01 00:00:00"}),
                               R({"201", "1", "X", "1", "Bentonville", "2024-05-02 17:05:41"})}));
  EXPECT_EQ(
      conn_->query("SELECT purchaseOrderId, lineNumber, chargeSeq, chargeType, chargeAmount FROM "
                   "walmart_order_charge ORDER BY 1, 2, 3"),
      (std::vector<mysql::Row>{
          R({"200", "1", "1", "PRODUCT", "1.00"}), R({"200", "3", "1", "PRODUCT", "9.99"}),
          R({"200", "3", "2", "FEE", "0.10"}), R({"201", "1", "1", "PRODUCT", "10.00"})}));
  EXPECT_EQ(
      scalar(*conn_, "SELECT payload FROM walmart_order_raw_json WHERE purchaseOrderId = 200"),
      std::string(v2.orders[0].order.raw_json));
  EXPECT_EQ(
      scalar(*conn_, "SELECT request_time FROM walmart_order_raw_json WHERE purchaseOrderId = 200"),
      "2024-06-01 00:00:00");
}

TEST_P(BatchWriterTest, AVersionWithoutLinesRemovesTheOldLinesButKeepsRaw) {
  auto w = writer();
  mysql::WriteBatch v1;
  v1.orders.push_back(to_write(order_json(300, {{1, "A"}, {2, "B"}}), "v1"));
  w.write(v1);
  mysql::WriteBatch v2;
  v2.orders.push_back(to_write(order_json(300, {}), "v2"));
  const auto r = w.write(v2);
  EXPECT_EQ(r.orders, 1u);
  EXPECT_EQ(r.rows, 0u);
  EXPECT_EQ(count("walmart_order"), "0");
  EXPECT_EQ(count("walmart_order_charge"), "0");
  EXPECT_EQ(
      scalar(*conn_, "SELECT payload FROM walmart_order_raw_json WHERE purchaseOrderId = 300"),
      std::string(v2.orders[0].order.raw_json));
}

TEST_P(BatchWriterTest, OnlyTheLastVersionInABatchIsWritten) {
  auto w = writer();
  mysql::WriteBatch b;
  b.orders.push_back(to_write(order_json(400, {{1, "OLD"}, {2, "OLD2"}}), "f:1"));
  b.orders.push_back(to_write(order_json(401, {{1, "OTHER"}}), "f:2"));
  b.orders.push_back(to_write(order_json(400, {{1, "NEW"}}), "f:3"));
  const auto r = w.write(b);
  EXPECT_EQ(r.superseded, 1u);
  EXPECT_EQ(r.orders, 2u);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(
      conn_->query("SELECT purchaseOrderId, lineNumber, sku FROM walmart_order ORDER BY 1, 2"),
      (std::vector<mysql::Row>{R({"400", "1", "NEW"}), R({"401", "1", "OTHER"})}));
}

TEST_P(BatchWriterTest, RewritingTheSameDataChangesOnlyLoadTime) {
  auto w = writer();
  auto make = [] {
    mysql::WriteBatch b;
    b.orders.push_back(to_write(
        order_json(500, {{1, "A", "2", {{"PRODUCT", "5.55"}, {"FEE", "1"}}}, {2, "B"}}), "f:1"));
    b.orders.push_back(to_write(order_json(501, {{1, "C"}}), "f:2"));
    return b;
  };
  w.write(make());
  const auto before = std::vector{table("walmart_order"), table("walmart_order_charge"),
                                  table("walmart_order_raw_json")};
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw"}) {
    conn_->execute(std::string("UPDATE ") + t + " SET load_time = '2001-01-01 00:00:00'");
  }
  w.write(make());
  const auto after = std::vector{table("walmart_order"), table("walmart_order_charge"),
                                 table("walmart_order_raw_json")};
  EXPECT_EQ(before, after);
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw"}) {
    // load_time is "now" in UTC again (the session and the server clock agree within a minute).
    EXPECT_EQ(scalar(*conn_, std::string("SELECT COUNT(*) FROM ") + t +
                                 " WHERE load_time < UTC_TIMESTAMP() - INTERVAL 1 MINUTE OR "
                                 "load_time > UTC_TIMESTAMP()"),
              "0")
        << t;
  }
}

TEST_P(BatchWriterTest, DeadLettersAreRecordedOnceAndOffsetsCommitWithTheRows) {
  auto w = writer();
  mysql::WriteBatch b;
  mysql::DeadLetter d;
  d.origin = {"walmart_order_raw/2/17", 0, "walmart_order_raw", 2, 17, "key-17"};
  d.payload = std::string("{not json\x01\xff", 12);
  d.message = "invalid JSON: missing quote";
  b.dead_letters.push_back(d);
  b.offsets.push_back({"g1", "walmart_order_raw", 2, 18, std::nullopt});
  b.offsets.push_back({"g1", "walmart_order_raw", 0, 5, std::nullopt});
  b.orders.push_back(to_write(order_json(600, {{1, "A"}}), "walmart_order_raw/0/4"));
  auto r = w.write(b);
  EXPECT_EQ(r.dead_letters, 1u);
  EXPECT_EQ(r.offsets, 2u);
  b.offsets = {{"g1", "walmart_order_raw", 2, 25, 18}};
  r = w.write(b);  // a replay of the same dead letter
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(table("walmart_order_dead_letter"),
            (std::vector<mysql::Row>{
                {"walmart_order_raw/2/17", "0", "walmart_order_raw", "2", "17", "key-17",
                 std::nullopt, std::string("{not json\x01\xff", 12), "bad_record", std::nullopt,
                 "invalid JSON: missing quote",
                 "f4dc4504d854b60ebe75f4b29754c846fd6f9ba12d6086cd759cf55a6ed300a5"}}));
  EXPECT_EQ(table("etl_kafka_offset"),
            (std::vector<mysql::Row>{R({"g1", "walmart_order_raw", "0", "5"}),
                                     R({"g1", "walmart_order_raw", "2", "25"})}));
  // The stored digest is the one SQL computes from the stored payload.
  EXPECT_EQ(count("walmart_order_dead_letter WHERE record_sha256 = SHA2(payload, 256)"), "1");
}

// Another record under a source name seen before (every `load -` is "stdin", a re-created
// topic's offsets repeat) gets its own dead letter; the same record again stays one.
TEST_P(BatchWriterTest, DeadLettersOfDifferentRecordsUnderOneSourceNeverReplaceEachOther) {
  auto w = writer();
  auto letter = [](const std::string& payload, const std::string& message) {
    mysql::DeadLetter d;
    d.origin = {"stdin:1", 0, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    d.payload = payload;
    d.message = message;
    return d;
  };
  for (const auto& [payload, message] :
       std::vector<std::pair<std::string, std::string>>{{"{first broken", "first"},
                                                        {"[second broken", "second"},
                                                        {"{first broken", "first, again"}}) {
    mysql::WriteBatch b;
    b.dead_letters.push_back(letter(payload, message));
    w.write(b);
  }
  const auto rows =
      conn_->query("SELECT payload, error_message FROM walmart_order_dead_letter ORDER BY payload");
  ASSERT_EQ(rows.size(), 2u)
      << "a different record replaced an earlier one, or a replay added a row";
  EXPECT_EQ(*rows[0][0], "[second broken");
  EXPECT_EQ(*rows[1][0], "{first broken");
  EXPECT_EQ(*rows[1][1], "first, again");  // a replay keeps one row, with the newest reason
}

// The offset fence (mysql/offset_fence.hpp): a batch commits only if every partition's stored
// offset is the one the writer expects; otherwise nothing of it is written.
TEST_P(BatchWriterTest, OffsetsAreFencedOnTheValueTheWriterExpects) {
  auto w = writer();
  auto batch = [](int64_t id, std::vector<mysql::OffsetUpdate> offsets) {
    mysql::WriteBatch b;
    b.orders.push_back(to_write(order_json(id, {{1, "A"}}), "t/0/" + std::to_string(id)));
    mysql::DeadLetter d;
    d.origin.source = "t/0/dl" + std::to_string(id);
    d.payload = "{";
    d.message = "truncated JSON";
    b.dead_letters.push_back(d);
    b.offsets = std::move(offsets);
    return b;
  };
  auto r = w.write(batch(800, {{"g", "t", 0, 10, std::nullopt}}));  // no row yet: inserted
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(r.orders, 1u);

  r = w.write(batch(801, {{"g", "t", 0, 20, 5}}));  // expects 5, MySQL holds 10
  ASSERT_EQ(r.fenced.size(), 1u);
  EXPECT_EQ(r.fenced[0].partition, 0);
  EXPECT_EQ(r.fenced[0].expected, std::optional<int64_t>(5));
  EXPECT_EQ(r.fenced[0].found, std::optional<int64_t>(10));
  EXPECT_FALSE(r.fenced[0].already_written());
  EXPECT_NE(r.fenced[0].describe().find("expected 5"), std::string::npos) << r.fenced[0].describe();
  EXPECT_EQ(r.orders, 0u);
  EXPECT_EQ(r.dead_letters, 0u);

  r = w.write(batch(802, {{"g", "t", 0, 20, std::nullopt}}));  // expects no row: there is one
  ASSERT_EQ(r.fenced.size(), 1u);
  EXPECT_EQ(r.fenced[0].found, std::optional<int64_t>(10));

  r = w.write(batch(803, {{"g", "t", 0, 10, 3}}));  // MySQL already holds this batch's result
  ASSERT_EQ(r.fenced.size(), 1u);
  EXPECT_TRUE(r.fenced[0].already_written());

  // Two partitions, one of them fenced: the other's offset move is rolled back with everything.
  r = w.write(batch(804, {{"g", "t", 0, 20, 10}, {"g", "t", 1, 7, 4}}));
  ASSERT_EQ(r.fenced.size(), 1u);
  EXPECT_EQ(r.fenced[0].partition, 1);
  EXPECT_EQ(r.fenced[0].found, std::nullopt);

  EXPECT_EQ(
      scalar(*conn_, "SELECT GROUP_CONCAT(purchaseOrderId ORDER BY 1) FROM walmart_order_raw"),
      "800");
  EXPECT_EQ(scalar(*conn_, "SELECT GROUP_CONCAT(source ORDER BY 1) FROM walmart_order_dead_letter"),
            "t/0/dl800");
  EXPECT_EQ(table("etl_kafka_offset"), (std::vector<mysql::Row>{R({"g", "t", "0", "10"})}));

  r = w.write(batch(805, {{"g", "t", 0, 20, 10}, {"g", "t", 1, 7, std::nullopt}}));  // as expected
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(
      scalar(*conn_, "SELECT GROUP_CONCAT(purchaseOrderId ORDER BY 1) FROM walmart_order_raw"),
      "800,805");
  EXPECT_EQ(table("etl_kafka_offset"),
            (std::vector<mysql::Row>{R({"g", "t", "0", "20"}), R({"g", "t", "1", "7"})}));
}

// Two writers of one partition at the same time (a stalled old owner and the new one): the second
// waits for the first's transaction, then finds the offset moved and writes nothing.
TEST_P(BatchWriterTest, ASecondWriterOfAPartitionWaitsThenIsFencedOut) {
  for (const std::optional<int64_t> start :
       {std::optional<int64_t>(), std::optional<int64_t>(40)}) {
    SCOPED_TRACE(start ? "row present" : "no row yet");
    conn_->execute("DELETE FROM etl_kafka_offset");
    if (start)
      conn_->execute("INSERT INTO etl_kafka_offset VALUES ('g', 't', 3, 40, UTC_TIMESTAMP())");
    const int64_t base = start.value_or(0);
    mysql::WriteBatch mine;
    mine.orders.push_back(to_write(order_json(900 + base, {{1, "A"}}), "mine"));
    mine.offsets = {{"g", "t", 3, base + 10, start}};
    mysql::WriteBatch theirs;
    theirs.orders.push_back(to_write(order_json(901 + base, {{1, "B"}}), "theirs"));
    theirs.offsets = {{"g", "t", 3, base + 12, start}};

    auto other = writer();
    std::future<mysql::WriteResult> second;
    mysql::BatchWriterOptions o;
    o.before_commit = [&](int) {
      second = std::async(std::launch::async, [&] { return other.write(theirs); });
      // The second writer is now blocked on the offset row this transaction holds.
      EXPECT_EQ(second.wait_for(std::chrono::milliseconds(400)), std::future_status::timeout);
    };
    auto first = writer(o);
    const auto r1 = first.write(mine);
    EXPECT_TRUE(r1.fenced.empty());
    const auto r2 = second.get();
    ASSERT_EQ(r2.fenced.size(), 1u);
    EXPECT_EQ(r2.fenced[0].found, std::optional<int64_t>(base + 10));
    EXPECT_EQ(scalar(*conn_, "SELECT COUNT(*) FROM walmart_order_raw WHERE purchaseOrderId = " +
                                 std::to_string(901 + base)),
              "0");
    EXPECT_EQ(scalar(*conn_, "SELECT next_offset FROM etl_kafka_offset"),
              std::to_string(base + 10));
  }
}

// Values the server refuses in strict mode: the mapping never produces them, so they are set by
// hand. The writer must find exactly these orders, dead-letter them with the server's message,
// and write every other order of the batch.
TEST_P(BatchWriterTest, RowLevelErrorsDeadLetterOnlyTheOrdersAtFault) {
  static const std::string long_sku(51, 'S');  // sku is VARCHAR(50): 1406
  static const std::string long_charge(51,
                                       'T');  // chargeType VARCHAR(50) in the charge table: 1406
  auto w = writer();
  mysql::WriteBatch b;
  for (int i = 0; i < 9; ++i) {
    b.orders.push_back(to_write(order_json(700 + i, {{1, "OK"}, {2, "OK2"}}),
                                "bad.json:" + std::to_string(i + 1)));
  }
  b.orders[2].order.lines[1].sku = long_sku;
  b.orders[6].order.charges[0].charge_type = long_charge;
  b.orders[7].order.lines[0].quantity = int64_t{1} << 40;  // INT out of range: 1264
  mysql::DeadLetter parse_failure;
  parse_failure.origin.source = "bad.json:99";
  parse_failure.payload = "[";
  parse_failure.message = "truncated JSON";
  b.dead_letters.push_back(parse_failure);
  b.offsets.push_back({"g", "t", 0, 10, std::nullopt});
  const auto r = w.write(b);
  EXPECT_EQ(r.orders, 6u);
  EXPECT_EQ(r.rows, 12u);
  ASSERT_EQ(r.rejected.size(), 3u);
  EXPECT_EQ(r.rejected[0].purchase_order_id, 702);
  EXPECT_EQ(r.rejected[0].error_code, 1406);
  EXPECT_NE(r.rejected[0].message.find("sku"), std::string::npos) << r.rejected[0].message;
  EXPECT_EQ(r.rejected[1].purchase_order_id, 706);
  EXPECT_EQ(r.rejected[1].error_code, 1406);
  EXPECT_EQ(r.rejected[2].purchase_order_id, 707);
  EXPECT_EQ(r.rejected[2].error_code, 1264);
  EXPECT_EQ(r.dead_letters, 4u);

  EXPECT_EQ(
      scalar(*conn_, "SELECT GROUP_CONCAT(DISTINCT purchaseOrderId ORDER BY 1) FROM walmart_order"),
      "700,701,703,704,705,708");
  EXPECT_EQ(
      scalar(*conn_, "SELECT GROUP_CONCAT(purchaseOrderId ORDER BY 1) FROM walmart_order_raw"),
      "700,701,703,704,705,708");
  EXPECT_EQ(count("walmart_order_charge"), "12");
  auto letters = conn_->query(
      "SELECT source, record_index, purchaseOrderId, error_class, error_code, error_message, "
      "payload "
      "FROM walmart_order_dead_letter ORDER BY source");
  ASSERT_EQ(letters.size(), 4u);
  EXPECT_EQ(*letters[0][0], "bad.json:3");
  EXPECT_EQ(*letters[0][2], "702");
  EXPECT_EQ(*letters[0][3], "bad_record");
  EXPECT_EQ(*letters[0][4], "1406");
  EXPECT_NE(letters[0][5]->find("Data too long for column 'sku'"), std::string::npos)
      << *letters[0][5];
  EXPECT_EQ(*letters[0][6], std::string(b.orders[2].order.raw_json));
  EXPECT_EQ(*letters[1][0], "bad.json:7");
  EXPECT_NE(letters[1][5]->find("chargeType"), std::string::npos) << *letters[1][5];
  EXPECT_EQ(*letters[2][0], "bad.json:8");
  EXPECT_EQ(*letters[2][4], "1264");
  EXPECT_EQ(*letters[3][0], "bad.json:99");
  EXPECT_EQ(table("etl_kafka_offset"), (std::vector<mysql::Row>{R({"g", "t", "0", "10"})}));
}

TEST_P(BatchWriterTest, LargeBatchesAreSplitIntoStatementsWithinTheByteBudget) {
  mysql::BatchWriterOptions o;
  o.max_statement_bytes = 64 * 1024;  // forces many statements (and, portable, many sizes)
  auto w = writer(o);
  mysql::WriteBatch b;
  for (int i = 0; i < 1500; ++i) {
    std::vector<LineSpec> lines;
    for (int l = 1; l <= 1 + i % 4; ++l) lines.push_back({l, "S" + std::to_string(l)});
    b.orders.push_back(to_write(order_json(10000 + i, lines), "big:" + std::to_string(i)));
  }
  const auto r = w.write(b);
  EXPECT_EQ(r.orders, 1500u);
  EXPECT_EQ(r.rows, 3750u);
  EXPECT_EQ(count("walmart_order"), "3750");
  EXPECT_EQ(count("walmart_order_charge"), "3750");
  EXPECT_EQ(count("walmart_order_raw"), "1500");
}

TEST_P(BatchWriterTest, ALostConnectionBeforeCommitIsRetriedOnANewConnection) {
  mysql::BatchWriterOptions o;
  auto killer = mysql::Connection::open(db_.config());
  o.before_commit = [&](int attempt) {
    if (attempt == 0) kill_writer_session(killer);  // its COMMIT fails with "server gone/lost"
  };
  auto w = writer(o);
  mysql::WriteBatch b;
  b.orders.push_back(to_write(order_json(800, {{1, "A"}}), "f:1"));
  const auto r = w.write(b);
  EXPECT_EQ(r.retries, 1u);
  EXPECT_EQ(count("walmart_order"), "1");
}

TEST_P(BatchWriterTest, AConnectionLostAtCommitIsReportedAsInDoubtNotAsRolledBack) {
  mysql::BatchWriterOptions o;
  o.max_retries = 0;
  auto killer = mysql::Connection::open(db_.config());
  o.before_commit = [&](int) { kill_writer_session(killer); };
  auto w = writer(o);
  mysql::WriteBatch b;
  b.orders.push_back(to_write(order_json(850, {{1, "A"}}), "f:1"));
  try {
    w.write(b);
    FAIL() << "expected the lost connection to fail the write";
  } catch (const EtlError& e) {
    // The client cannot know whether the server committed: it must not claim it did not.
    EXPECT_TRUE(w.last_commit_in_doubt());
    EXPECT_EQ(std::string(e.what()).find("nothing of this batch was committed"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown"), std::string::npos) << e.what();
  }
  // A failure before COMMIT is known to be rolled back, and says so.
  auto w2 = writer(retries(0));
  w2.connection().execute("SET SESSION innodb_lock_wait_timeout = 1");
  auto locker = mysql::Connection::open(db_.config());
  locker.begin();
  locker.query("SELECT * FROM walmart_order_raw FOR UPDATE");
  mysql::WriteBatch b2;
  b2.orders.push_back(to_write(order_json(851, {{1, "A"}}), "f:2"));
  try {
    w2.write(b2);
    FAIL() << "expected a lock wait timeout";
  } catch (const EtlError& e) {
    EXPECT_FALSE(w2.last_commit_in_doubt());
    EXPECT_NE(std::string(e.what()).find("nothing of this batch was committed"), std::string::npos)
        << e.what();
  }
  locker.rollback();
}

// walmart_order_raw keeps the JSON compressed (default), plain, or not at all; the view gives it
// back either way, and the server's own UNCOMPRESS() reads what the client compressed.
TEST_P(BatchWriterTest, TheRawArchiveIsCompressedPlainOrOff) {
  const std::string json = order_json(950, {{1, "A"}, {2, "B"}});
  for (auto mode :
       {config::RawArchive::compressed, config::RawArchive::plain, config::RawArchive::off}) {
    conn_->execute("DELETE FROM walmart_order_raw");
    mysql::BatchWriterOptions o;
    o.raw_archive = mode;
    auto w = writer(o);
    mysql::WriteBatch b;
    b.orders.push_back(to_write(json, "f:1"));
    w.write(b);
    EXPECT_EQ(count("walmart_order"), "2");
    if (mode == config::RawArchive::off) {
      EXPECT_EQ(count("walmart_order_raw"), "0");
      continue;
    }
    const bool compressed = mode == config::RawArchive::compressed;
    EXPECT_EQ(scalar(*conn_, "SELECT payload IS NULL FROM walmart_order_raw"),
              compressed ? "1" : "0");
    EXPECT_EQ(scalar(*conn_, "SELECT payload_zlib IS NULL FROM walmart_order_raw"),
              compressed ? "0" : "1");
    EXPECT_EQ(
        scalar(*conn_, "SELECT payload FROM walmart_order_raw_json WHERE purchaseOrderId = 950"),
        json);
    EXPECT_EQ(scalar(*conn_,
                     "SELECT JSON_VALUE(payload, '$.purchaseOrderId') FROM walmart_order_raw_json"),
              "950");
    if (compressed) {
      EXPECT_EQ(
          scalar(*conn_,
                 "SELECT CONVERT(UNCOMPRESS(payload_zlib) USING utf8mb4) FROM walmart_order_raw"),
          json);
      EXPECT_LT(std::stoul(scalar(*conn_, "SELECT LENGTH(payload_zlib) FROM walmart_order_raw")),
                json.size());
    }
  }
}

TEST_P(BatchWriterTest, LockWaitTimeoutsAreRetriedThenReportedAsRetriable) {
  auto w = writer(retries(1));
  mysql::WriteBatch b;
  b.orders.push_back(to_write(order_json(900, {{1, "A"}}), "f:1"));
  w.write(b);
  w.connection().execute("SET SESSION innodb_lock_wait_timeout = 1");
  auto locker = mysql::Connection::open(db_.config());
  locker.begin();
  locker.query("SELECT * FROM walmart_order_raw WHERE purchaseOrderId = 900 FOR UPDATE");
  try {
    w.write(b);
    FAIL() << "expected a retriable error";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::retriable);
    EXPECT_EQ(e.error().code, 1205);
    EXPECT_NE(std::string(e.what()).find("after 2 attempt(s)"), std::string::npos) << e.what();
  }
  locker.rollback();
  const auto r = w.write(b);
  EXPECT_EQ(r.orders, 1u);
}

TEST_P(BatchWriterTest, AMissingTableIsFatalAndNothingIsWritten) {
  auto w = writer();
  conn_->execute("DROP TABLE walmart_order_charge");
  mysql::WriteBatch b;
  b.orders.push_back(to_write(order_json(1000, {{1, "A"}}), "f:1"));
  try {
    w.write(b);
    FAIL() << "expected a fatal error";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::fatal);
    EXPECT_EQ(e.error().code, 1146);
  }
  EXPECT_EQ(count("walmart_order"), "0");
  EXPECT_EQ(count("walmart_order_raw"), "0");
}

// Two writers (two stream workers) upserting interleaved orders at the same time must not
// deadlock each other: gaps locked by the deletes of absent rows would, at REPEATABLE READ.
TEST_P(BatchWriterTest, ConcurrentWritersOfInterleavedOrdersDoNotDeadlock) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex m;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      try {
        auto writer = this->writer(retries(0));  // any deadlock or lock wait fails the test
        for (int round = 0; round < 12; ++round) {
          mysql::WriteBatch b;
          for (int i = 0; i < 200; ++i) {
            const int64_t id = 3000000 + (round % 6) * 1000 + i * 2 + w;  // rounds 6..11 update
            std::vector<LineSpec> lines;
            for (int l = 1; l <= 1 + (i + round) % 3; ++l) lines.push_back({l, "S"});
            b.orders.push_back(to_write(order_json(id, lines), "w" + std::to_string(w)));
          }
          writer.write(b);
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(m);
        if (failures++ == 0) first_failure = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_EQ(count("walmart_order_raw"), "2400");
}

INSTANTIATE_TEST_SUITE_P(Paths, BatchWriterTest,
                         ::testing::Values(WritePath::bulk, WritePath::portable),
                         [](const auto& info) {
                           return std::string(mysql::to_string(info.param));
                         });

// The two paths must leave byte-identical tables for the same sequence of batches.
TEST(BatchWriterPaths, BulkAndPortableGiveIdenticalTables) {
  if (bulk_unavailable(WritePath::bulk)) GTEST_SKIP() << "bulk array binding is MariaDB's only";
  std::map<WritePath, std::vector<std::vector<mysql::Row>>> result;
  static const std::string long_sku(60, 'L');
  for (WritePath p : {WritePath::bulk, WritePath::portable}) {
    etl::test::ScopedDatabase db(etl::test::test_mysql_config());
    mysql::init_db(db.config());
    mysql::BatchWriterOptions o;
    o.path = p;
    mysql::BatchWriter w(db.config(), o);
    for (int round = 0; round < 3; ++round) {
      mysql::WriteBatch b;
      for (int i = 0; i < 300; ++i) {
        const int id = 5000 + (i * 7 + round * 3) % 400;  // overlapping orders across rounds
        std::vector<LineSpec> lines;
        for (int l = 1; l <= 1 + (i + round) % 4; ++l) {
          std::vector<ChargeSpec> charges{{"PRODUCT", std::to_string(l + round) + ".25"}};
          if ((i + l) % 3 == 0) charges.push_back({"SHIPPING", "4.99"});
          lines.push_back({l + (round == 2 && l > 1 ? 1 : 0), "S" + std::to_string(round),
                           std::to_string(l), charges});
        }
        b.orders.push_back(to_write(order_json(id, lines, round == 1 ? "Ümlaut 城市 🚚" : "Plain"),
                                    "r" + std::to_string(round) + ":" + std::to_string(i)));
      }
      b.orders[13].order.lines[0].sku = long_sku;  // one refused order per round
      b.offsets.push_back({"g", "t", round, round * 100, std::nullopt});
      w.write(b);
    }
    auto c = mysql::Connection::open(db.config());
    for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw",
                          "walmart_order_dead_letter", "etl_kafka_offset"}) {
      result[p].push_back(dump(c, db.config().database, t));
    }
  }
  ASSERT_EQ(result[WritePath::bulk].size(), result[WritePath::portable].size());
  EXPECT_GT(result[WritePath::bulk][0].size(), 500u);
  EXPECT_EQ(result[WritePath::bulk][3].size(), 3u);
  for (size_t t = 0; t < result[WritePath::bulk].size(); ++t) {
    EXPECT_TRUE(result[WritePath::bulk][t] == result[WritePath::portable][t])
        << "table #" << t << " differs";
  }
}

}  // namespace
