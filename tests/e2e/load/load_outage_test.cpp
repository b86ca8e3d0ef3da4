// The database server stopped in the middle of `walmart-etl load`: the load retries, then fails
// with a clear message and exit code 1; every committed transaction is whole (no order has part of
// its lines or charges), nothing after the failure is there, and re-running the load completes it.
// Uses a PRIVATE server of the kind under test (scripts/mariadb-local.sh or mysql-local.sh in a
// temp dir, on a free port), never the shared test server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/private_server.hpp"
#include "support/test_env.hpp"

using namespace etl;
using namespace etl::test::sink;

namespace {

constexpr int64_t kBase = 7000000;
constexpr int kOrders = 60000;  // ~120k rows: several seconds of load even on a fast machine

TEST(LoadOutage, ServerStoppedMidLoadRetriesThenFailsClearlyAndNothingIsHalfWritten) {
  etl::test::PrivateServer server;
  ASSERT_TRUE(server.start()) << server.log();
  const auto cfg = server.config("ods_outage");
  mysql::init_db(cfg);

  const std::string dir = etl::test::make_temp_dir("etl-outage");
  const std::string file = dir + "/big.ndjson";
  {
    std::ofstream out(file);
    for (int i = 0; i < kOrders; ++i) {
      std::vector<LineSpec> lines;
      for (int l = 1; l <= 1 + i % 3; ++l) {
        std::vector<ChargeSpec> charges{{"PRODUCT", "3.10"}};
        if (l % 2 == 0) charges.push_back({"SHIPPING", "0.99"});
        lines.push_back({l, "SKU" + std::to_string(l), "1", charges});
      }
      out << order_json(kBase + i, lines) << '\n';
    }
  }
  auto env = etl::test::mysql_env(cfg);
  env["WALMART_ETL_STREAM__MAX_RETRIES"] = "2";
  env["WALMART_ETL_STREAM__RETRY_BACKOFF_INITIAL_MS"] = "200";
  env["WALMART_ETL_STREAM__RETRY_BACKOFF_MAX_MS"] = "500";

  etl::test::ProcessResult result;
  std::thread loader([&] {
    result = etl::test::run_binary({"load", "--account", "seller-a", "--batch-rows", "1000", file},
                                   env, std::chrono::seconds(180));
  });
  {
    auto watcher = mysql::Connection::open(cfg);
    const bool started = etl::test::wait_until(
        [&] { return std::stoi(scalar(watcher, "SELECT COUNT(*) FROM walmart_order_raw")) > 0; },
        std::chrono::seconds(60));
    EXPECT_TRUE(started) << "the load never committed a batch";
  }
  ASSERT_TRUE(server.stop()) << server.log();
  loader.join();

  std::cerr << "load's stdout:\n"
            << result.out << "load's stderr (last 2000 bytes):\n"
            << result.err.substr(result.err.size() > 2000 ? result.err.size() - 2000 : 0) << "\n";
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(
      result.err.find("MySQL write failed after 3 attempt(s), nothing of this batch was committed"),
      std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("load incomplete:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("re-running the same load is safe"), std::string::npos) << result.err;

  ASSERT_TRUE(server.start()) << server.log();
  auto c = mysql::Connection::open(cfg);
  const int committed = std::stoi(scalar(c, "SELECT COUNT(*) FROM walmart_order_raw"));
  EXPECT_GT(committed, 0);
  EXPECT_LT(committed, kOrders) << "the server was stopped too late to test anything";
  // Committed orders are a prefix of the file (batches commit in order)...
  EXPECT_EQ(
      scalar(c, "SELECT MAX(purchaseOrderId) - MIN(purchaseOrderId) + 1 FROM walmart_order_raw"),
      std::to_string(committed));
  EXPECT_EQ(scalar(c, "SELECT MIN(purchaseOrderId) FROM walmart_order_raw"), std::to_string(kBase));
  // ...and each one is whole: all its lines and charges, and nothing of any other order.
  const std::string b = std::to_string(kBase);
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM walmart_order_raw r WHERE (SELECT COUNT(*) FROM "
                   "walmart_order o WHERE "
                   "o.purchaseOrderId = r.purchaseOrderId) <> 1 + MOD(r.purchaseOrderId - " +
                       b + ", 3)"),
            "0");
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM walmart_order_raw r WHERE (SELECT COUNT(*) FROM "
                   "walmart_order_charge o "
                   "WHERE o.purchaseOrderId = r.purchaseOrderId) <> 1 + MOD(r.purchaseOrderId - " +
                       b + ", 3) + IF(MOD(r.purchaseOrderId - " + b + ", 3) >= 1, 1, 0)"),
            "0");
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM walmart_order o LEFT JOIN walmart_order_raw r USING "
                   "(purchaseOrderId) "
                   "WHERE r.purchaseOrderId IS NULL"),
            "0");
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM walmart_order_charge o LEFT JOIN walmart_order_raw r "
                   "USING (purchaseOrderId) "
                   "WHERE r.purchaseOrderId IS NULL"),
            "0");

  // The same load again completes it.
  const auto again = etl::test::run_binary({"load", "--account", "seller-a", file}, env,
                                           std::chrono::seconds(180));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order_raw"), std::to_string(kOrders));
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order"), std::to_string(kOrders / 3 * 6));
  std::filesystem::remove_all(dir);
}

}  // namespace
