// `walmart-etl load` as a user runs it, against the real MariaDB: every column of every row, the
// input layouts, re-loads, newer versions, dead letters, refused rows, and the clear failures.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "support/background_process.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

using namespace etl;
using namespace etl::test::sink;
using etl::test::run_binary;

namespace {

const std::string kFixtures = std::string(ETL_SOURCE_DIR) + "/tests/fixtures/load/";
const std::optional<std::string> N;  // SQL NULL

mysql::Row R(std::initializer_list<std::optional<std::string>> v) { return mysql::Row(v); }

// walmart_order for the two orders of the API example page (fixture api_page_7_2.json), all 51
// written columns in table order (load_time is checked apart). Values worked out from the example
// by hand: epoch ms -> UTC.
std::vector<mysql::Row> expected_orders(const std::string& source_file,
                                        const std::optional<std::string>& request_time) {
  const auto o1 = [&](std::initializer_list<std::optional<std::string>> line) {
    mysql::Row r{"1817645120031",
                 "5391204487712",
                 "9F2C41A07D3B4E58A61C0B7E33D9A4F2@relay.walmart.com",
                 "1714573391000",
                 "2024-05-01 14:23:11",
                 "SellerFulfilled",
                 N,
                 N,
                 source_file,
                 "4795550142",
                 "1715108400000",
                 "2024-05-07 19:00:00",
                 "1714716000000",
                 "2024-05-03 06:00:00",
                 "Standard",
                 "Jordan Avery",
                 "1200 SE Walton Blvd",
                 N,
                 "Bentonville",
                 "AR",
                 "72712",
                 "USA",
                 "RESIDENTIAL"};
    r.insert(r.end(), line);
    r.push_back(request_time);
    return r;
  };
  const auto o2 = [&](std::initializer_list<std::optional<std::string>> line) {
    mysql::Row r{"2817645987412",
                 "5391198830245",
                 "0B6E2D94C1F84A7B9E3A55D0C8172E6B@relay.walmart.com",
                 "1714516917000",
                 "2024-04-30 22:41:57",
                 "SellerFulfilled",
                 N,
                 N,
                 source_file,
                 "3125550187",
                 "1715022000000",
                 "2024-05-06 19:00:00",
                 "1714629600000",
                 "2024-05-02 06:00:00",
                 "Value",
                 "Priya Raman",
                 "455 N Cityfront Plaza Dr",
                 "Apt 4B",
                 "Chicago",
                 "IL",
                 "60611",
                 "USA",
                 "RESIDENTIAL"};
    r.insert(r.end(), line);
    r.push_back(request_time);
    return r;
  };
  return {
      // lineNumber .. trackingURL (columns 24-50)
      o1({"1",
          "WB-32-BLK",
          "Stainless Steel Insulated Water Bottle, 32 oz, Black",
          N,
          "1",
          "EACH",
          "1714573540000",
          "2024-05-01 14:25:40",
          "S2H",
          "STANDARD",
          N,
          N,
          "PRODUCT",
          "ItemPrice",
          "24.99",
          "USD",
          "2.37",
          "Tax1",
          "Created",
          "1",
          N,
          N,
          N,
          N,
          N,
          N,
          N}),
      o1({"2",
          "LID-STRAW-2PK",
          "Silicone Straw Lid Replacement, 2 Pack",
          N,
          "2",
          "EACH",
          "1714573540000",
          "2024-05-01 14:25:40",
          "S2H",
          "STANDARD",
          N,
          N,
          "PRODUCT",
          "ItemPrice",
          "15.98",
          "USD",
          "1.52",
          "Tax1",
          "Created",
          "2",
          N,
          N,
          N,
          N,
          N,
          N,
          N}),
      o2({"1",
          "CB-BAMBOO-3",
          "Bamboo Cutting Board Set, 3 Piece",
          N,
          "1",
          "EACH",
          "1714554930000",
          "2024-05-01 09:15:30",
          "S2H",
          "VALUE",
          N,
          N,
          "PRODUCT",
          "ItemPrice",
          "29.50",
          "USD",
          "3.02",
          "Tax1",
          "Cancelled",
          "1",
          "SELLER_CANCEL_OUT_OF_STOCK",
          N,
          N,
          N,
          N,
          N,
          N}),
      o2({"2",
          "SPOON-BEECH-5",
          "Beechwood Cooking Spoon Set, 5 Piece",
          N,
          "1",
          "EACH",
          "1714668432000",
          "2024-05-02 16:47:12",
          "S2H",
          "VALUE",
          N,
          N,
          "PRODUCT",
          "ItemPrice",
          "12.00",
          "USD",
          "1.23",
          "Tax1",
          "Shipped",
          "1",
          N,
          "1714668000000",
          "2024-05-02 16:40:00",
          "UPS",
          N,
          "1Z999AA10123456784",
          "https://www.walmart.com/"
          "tracking?tracking_id=1Z999AA10123456784&order_id=2817645987412"}),
  };
}

const std::vector<mysql::Row> kExpectedCharges = {
    R({"1817645120031", "1", "1", "PRODUCT", "ItemPrice", "24.99", "USD", "Tax1", "2.37"}),
    R({"1817645120031", "1", "2", "SHIPPING", "Shipping", "0.00", "USD", N, N}),
    R({"1817645120031", "2", "1", "PRODUCT", "ItemPrice", "15.98", "USD", "Tax1", "1.52"}),
    R({"2817645987412", "1", "1", "PRODUCT", "ItemPrice", "29.50", "USD", "Tax1", "3.02"}),
    R({"2817645987412", "2", "1", "PRODUCT", "ItemPrice", "12.00", "USD", "Tax1", "1.23"}),
    R({"2817645987412", "2", "2", "SHIPPING", "Shipping", "4.99", "USD", N, N}),
};

class LoadE2E : public ::testing::Test {
 protected:
  LoadE2E() : db_(etl::test::test_mysql_config()), env_(etl::test::mysql_env(db_.config())) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
    dir_ = etl::test::make_temp_dir("etl-load");
  }
  ~LoadE2E() override { std::filesystem::remove_all(dir_); }

