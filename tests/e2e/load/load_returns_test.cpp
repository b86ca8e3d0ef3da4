// `walmart-etl load --data returns` as a user runs it: a saved returns page, an array and NDJSON
// of return orders, newer versions replacing older ones in every table, and the dead letters.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/utc_time.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/return_query.hpp"

using namespace etl;
using etl::test::run_binary;

namespace {

const std::string kPage = std::string(ETL_SOURCE_DIR) + "/tests/fixtures/returns/returns_page.json";

class LoadReturnsE2E : public ::testing::Test {
 protected:
  LoadReturnsE2E() : db_(etl::test::test_mysql_config()), env_(etl::test::mysql_env(db_.config())) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
    dir_ = etl::test::make_temp_dir("etl-load-returns");
  }
  ~LoadReturnsE2E() override { std::filesystem::remove_all(dir_); }

  etl::test::ProcessResult load(std::vector<std::string> args) {
    args.insert(args.begin(), {"load", "--data", "returns", "--account", "seller-a"});
    return run_binary(args, env_, std::chrono::seconds(120));
  }
  std::string write_file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string q(const std::string& sql) { return etl::test::sink::scalar(*conn_, sql); }
  std::string counts() {
    return q(
        "SELECT CONCAT_WS('/', (SELECT COUNT(*) FROM walmart_return), (SELECT COUNT(*) FROM "
        "walmart_return_line), (SELECT COUNT(*) FROM walmart_return_charge), (SELECT "
        "COUNT(*) FROM walmart_return_tracking), (SELECT COUNT(*) FROM walmart_return_raw), "
        "(SELECT COUNT(*) FROM walmart_return_dead_letter))");
  }

  etl::test::ScopedDatabase db_;
  std::map<std::string, std::string> env_;
  std::optional<mysql::Connection> conn_;
  std::string dir_;
};

// A return order as fetch would carry it, on one line.
std::string ret(const std::string& id, const std::string& status, const std::string& at,
                int lines) {
  std::string s =
      R"({"returnOrderId":")" + id + R"(","customerOrderId":"800","returnOrderLines":[)";
  for (int n = 1; n <= lines; ++n) {
    if (n > 1) s += ",";
    s +=
        R"({"returnOrderLineNumber":)" + std::to_string(n) +
        R"(,"purchaseOrderId":"600","purchaseOrderLineNumber":)" + std::to_string(n) +
        R"(,"item":{"sku":"SKU-)" + std::to_string(n) + R"("},"status":")" + status +
        R"(","statusTime":")" + at +
        R"(","refundedQty":1,"charges":[{"chargeCategory":"PRODUCT","chargePerUnit":{"currencyAmount":5.05,"currencyUnit":"USD"}}],)"
        R"("returnTrackingDetail":[{"sequenceNo":0,"eventTag":"RETURN_INITIATED","eventTime":")" +
        at + R"("}]})";
  }
  return s + "]}";
}

TEST_F(LoadReturnsE2E, ASavedPageLoadsEveryTable) {
  const auto r = load({kPage});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("loaded    2 returns from 1 record(s) in 1 file(s): 2 written, 3 lines, 3 "
                       "charges, 7 tracking events"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(counts(), "2/3/3/7/2/0");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', l.purchaseOrderId, l.purchaseOrderLineNumber, l.sku, "
              "l.refundedQty, l.account, h.totalRefundAmount, r.source_file) FROM "
              "walmart_return_line l JOIN walmart_return h USING (returnOrderId) JOIN "
              "walmart_return_raw r USING (returnOrderId) WHERE l.returnOrderLineNumber = 1 AND "
              "returnOrderId = '300000000000000101'"),
            "400000000000101|1|BOWL-2PK|1.00|seller-a|53.12|returns_page.json");
  // Re-loading the same page changes nothing.
  ASSERT_EQ(load({kPage}).exit_code, 0);
  EXPECT_EQ(counts(), "2/3/3/7/2/0");
}

