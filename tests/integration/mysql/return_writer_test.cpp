// ReturnWriter against the real server (MariaDB and MySQL): every table of a return, replacement
// by a newer version in every table, older versions refused, accounts, dead letters, offsets.
#include "mysql/return_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "mysql/schema.hpp"
#include "returns/return_mapper.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

using namespace etl;
using etl::test::sink::scalar;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(ETL_SOURCE_DIR) + "/tests/fixtures/returns/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<returns::ParsedReturn> parse(const std::string& json) {
  returns::ReturnMapper m;
  returns::ReturnParseResult r = m.parse_message(json);
  EXPECT_FALSE(r.bad) << r.bad->reason;
  std::vector<returns::ParsedReturn> out;
  for (auto& o : r.returns) {
    EXPECT_TRUE(o.ok);
    if (o.ok) out.push_back(std::move(*o.ok));
  }
  return out;
}

mysql::ReturnToWrite to_write(returns::ParsedReturn r, std::string account = "main",
                              std::string source = "f.json:1") {
  mysql::ReturnToWrite w;
  w.ret = std::move(r);
  w.origin.source = std::move(source);
  w.origin.account = std::move(account);
  w.source_file = "f.json";
  return w;
}

// A return with `lines` lines, each with two events; every line's status and times from `at`.
std::string small_return(const std::string& id, int lines, const std::string& status,
                         const std::string& at, const std::string& extra = "") {
  std::string s =
      R"({"returnOrderId":")" + id + R"(","customerOrderId":"900",)" + extra +
      R"("totalRefundAmount":{"currencyAmount":12.34,"currencyUnit":"USD"},"returnOrderLines":[)";
  for (int n = 1; n <= lines; ++n) {
    if (n > 1) s += ",";
    s +=
        R"({"returnOrderLineNumber":)" + std::to_string(n) +
        R"(,"purchaseOrderId":"700","purchaseOrderLineNumber":)" + std::to_string(n) +
        R"(,"status":")" + status + R"(","statusTime":")" + at +
        R"(","charges":[{"chargeCategory":"PRODUCT","chargePerUnit":{"currencyAmount":10.00,"currencyUnit":"USD"}}],)"
        R"("returnTrackingDetail":[{"sequenceNo":0,"eventTag":"RETURN_INITIATED","eventTime":"2026-11-01T00:00:00Z"},)"
        R"({"sequenceNo":1,"eventTag":")" +
        status + R"(","eventTime":")" + at + R"("}]})";
  }
  return s + "]}";
}

class ReturnWriterTest : public ::testing::Test {
 protected:
  ReturnWriterTest() : db_(etl::test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  mysql::ReturnWriter writer(mysql::ReturnWriterOptions o = {}) {
    o.backoff_initial = std::chrono::milliseconds(10);
    o.backoff_max = std::chrono::milliseconds(50);
    return mysql::ReturnWriter(db_.config(), std::move(o));
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  std::string counts() {
    return q(
        "SELECT CONCAT_WS('/', (SELECT COUNT(*) FROM walmart_return), (SELECT COUNT(*) FROM "
        "walmart_return_line), (SELECT COUNT(*) FROM walmart_return_charge), (SELECT "
        "COUNT(*) FROM walmart_return_tracking), (SELECT COUNT(*) FROM walmart_return_raw), "
        "(SELECT COUNT(*) FROM walmart_return_dead_letter))");
  }

  etl::test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
};

TEST_F(ReturnWriterTest, WritesEveryTableOfAPageExactly) {
  auto w = writer();
  mysql::ReturnBatch b;
  for (auto& r : parse(fixture("returns_page.json"))) b.returns.push_back(to_write(std::move(r)));
  const mysql::ReturnWriteResult res = w.write(b);
  EXPECT_EQ(res.returns, 2u);
  EXPECT_EQ(res.lines, 3u);
  EXPECT_EQ(res.charges, 3u);
  EXPECT_EQ(res.events, 7u);
  EXPECT_EQ(counts(), "2/3/3/7/2/0");
  const std::string a = "'300000000000000101'";
  EXPECT_EQ(
      q("SELECT CONCAT_WS('|', totalRefundAmount, currency, returnOrderDate, status, "
        "last_event_at, line_count, customerOrderId, account) FROM walmart_return WHERE "
        "returnOrderId = " +
        a),
      "53.12|USD|2026-11-02 10:00:00.000|MIXED|2026-11-05 16:45:10.250|2|500000000000101|main");
  EXPECT_EQ(
      q("SELECT CONCAT_WS('|', purchaseOrderId, purchaseOrderLineNumber, customerOrderId, "
        "salesOrderLineNumber, quantity, refundedQty, lineTotal, isKeepIt, lastItem, "
        "statusTime, carrierName, itemWeight) FROM walmart_return_line WHERE returnOrderId = " +
        a + " AND returnOrderLineNumber = 1"),
      "400000000000101|1|500000000000101|1|1.00|1.00|31.70|0|1|2026-11-05 16:45:10.250|UPS");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', chargePerUnit, taxPerUnit, excessTax, taxNames, isBillable) "
              "FROM walmart_return_charge WHERE returnOrderId = " +
              a + " AND returnOrderLineNumber = 2"),
            "9.99|0.72|0.00|Tax1,Tax2|1");
  EXPECT_EQ(q("SELECT GROUP_CONCAT(eventTag ORDER BY sequenceNo) FROM walmart_return_tracking "
              "WHERE returnOrderId = " +
              a + " AND returnOrderLineNumber = 2"),
            "RETURN_INITIATED,RETURN_IN_TRANSIT");
  // Refunds per order line, the data-model query: exact to the cent.
  EXPECT_EQ(q("SELECT SUM((c.chargePerUnit + COALESCE(c.taxPerUnit, 0)) * l.refundedQty) FROM "
              "walmart_return_line l JOIN walmart_return_charge c USING (returnOrderId, "
              "returnOrderLineNumber) WHERE l.purchaseOrderId = 400000000000101"),
            "31.7000");
  // The archive, compressed by default, reads back as received through the view.
  const auto parsed = parse(fixture("returns_page.json"));
  EXPECT_EQ(q("SELECT payload FROM walmart_return_raw_json WHERE returnOrderId = " + a),
            parsed[0].raw_json);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_raw WHERE payload IS NULL AND payload_zlib IS "
              "NOT NULL AND account = 'main' AND source_file = 'f.json'"),
            "2");
  for (const char* t : {"walmart_return", "walmart_return_line", "walmart_return_charge",
                        "walmart_return_tracking", "walmart_return_raw"}) {
    EXPECT_EQ(q(std::string("SELECT COUNT(*) FROM ") + t +
                " WHERE account IS NULL OR account <> "
                "'main' OR load_time IS NULL"),
              "0")
        << t;
  }
  // A replay of the same versions changes nothing.
  w.write(b);
  EXPECT_EQ(counts(), "2/3/3/7/2/0");
}