  etl::test::ProcessResult load(std::vector<std::string> args, const std::string& cwd = "") {
    args.insert(args.begin(), {"load", "--account", "seller-a"});
    return run_binary(args, env_, std::chrono::seconds(120), cwd);
  }
  std::string write_file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::vector<mysql::Row> table(const std::string& t) {
    return dump(*conn_, db_.config().database, t);
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }

  etl::test::ScopedDatabase db_;
  std::map<std::string, std::string> env_;
  std::optional<mysql::Connection> conn_;
  std::string dir_;
};

TEST_F(LoadE2E, AnApiPageLoadsEveryColumnExactly) {
  const auto r = load({kFixtures + "api_page_7_2.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("loaded    2 orders from 2 record(s) in 1 file(s): 4 rows, 6 charges"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dead      0 dead letter(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rows/s"), std::string::npos) << r.out;

  EXPECT_EQ(table("walmart_order"), expected_orders("api_page_7_2.json", N));
  EXPECT_EQ(table("walmart_order_charge"), kExpectedCharges);
  // load_time: UTC now, on every row of every table.
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw_json"}) {
    EXPECT_EQ(q(std::string("SELECT COUNT(*) FROM ") + t +
                " WHERE load_time IS NULL OR load_time < UTC_TIMESTAMP() - INTERVAL 5 MINUTE OR "
                "load_time > UTC_TIMESTAMP()"),
              "0")
        << t;
  }
  // walmart_order_raw: each order object exactly as it is in the file.
  std::ifstream in(kFixtures + "api_page_7_2.json");
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto raw = table("walmart_order_raw_json");
  ASSERT_EQ(raw.size(), 2u);
  for (const auto& row : raw) {
    EXPECT_NE(page.find(*row[1]), std::string::npos)
        << "raw payload is not a verbatim slice of the page";
    EXPECT_EQ(row[1]->front(), '{');
    EXPECT_EQ(row[1]->back(), '}');
    EXPECT_NE(row[1]->find("\"purchaseOrderId\": \"" + *row[0] + "\""), std::string::npos);
    EXPECT_EQ(mysql::Row(row.begin() + 2, row.end()), R({N, N, N, N, "api_page_7_2.json"}));
  }
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter"), "0");
}

