// Every statement the product issues, on the server under test (MariaDB and MySQL: the test is
// registered once per server), leaves no warning: no deprecated syntax (MySQL warns 1287 on
// `VALUES()` in an upsert), no truncated or converted value, no note. The product's sessions run
// with strict mode and ONLY_FULL_GROUP_BY. The library's own warning check
// (mysql/statement_warnings.hpp) reads SHOW WARNINGS after any statement the server reports
// warnings for; the test collects them and fails on any. The documented queries
// (docs/data-model.md) and the demo's report (scripts/demo-report.sql) run unchanged too.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "mysql/batch_writer.hpp"
#include "mysql/offset_store.hpp"
#include "mysql/schema.hpp"
#include "mysql/server_dialect.hpp"
#include "mysql/statement_warnings.hpp"
#include "mysql/watermark_store.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/test_env.hpp"

using namespace etl;
using namespace etl::test::sink;

namespace {

// Collects every warning any statement of this process leaves, while in scope.
class WarningLog {
 public:
  WarningLog() {
    mysql::set_warning_observer(
        [this](std::string_view sql, const std::vector<mysql::StatementWarning>& warnings) {
          const std::lock_guard lock(mutex_);
          for (const auto& w : warnings) {
            seen_ += w.level + " " + std::to_string(w.code) + ": " + w.message +
                     "\n  in: " + std::string(sql.substr(0, 300)) + "\n";
          }
        });
  }
  ~WarningLog() { mysql::set_warning_observer({}); }
  WarningLog(const WarningLog&) = delete;
  WarningLog& operator=(const WarningLog&) = delete;
  std::string text() {
    const std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::string seen_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The statements of a SQL text: comments dropped, split at a `;` that ends a line.
std::vector<std::string> statements_of(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  std::istringstream in(sql);
  std::string line;
  while (std::getline(in, line)) {
    if (const auto c = line.find("--"); c != std::string::npos) line.erase(c);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    current += line + "\n";
    if (line.back() == ';') {
      current.pop_back();
      current.pop_back();
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// The ```sql blocks of a Markdown file.
std::string sql_blocks(const std::string& markdown) {
  std::string out;
  std::istringstream in(markdown);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      inside = !inside && line == "```sql";
      continue;
    }
    if (inside) out += line + "\n";
  }
  return out;
}

// `ods.` (the documented database) replaced by the test's database; nothing else changes.
std::string in_database(std::string sql, const std::string& db) {
  const std::string from = "ods.";
  const std::string to = mysql::quote_identifier(db) + ".";
  for (size_t p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size())) {
    sql.replace(p, from.size(), to);
  }
  return sql;
}

mysql::WriteBatch sample_batch(int64_t base, const std::string& account, int version) {
  mysql::WriteBatch b;
  for (int i = 0; i < 3; ++i) {
    std::vector<LineSpec> lines{{1, "A", "1", {{"PRODUCT", "24.99"}, {"SHIPPING", "0"}}}};
    if (version == 1) lines.push_back({2, "B", "2", {{"PRODUCT", "15.98"}}});
    auto o = to_write(order_json(base + i, lines, version == 1 ? "Zürich 東京 😀" : "Bentonville"),
                      "warnings.json:" + std::to_string(i));
    o.origin.account = account;
    b.orders.push_back(std::move(o));
  }
  mysql::DeadLetter d;
  d.origin.source = "warnings.json:99";
  d.origin.account = account;
  d.payload = "{not json";
  d.message = "not JSON";
  b.dead_letters.push_back(d);
  return b;
}

class ServerSql : public ::testing::Test {
 protected:
  ServerSql() : db_(test::test_mysql_config()) {}
  test::ScopedDatabase db_;
};

TEST_F(ServerSql, TheServerIsTheOneTheTestIsRegisteredFor) {
  auto conn = mysql::Connection::open(db_.config(), mysql::UseDatabase::none);
  const auto d = mysql::detect_dialect(conn);
  if (test::server() == test::Server::mysql) {
    EXPECT_EQ(d.flavor, mysql::ServerFlavor::mysql) << conn.server_version();
    EXPECT_TRUE(d.row_alias()) << "CI's MySQL is >= 8.0.19: " << conn.server_version();
  } else {
    EXPECT_EQ(d.flavor, mysql::ServerFlavor::mariadb) << conn.server_version();
    EXPECT_FALSE(d.row_alias());
  }
  // The product's sessions: strict, ONLY_FULL_GROUP_BY, UTC.
  const auto mode = scalar(conn, "SELECT @@SESSION.sql_mode");
  EXPECT_NE(mode.find("ONLY_FULL_GROUP_BY"), std::string::npos) << mode;
  EXPECT_NE(mode.find("STRICT_TRANS_TABLES"), std::string::npos) << mode;
  EXPECT_EQ(scalar(conn, "SELECT @@SESSION.time_zone"), "+00:00");
}

TEST_F(ServerSql, EveryStatementOfTheProductLeavesNoWarning) {
  WarningLog log;
  const auto& cfg = db_.config();
  mysql::init_db(cfg);
  mysql::init_db(cfg);  // the second run only checks
  mysql::init_db(cfg, /*migrate=*/true);

  std::vector<mysql::WritePath> paths{mysql::WritePath::portable};
  if (test::server() == test::Server::mariadb) paths.push_back(mysql::WritePath::bulk);
  int64_t base = 5000000;
  std::string topic = "t";
  for (const auto path : paths) {
    topic += "t";  // each path's offsets start afresh
    mysql::BatchWriterOptions o;
    o.path = path;
    mysql::BatchWriter w(cfg, o);
    mysql::require_schema(w.connection(), cfg.database);
    // New orders with offsets, then newer versions (fewer lines: stale lines deleted) with the
    // fenced offset update, the same dead letter again (upserted), and an order another account
    // already holds (refused into a dead letter).
    auto first = sample_batch(base, "seller-a", 1);
    first.offsets.push_back({"g", topic, 0, 10, std::nullopt});
    const auto r1 = w.write(first);
    EXPECT_EQ(r1.orders, 3u);
    auto second = sample_batch(base, "seller-a", 2);
    second.offsets.push_back({"g", topic, 0, 20, 10});
    const auto r2 = w.write(second);
    EXPECT_EQ(r2.orders, 3u);
    EXPECT_TRUE(r2.fenced.empty());
    auto other = sample_batch(base, "seller-b", 2);
    other.offsets.push_back({"g", topic, 0, 30, 20});
    const auto r3 = w.write(other);
    EXPECT_EQ(r3.rejected.size(), 3u);
    base += 100;
  }
  mysql::WatermarkStore marks(cfg);
  EXPECT_FALSE(marks.load("seller-a", "orders", "SellerFulfilled").has_value());
  marks.advance("seller-a", "orders", "SellerFulfilled", 1714573391000, "run-1");
  marks.advance("seller-a", "orders", "SellerFulfilled", 1714573000000, "run-2");  // never backwards
  EXPECT_EQ(marks.load("seller-a", "orders", "SellerFulfilled"), 1714573391000);
  mysql::OffsetStore offsets(cfg);
  EXPECT_EQ(offsets.load("g", topic, {0}).at(0), 30);
  EXPECT_TRUE(offsets.advance("g", topic, 0, 30, 40));

  EXPECT_EQ(log.text(), "") << "statements left warnings on " << test::server_name();
}

TEST_F(ServerSql, TheDocumentedQueriesAndTheDemoReportRunUnchanged) {
  const auto& cfg = db_.config();
  mysql::init_db(cfg);
  {
    mysql::BatchWriter w(cfg, {});
    auto b = sample_batch(6000000, "brand-us", 1);
    w.write(b);
    mysql::WatermarkStore marks(cfg);
    marks.advance("brand-us", "orders", "SellerFulfilled", 1714573391000, "run-1");
  }
  WarningLog log;
  auto conn = mysql::Connection::open(cfg);
  const auto docs =
      statements_of(sql_blocks(read_file(std::string(ETL_SOURCE_DIR) + "/docs/data-model.md")));
  const auto report =
      statements_of(read_file(std::string(ETL_SOURCE_DIR) + "/scripts/demo-report.sql"));
  ASSERT_GE(docs.size(), 10u) << "docs/data-model.md lost its queries?";
  ASSERT_GE(report.size(), 5u);
  size_t with_rows = 0;
  for (const auto& s : docs) {
    // The documented ones name database ods; the demo's run in it (USE ods), here in the test's.
    SCOPED_TRACE(s);
    const auto rows = conn.query(in_database(s, cfg.database));
    with_rows += rows.empty() ? 0 : 1;
  }
  for (const auto& s : report) {
    SCOPED_TRACE(s);
    const auto rows = conn.query(s);
    EXPECT_FALSE(rows.empty());
  }
  EXPECT_GE(with_rows, 8u);
  EXPECT_EQ(log.text(), "") << "documented queries left warnings on " << test::server_name();
}

// Text keeps every byte (2-, 3- and 4-byte UTF-8: accents, CJK, emoji, mathematical letters),
// and compares and sorts the same on both servers: every text column has an explicit collation
// (utf8mb4_unicode_ci), whatever the server's default (MySQL: utf8mb4_0900_ai_ci).
TEST_F(ServerSql, TextKeepsEveryByteAndComparesAndSortsTheSameOnBothServers) {
  const auto& cfg = db_.config();
  mysql::init_db(cfg);
  const std::vector<std::string> cities = {"Zürich", "zebra", "Äpfel",      "apple",
                                           "Banana", "東京",  "🚚 Depot 𝔘𝔫𝔦"};
  {
    mysql::BatchWriter w(cfg, {});
    mysql::WriteBatch b;
    for (size_t i = 0; i < cities.size(); ++i) {
      auto o =
          to_write(order_json(7000000 + static_cast<int64_t>(i),
                              {{1, "SKU-" + cities[i], "1", {{"PRODUCT", "1.00"}}}}, cities[i]),
                   "text.json:" + std::to_string(i));
      o.origin.account = "seller-a";
      b.orders.push_back(std::move(o));
    }
    EXPECT_EQ(w.write(b).orders, cities.size());
  }
  auto c = mysql::Connection::open(cfg);
  // Byte for byte, in the line table and in the archived JSON.
  for (size_t i = 0; i < cities.size(); ++i) {
    const std::string id = std::to_string(7000000 + i);
    EXPECT_EQ(scalar(c, "SELECT city FROM walmart_order WHERE purchaseOrderId = " + id), cities[i]);
    EXPECT_EQ(scalar(c, "SELECT sku FROM walmart_order WHERE purchaseOrderId = " + id),
              "SKU-" + cities[i]);
    EXPECT_NE(scalar(c, "SELECT payload FROM walmart_order_raw_json WHERE purchaseOrderId = " + id)
                  .find(cities[i]),
              std::string::npos);
  }
  // Sorting: case- and accent-insensitive, CJK after Latin, supplementary characters last.
  std::vector<std::string> sorted;
  for (const auto& r : c.query("SELECT city FROM walmart_order ORDER BY city, purchaseOrderId")) {
    sorted.push_back(*r[0]);
  }
  EXPECT_EQ(sorted, (std::vector<std::string>{"Äpfel", "apple", "Banana", "zebra", "Zürich", "東京",
                                              "🚚 Depot 𝔘𝔫𝔦"}));
  // Comparing with a literal (the connection's collation differs on MySQL): the column's wins.
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order WHERE city = 'zurich'"), "1");
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM walmart_order WHERE city = 'APFEL'"), "1");
  EXPECT_EQ(scalar(c, "SELECT COUNT(DISTINCT city) FROM walmart_order"), "7");
  // Characters outside the Basic Multilingual Plane all weigh the same in utf8mb4_unicode_ci.
  EXPECT_EQ(scalar(c, "SELECT _utf8mb4'🚚' COLLATE utf8mb4_unicode_ci = _utf8mb4'😀'"), "1");
  // Every text column of every table carries its collation explicitly.
  EXPECT_EQ(scalar(c,
                   "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND COLLATION_NAME IS NOT NULL AND COLLATION_NAME NOT IN "
                   "('utf8mb4_unicode_ci', 'utf8mb4_bin')"),
            "0");
}

}  // namespace