TEST_F(ReturnWriterTest, ANewerVersionReplacesEveryTableAnOlderOneIsRefused) {
  auto w = writer();
  mysql::ReturnBatch v1;
  v1.returns.push_back(
      to_write(parse(small_return("R1", 3, "INITIATED", "2026-11-02T00:00:00Z"))[0]));
  w.write(v1);
  EXPECT_EQ(counts(), "1/3/3/6/1/0");

  // The newer version has fewer lines: every table holds exactly the new set.
  mysql::ReturnBatch v2;
  v2.returns.push_back(
      to_write(parse(small_return("R1", 2, "COMPLETED", "2026-11-04T00:00:00Z"))[0]));
  const auto r2 = w.write(v2);
  EXPECT_EQ(r2.returns, 1u);
  EXPECT_EQ(counts(), "1/2/2/4/1/0");
  EXPECT_EQ(q("SELECT status FROM walmart_return WHERE returnOrderId = 'R1'"), "COMPLETED");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_line WHERE status = 'COMPLETED'"), "2");

  // The older version arrives again (a replayed file): refused, nothing changes.
  const auto r3 = w.write(v1);
  EXPECT_EQ(r3.returns, 0u);
  EXPECT_EQ(r3.stale, 1u);
  EXPECT_EQ(counts(), "1/2/2/4/1/0");
  EXPECT_EQ(q("SELECT status FROM walmart_return WHERE returnOrderId = 'R1'"), "COMPLETED");

  // Same event time, later request_time: newer (fetched later).
  mysql::ReturnBatch v4;
  v4.returns.push_back(
      to_write(parse(small_return("R1", 1, "COMPLETED", "2026-11-04T00:00:00Z",
                                  R"("request_time":"2026-11-05 00:00:00",)"))[0]));
  EXPECT_EQ(w.write(v4).returns, 1u);
  EXPECT_EQ(counts(), "1/1/1/2/1/0");

  // Within one batch the newest version wins whatever the order of arrival.
  mysql::ReturnBatch mixed;
  mixed.returns.push_back(
      to_write(parse(small_return("R2", 2, "COMPLETED", "2026-11-09T00:00:00Z"))[0]));
  mixed.returns.push_back(
      to_write(parse(small_return("R2", 3, "INITIATED", "2026-11-08T00:00:00Z"))[0]));
  const auto rm = w.write(mixed);
  EXPECT_EQ(rm.returns, 1u);
  EXPECT_EQ(rm.superseded, 1u);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_line WHERE returnOrderId = 'R2'"), "2");
}