TEST_F(LoadE2E, AJsonArrayFileThenAnNdjsonFileOfTheSameOrders) {
  auto r = load({kFixtures + "orders_array.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(table("walmart_order"), expected_orders("orders_array.json", "2024-05-02 17:05:41"));
  EXPECT_EQ(table("walmart_order_charge"), kExpectedCharges);

  // The same orders again, one per line (each order's raw JSON), written through the portable
  // path: every row replaced by the newer version (source_file changes); nothing else changes.
  std::string ndjson;
  for (const auto& row : table("walmart_order_raw_json")) {
    std::string one_line = *row[1];  // the fixture is pretty-printed; its strings hold no newline
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    ndjson += one_line + "\n";
  }
  const std::string path = write_file("orders.ndjson", ndjson);
  r = run_binary({"load", "--account", "seller-a", "--write-path", "portable", path}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(table("walmart_order"), expected_orders("orders.ndjson", "2024-05-02 17:05:41"));
  EXPECT_EQ(table("walmart_order_charge"), kExpectedCharges);
}

TEST_F(LoadE2E, DashReadsStdinAndNamesItStdin) {
  const std::string input = write_file("in.ndjson", order_json(77, {{1, "A"}}) + "\n{broken\n");
  std::string env;
  for (const auto& [k, v] : env_) env += k + "='" + v + "' ";
  const std::string cmd = "cd " + dir_ + " && env " + env + ETL_BINARY_PATH +
                          " load --account seller-a - < " + input + " > " + dir_ + "/out 2> " +
                          dir_ + "/err";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream out(dir_ + "/out");
  const std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("loaded    1 orders from 2 record(s) in 1 file(s): 1 rows"),
            std::string::npos)
      << text;
  EXPECT_EQ(q("SELECT source_file FROM walmart_order WHERE purchaseOrderId = 77"), "stdin");
  EXPECT_EQ(q("SELECT CONCAT(source, '#', record_index) FROM walmart_order_dead_letter"),
            "stdin:2#1");
}

// Dead letters are keyed on their source, index and content: another record under a name seen
// before never replaces the earlier one; the same record loaded again stays one row.
TEST_F(LoadE2E, DeadLettersFromSourcesOfTheSameNameAreAllKept) {
  std::string env;
  for (const auto& [k, v] : env_) env += k + "='" + v + "' ";
  auto load_stdin = [&](const std::string& content) {
    const std::string input = write_file("piped.ndjson", content);
    const std::string cmd = "cd " + dir_ + " && env " + env + ETL_BINARY_PATH +
                            " load --account seller-a - < " + input + " > " + dir_ + "/out 2> " +
                            dir_ + "/err";
    return std::system(cmd.c_str());
  };
  // Two `zcat ... | load -` runs, each with a different bad first line: both are "stdin:1".
  ASSERT_EQ(load_stdin("{first broken\n" + order_json(91, {{1, "A"}}) + "\n"), 0);
  ASSERT_EQ(load_stdin("{second broken\n" + order_json(92, {{1, "A"}}) + "\n"), 0);
  ASSERT_EQ(load_stdin("{first broken\n" + order_json(91, {{1, "A"}}) + "\n"), 0);  // a replay
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE source = 'stdin:1'"), "2");

  // One base name in two folders, and names that differ only in case (the collation ignores it).
  std::filesystem::create_directories(dir_ + "/a");
  std::filesystem::create_directories(dir_ + "/b");
  const auto a = write_file("a/orders.json", "{broken in a\n");
  const auto b = write_file("b/orders.json", "{broken in b\n");
  const auto upper = write_file("Orders.json", "{broken upper\n");
  ASSERT_EQ(load({a}).exit_code, 0);
  ASSERT_EQ(load({b}).exit_code, 0);
  ASSERT_EQ(load({upper}).exit_code, 0);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE source LIKE 'orders.json:%'"),
            "3")
      << "a dead letter was replaced by another file's";
  for (const char* text : {"{broken in a", "{broken in b", "{broken upper"}) {
    EXPECT_EQ(q(std::string("SELECT COUNT(*) FROM walmart_order_dead_letter WHERE payload LIKE '") +
                text + "%'"),
              "1")
        << text;
  }
}

TEST_F(LoadE2E, ReloadingTheSameFileChangesNothingButLoadTime) {
  ASSERT_EQ(load({kFixtures + "api_page_7_2.json"}).exit_code, 0);
  const auto before = std::vector{table("walmart_order"), table("walmart_order_charge"),
                                  table("walmart_order_raw_json")};
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw_json"}) {
    conn_->execute(std::string("UPDATE ") + t + " SET load_time = '2000-01-01 00:00:00'");
  }
  const auto r = load({kFixtures + "api_page_7_2.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto after = std::vector{table("walmart_order"), table("walmart_order_charge"),
                                 table("walmart_order_raw_json")};
  EXPECT_EQ(before, after);
  for (const char* t : {"walmart_order", "walmart_order_charge", "walmart_order_raw_json"}) {
    EXPECT_EQ(
        q(std::string("SELECT COUNT(*) FROM ") + t + " WHERE load_time = '2000-01-01 00:00:00'"),
        "0")
        << t;
  }
}

TEST_F(LoadE2E, ANewerVersionReplacesLinesChargesAndRaw) {
  const auto v1 = write_file(
      "v1.ndjson",
      order_json(42,
                 {{1, "A", "1", {{"PRODUCT", "1.00"}, {"SHIPPING", "2.00"}}}, {2, "B"}, {3, "C"}}) +
          "\n" + order_json(43, {{1, "K"}}) + "\n");
  ASSERT_EQ(load({v1}).exit_code, 0);
  // v2: line 2 disappeared, line 1's SHIPPING charge disappeared, line 3 changed.
  const std::string v2_order =
      order_json(42, {{1, "A", "1", {{"PRODUCT", "1.00"}}}, {3, "C2", "4"}}, "Elsewhere");
  const auto v2 = write_file("v2.ndjson", v2_order + "\n");
  const auto r = load({v2});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(conn_->query("SELECT purchaseOrderId, lineNumber, sku, quantity, city, source_file "
                         "FROM walmart_order ORDER BY 1, 2"),
            (std::vector<mysql::Row>{R({"42", "1", "A", "1", "Elsewhere", "v2.ndjson"}),
                                     R({"42", "3", "C2", "4", "Elsewhere", "v2.ndjson"}),
                                     R({"43", "1", "K", "1", "Bentonville", "v1.ndjson"})}));
  EXPECT_EQ(conn_->query("SELECT purchaseOrderId, lineNumber, chargeSeq, chargeType FROM "
                         "walmart_order_charge ORDER BY 1, 2, 3"),
            (std::vector<mysql::Row>{R({"42", "1", "1", "PRODUCT"}), R({"42", "3", "1", "PRODUCT"}),
                                     R({"43", "1", "1", "PRODUCT"})}));
  EXPECT_EQ(q("SELECT payload FROM walmart_order_raw_json WHERE purchaseOrderId = 42"), v2_order);
  EXPECT_EQ(q("SELECT source_file FROM walmart_order_raw_json WHERE purchaseOrderId = 42"),
            "v2.ndjson");
}

TEST_F(LoadE2E, BadRecordsGoToTheDeadLetterWithReasonAndSourceAndTheRestLoads) {
  const std::string good1 = order_json(1, {{1, "A"}});
  const std::string good2 = order_json(2, {{1, "B"}});
  const std::string no_id = R"({"customerOrderId":"5","orderLines":null})";
  const std::string dup_lines = order_json(3, {{1, "A"}, {1, "B"}});
  const std::string path =
      write_file("mixed.ndjson", good1 + "\n{\"purchaseOrderId\": \"9\", \n" + no_id + "\n\n" +
                                     dup_lines + "\n" + good2 + "\n");
  const auto r = load({path});
  ASSERT_EQ(r.exit_code, 0) << r.err;  // every record was loaded or dead-lettered
  EXPECT_NE(r.out.find("loaded    2 orders from 5 record(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dead      3 dead letter(s): 3 bad record(s), 0 order(s) refused by MySQL"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(q("SELECT GROUP_CONCAT(purchaseOrderId ORDER BY 1) FROM walmart_order"), "1,2");
  const auto letters = conn_->query(
      "SELECT source, record_index, source_topic, source_partition, source_offset, message_key, "
      "purchaseOrderId, "
      "payload, error_class, error_code, error_message FROM walmart_order_dead_letter ORDER BY "
      "source");
  ASSERT_EQ(letters.size(), 3u);
  EXPECT_EQ(
      mysql::Row(letters[0].begin(), letters[0].end() - 1),
      R({"mixed.ndjson:2", "1", N, N, N, N, N, "{\"purchaseOrderId\": \"9\",", "bad_record", N}));
  EXPECT_NE(letters[0][10]->find("JSON"), std::string::npos) << *letters[0][10];
  EXPECT_EQ(mysql::Row(letters[1].begin(), letters[1].end() - 1),
            R({"mixed.ndjson:3", "2", N, N, N, N, N, no_id, "bad_record", N}));
  EXPECT_NE(letters[1][10]->find("purchaseOrderId"), std::string::npos) << *letters[1][10];
  EXPECT_EQ(mysql::Row(letters[2].begin(), letters[2].end() - 1),
            R({"mixed.ndjson:5", "3", N, N, N, N, "3", dup_lines, "bad_record", N}));
  EXPECT_NE(letters[2][10]->find("lineNumber"), std::string::npos) << *letters[2][10];

  // Loading the file again records each rejection once.
  ASSERT_EQ(load({path}).exit_code, 0);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_dead_letter"), "3");
}

TEST_F(LoadE2E, ARowTheServerRefusesIsDeadLetteredWithTheServersMessage) {
  // A value the mapping accepts but this server refuses: a trigger raising MySQL's own
  // "data too long" error (1406) for one SKU, as a stricter column or constraint would.
  conn_->execute(
      "CREATE TRIGGER refuse_sku BEFORE INSERT ON walmart_order FOR EACH ROW "
      "IF NEW.sku = 'REFUSED' THEN SIGNAL SQLSTATE '22001' SET MYSQL_ERRNO = 1406, "
      "MESSAGE_TEXT = 'Data too long for column ''sku'' at row 1'; END IF");
  std::string ndjson;
  for (int i = 1; i <= 50; ++i)
    ndjson += order_json(100 + i, {{1, i == 17 ? "REFUSED" : "OK"}, {2, "OK"}}) + "\n";
  const auto path = write_file("refused.ndjson", ndjson);
  const auto r = load({path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("loaded    50 orders from 50 record(s) in 1 file(s): 98 rows"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 order(s) refused by MySQL"), std::string::npos) << r.out;
  EXPECT_EQ(q("SELECT COUNT(DISTINCT purchaseOrderId) FROM walmart_order"), "49");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE purchaseOrderId = 117"), "0");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw WHERE purchaseOrderId = 117"), "0");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_charge WHERE purchaseOrderId = 117"), "0");
  const auto letter = conn_->query(
      "SELECT source, record_index, purchaseOrderId, error_class, error_code, error_message FROM "
      "walmart_order_dead_letter");
  ASSERT_EQ(letter.size(), 1u);
  EXPECT_EQ(mysql::Row(letter[0].begin(), letter[0].end() - 1),
            R({"refused.ndjson:17", "16", "117", "bad_record", "1406"}));
  EXPECT_NE(letter[0][5]->find("Data too long for column 'sku'"), std::string::npos)
      << *letter[0][5];
}

TEST_F(LoadE2E, InvalidUtf8InTheInputOrTheFileNameIsNeverFatal) {
  // A Latin-1 file name (bytes, not UTF-8) and a record with an invalid UTF-8 byte.
  const auto path =
      write_file("caf\xE9.ndjson",
                 order_json(5, {{1, "A"}}) + "\n{\"purchaseOrderId\":\"6\",\"x\":\"\xFF\"}\n");
  const auto r = load({path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(q("SELECT source_file FROM walmart_order WHERE purchaseOrderId = 5"),
            "caf\xEF\xBF\xBD.ndjson");
  EXPECT_EQ(q("SELECT CONCAT(source, '#', record_index) FROM walmart_order_dead_letter"),
            "caf\xEF\xBF\xBD.ndjson:2#1");
  EXPECT_EQ(q("SELECT HEX(payload) FROM walmart_order_dead_letter"),
            "7B2270757263686173654F726465724964223A2236222C2278223A22FF227D");
}

TEST_F(LoadE2E, AWrongPasswordIsOneClearLineAndExitCode1) {
  auto env = env_;
  env["WALMART_ETL_MYSQL__PASSWORD"] = "definitely-wrong";
  const auto r =
      run_binary({"load", "--account", "seller-a", kFixtures + "api_page_7_2.json"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("walmart-etl: mysql error 1045: cannot connect to MySQL at"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Access denied"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("definitely-wrong"), std::string::npos)
      << "the password must never be printed";
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0");
}

TEST_F(LoadE2E, MissingTablesAndMissingFilesAreClearFailures) {
  auto r = load({kFixtures + "api_page_7_2.json", dir_ + "/nope.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read input file " + dir_ + "/nope.json: No such file or directory"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0")
      << "nothing is loaded when an input is missing";

  conn_->execute("DROP TABLE walmart_order_charge");
  r = load({kFixtures + "api_page_7_2.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("lacks table(s) walmart_order_charge: run `walmart-etl init-db` first"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw"), "0");

  r = load({});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // usage
}

TEST_F(LoadE2E, BatchesSpanFilesAndTheSummaryCountsEverything) {
  // 3 files, 1,200 orders with 1-4 lines, small transactions: several batches, exact totals.
  std::vector<std::string> paths;
  size_t rows = 0;
  size_t charges = 0;
  for (int f = 0; f < 3; ++f) {
    std::string text = "[\n";
    for (int i = 0; i < 400; ++i) {
      std::vector<LineSpec> lines;
      for (int l = 1; l <= 1 + i % 4; ++l) {
        lines.push_back({l, "S", "1", {{"PRODUCT", "1.50"}, {"FEE", "0.25"}}});
        rows += 1;
        charges += 2;
      }
      text += (i ? ",\n" : "") + order_json(100000 * (f + 1) + i, lines);
    }
    paths.push_back(write_file("part" + std::to_string(f) + ".json", text + "\n]\n"));
  }
  auto args = paths;
  args.insert(args.begin(), {"--batch-rows", "300"});
  const auto r = load(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(fmt::format(
                "loaded    1200 orders from 1200 record(s) in 3 file(s): {} rows, {} charges", rows,
                charges)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order"), std::to_string(rows));
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_charge"), std::to_string(charges));
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_raw WHERE source_file = 'part1.json'"), "400");
}

TEST_F(LoadE2E, AFifoIsLoadedWhileItIsStillBeingWritten) {
  // load splits its input as it reads it: what a pipe has sent so far is committed before the
  // writer is done (a backfill piped from zcat never has to fit in memory).
  const std::string fifo = dir_ + "/orders.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  etl::test::BackgroundProcess loader(
      "load", {"load", "--account", "seller-a", "--batch-rows", "1", fifo}, env_, dir_);
  int fd = -1;
  ASSERT_TRUE(etl::test::wait_until(
      [&] {
        fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // ENXIO until the loader opened it
        return fd >= 0 || !loader.running();
      },
      std::chrono::seconds(30)));
  ASSERT_GE(fd, 0) << loader.describe();
  ASSERT_EQ(fcntl(fd, F_SETFL, 0), 0);
  auto send = [&](const std::string& text) {
    ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()))
        << std::strerror(errno);
  };
  send(order_json(501, {{1, "A"}}) + "\n" + order_json(502, {{1, "B"}}) + "\n");
  EXPECT_TRUE(etl::test::wait_until([&] { return q("SELECT COUNT(*) FROM walmart_order") == "2"; },
                                    std::chrono::seconds(30)))
      << "nothing committed while the FIFO is open: " << loader.describe();
  EXPECT_TRUE(loader.running());
  send(order_json(503, {{1, "C"}}) + "\n");
  close(fd);
  ASSERT_EQ(loader.wait(std::chrono::seconds(60)), 0) << loader.describe();
  EXPECT_EQ(q("SELECT GROUP_CONCAT(purchaseOrderId ORDER BY purchaseOrderId) FROM walmart_order"),
            "501,502,503");
  EXPECT_NE(loader.out().find("loaded    3 orders from 3 record(s) in 1 file(s): 3 rows"),
            std::string::npos)
      << loader.describe();
}

}  // namespace

namespace {

// load --account: every row, charge, raw row and dead letter of the load carries the account;
// without one (none given, none configured) load refuses before writing anything.
TEST_F(LoadE2E, EveryRowAndDeadLetterCarriesTheAccountAndNoneIsAClearUsageError) {
  const std::string path =
      write_file("seller.ndjson", order_json(501, {{1, "A"}, {2, "B"}}) + "\n{broken\n");
  const auto r = run_binary({"load", "--account", "brand-us", path}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order WHERE account = 'brand-us'"), "2");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_order_charge WHERE account = 'brand-us'"), "2");
  EXPECT_EQ(q("SELECT account FROM walmart_order_raw WHERE purchaseOrderId = 501"), "brand-us");
  EXPECT_EQ(q("SELECT account FROM walmart_order_dead_letter"), "brand-us");

  const auto none = run_binary({"load", path}, env_);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("load: say which seller account these orders belong to with --account "
                          "NAME (or set walmart_token.default_account); configured accounts: none"),
            std::string::npos)
      << none.err;
  // The only configured account is the default.
  auto one = env_;
  one["WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_ID"] = "id";
  one["WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET"] = "secret";
  const std::string other = write_file("main.ndjson", order_json(502, {{1, "A"}}) + "\n");
  ASSERT_EQ(run_binary({"load", other}, one).exit_code, 0);
  EXPECT_EQ(q("SELECT DISTINCT account FROM walmart_order WHERE purchaseOrderId = 502"), "main");
}

}  // namespace