TEST_F(LoadReturnsE2E, ArraysNdjsonNewerVersionsAndDeadLetters) {
  const std::string array =
      write_file("v1.json", "[" + ret("R1", "INITIATED", "2026-11-02T00:00:00Z", 3) + ",\n" +
                                ret("R2", "INITIATED", "2026-11-02T00:00:00Z", 1) + "]");
  auto r = load({array});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(counts(), "2/4/4/4/2/0");
  // NDJSON: R1 again, newer and with one line; an older R2 (kept out); a bad line; a bad return.
  const std::string nd = write_file(
      "v2.ndjson", ret("R1", "COMPLETED", "2026-11-06T00:00:00Z", 1) + "\n" +
                       ret("R2", "INITIATED", "2026-11-01T00:00:00Z", 2) + "\n" +
                       "{\"returnOrderId\": \"R3\", oops}\n" +
                       R"({"returnOrderId":"R4","returnOrderLines":[{"status":"X"}]})" + "\n");
  r = load({nd});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(1 older than the stored version, kept)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dead      2 dead letter(s): 2 bad record(s)"), std::string::npos) << r.out;
  EXPECT_EQ(counts(), "2/2/2/2/2/2");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', status, line_count) FROM walmart_return WHERE returnOrderId "
              "= 'R1'"),
            "COMPLETED|1");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_line WHERE returnOrderId = 'R2'"), "1");
  EXPECT_EQ(q("SELECT GROUP_CONCAT(source ORDER BY source) FROM walmart_return_dead_letter WHERE "
              "account = 'seller-a'"),
            "v2.ndjson:3,v2.ndjson:4");
  EXPECT_NE(q("SELECT error_message FROM walmart_return_dead_letter WHERE returnOrderId = 'R4'")
                .find("returnOrderLineNumber: is missing"),
            std::string::npos);
  // Returned lines per SKU (the newest versions only: R1's lines 2 and 3 are gone).
  EXPECT_EQ(q("SELECT GROUP_CONCAT(CONCAT(sku, '=', n) ORDER BY sku) FROM (SELECT sku, COUNT(*) "
              "AS n FROM walmart_return_line GROUP BY sku) x"),
            "SKU-1=2");
}

// The simulator's returns, as GET /v3/returns renders them, loaded through the binary: every line,
// charge and tracking event lands once, and the refunds add up to the cent.
TEST_F(LoadReturnsE2E, TheSimulatorsReturnsLoadExactly) {
  const int64_t now = *parse_iso8601_ms("2026-11-20T12:00:00Z");
  const walmart::sim::OrderModel model(11, 120, now - 50 * kDayMs);
  const auto all = walmart::sim::all_returns(model, 11, now);
  ASSERT_GT(all.size(), 50u);
  std::string ndjson;
  size_t lines = 0;
  size_t events = 0;
  int64_t refunded_cents = 0;
  for (const auto& r : all) {
    walmart::sim::render_return(ndjson, r, now);
    ndjson += '\n';
    for (size_t k = 0; k < r.line_count; ++k) {
      const auto& l = r.lines[k];
      const size_t shown = l.shown(now);
      events += shown + 1;
      if (l.events[shown].step == walmart::sim::ReturnStep::refund_issued) {
        const auto& p = walmart::sim::products()[r.order.lines[l.order_line].product];
        const int64_t tax = (p.unit_price_cents * r.tax_rate_bp + 5000) / 10000;
        refunded_cents += (p.unit_price_cents + tax) * l.quantity;
      }
    }
    lines += r.line_count;
  }
  const auto r = load({write_file("sim.ndjson", ndjson)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(counts(), std::to_string(all.size()) + "/" + std::to_string(lines) + "/" +
                          std::to_string(lines) + "/" + std::to_string(events) + "/" +
                          std::to_string(all.size()) + "/0");
  EXPECT_EQ(q("SELECT CAST(SUM((c.chargePerUnit + COALESCE(c.taxPerUnit, 0)) * l.refundedQty) * "
              "100 AS SIGNED) FROM walmart_return_line l JOIN walmart_return_charge c USING "
              "(returnOrderId, returnOrderLineNumber)"),
            std::to_string(refunded_cents));
  // Every return line joins its order line.
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_return_line WHERE purchaseOrderId IS NULL OR "
              "purchaseOrderLineNumber IS NULL OR customerOrderId IS NULL"),
            "0");
}

TEST_F(LoadReturnsE2E, AnUnknownDataSetIsAUsageError) {
  const auto r = run_binary({"load", "--data", "refunds", kPage}, env_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--data"), std::string::npos) << r.err;
}

}  // namespace