TEST_F(ReturnWriterTest, AnotherAccountsReturnIsADeadLetterAndStaysUntouched) {
  auto w = writer();
  mysql::ReturnBatch b;
  b.returns.push_back(
      to_write(parse(small_return("R1", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0], "brand-a"));
  w.write(b);
  mysql::ReturnBatch other;
  other.returns.push_back(to_write(
      parse(small_return("R1", 2, "COMPLETED", "2026-11-05T00:00:00Z"))[0], "brand-b", "g.json:1"));
  other.returns.push_back(
      to_write(parse(small_return("R3", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0], "brand-b"));
  const auto r = w.write(other);
  EXPECT_EQ(r.conflicts, 1u);
  EXPECT_EQ(r.returns, 1u);
  EXPECT_EQ(counts(), "2/2/2/4/2/1");
  EXPECT_EQ(
      q("SELECT CONCAT_WS('|', account, status) FROM walmart_return WHERE returnOrderId = 'R1'"),
      "brand-a|INITIATED");
  EXPECT_THAT(q("SELECT error_message FROM walmart_return_dead_letter WHERE returnOrderId = 'R1' "
                "AND account = 'brand-b' AND source = 'g.json:1'"),
              ::testing::HasSubstr("belongs to account 'brand-a'"));
  // Twice the same record: one dead-letter row.
  w.write(other);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_dead_letter"), "1");
}

TEST_F(ReturnWriterTest, DeadLettersOffsetsAndTheFence) {
  auto w = writer();
  mysql::ReturnBatch b;
  mysql::ReturnDeadLetter d;
  d.origin.source = "walmart_return_raw/0/5";
  d.origin.topic = "walmart_return_raw";
  d.origin.partition = 0;
  d.origin.offset = 5;
  d.origin.key = "R9";
  d.origin.account = "main";
  d.payload = "{not json";
  d.message = "invalid JSON";
  b.dead_letters.push_back(d);
  b.returns.push_back(
      to_write(parse(small_return("R1", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0]));
  b.offsets.push_back({"g-returns", "walmart_return_raw", 0, 6, std::nullopt});
  const auto r = w.write(b);
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(r.dead_letters, 1u);
  EXPECT_EQ(q("SELECT next_offset FROM etl_kafka_offset WHERE consumer_group = 'g-returns' AND "
              "topic = 'walmart_return_raw' AND partition_id = 0"),
            "6");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', source_offset, message_key, payload, record_sha256 = "
              "SHA2(payload, 256)) FROM walmart_return_dead_letter"),
            "5|R9|{not json|1");
  // A second writer that believes the partition is still new is refused, writing nothing.
  mysql::ReturnBatch stale;
  stale.returns.push_back(
      to_write(parse(small_return("R2", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0]));
  stale.offsets.push_back({"g-returns", "walmart_return_raw", 0, 7, std::nullopt});
  const auto f = w.write(stale);
  ASSERT_EQ(f.fenced.size(), 1u);
  EXPECT_EQ(f.fenced[0].found, 6);
  EXPECT_EQ(counts(), "1/1/1/2/1/1");
}

TEST_F(ReturnWriterTest, AValueTheServerRefusesSendsThatReturnAloneToTheDeadLetter) {
  auto w = writer();
  mysql::ReturnBatch b;
  auto bad = parse(small_return("R1", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0];
  bad.lines[0].sku = std::string("\xff\xfe", 2);  // not UTF-8: the server refuses the row
  b.returns.push_back(to_write(std::move(bad)));
  b.returns.push_back(
      to_write(parse(small_return("R2", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0]));
  const auto r = w.write(b);
  EXPECT_EQ(r.refused, 1u);
  EXPECT_EQ(r.returns, 1u);
  EXPECT_EQ(counts(), "1/1/1/2/1/1");
  EXPECT_EQ(q("SELECT returnOrderId FROM walmart_return"), "R2");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_dead_letter WHERE returnOrderId = 'R1' AND "
              "error_code IS NOT NULL"),
            "1");
}

TEST_F(ReturnWriterTest, PlainAndOffArchives) {
  mysql::ReturnWriterOptions plain;
  plain.raw_archive = config::RawArchive::plain;
  auto w = writer(plain);
  mysql::ReturnBatch b;
  const auto r1 = parse(small_return("R1", 1, "INITIATED", "2026-11-02T00:00:00Z"))[0];
  const std::string raw = r1.raw_json;
  b.returns.push_back(to_write(r1));
  w.write(b);
  EXPECT_EQ(q("SELECT payload FROM walmart_return_raw WHERE payload_zlib IS NULL"), raw);
  mysql::ReturnWriterOptions off;
  off.raw_archive = config::RawArchive::off;
  auto w2 = writer(off);
  mysql::ReturnBatch b2;
  b2.returns.push_back(
      to_write(parse(small_return("R1", 1, "COMPLETED", "2026-11-03T00:00:00Z"))[0]));
  w2.write(b2);
  // The claim (account, version) stays; no payload.
  EXPECT_EQ(q("SELECT CONCAT_WS('|', account, last_event_at, payload IS NULL AND payload_zlib IS "
              "NULL) FROM walmart_return_raw"),
            "main|2026-11-03 00:00:00.000|1");
}

}  // namespace
