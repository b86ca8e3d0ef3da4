// The whole flow as a user runs it, every piece a real walmart-etl
// process: simulate-api (throttling with --rpm/--burst, 10% failed requests) -> fetch of a
// multi-day range -> dev-broker -> stream --until-idle -> MariaDB. Then:
//  1. every order of the simulator's --dump is in MySQL with the same lines, line statuses,
//     charge counts and charge/tax sums (the independent verifier of e2e/order_facts.hpp);
//  3. `load` of that --dump file into a second database gives the same walmart_order (and
//     walmart_order_charge) content, except source_file, load_time and request_time.
// Both tests share one streamed run (made by whichever runs first).

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "mysql/connection.hpp"
#include "support/background_process.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/e2e/kafka_probe.hpp"
#include "support/e2e/order_facts.hpp"

namespace etl::e2e {
namespace {

// 3 days x 1000 orders (~5,000 lines): the simulator's data, frozen at kFixedNow.
const std::vector<std::string> kData{"--now",  kFixedNow, "--time-scale",     "0",
                                     "--days", "3",       "--orders-per-day", "1000",
                                     "--seed", "11"};

// The fetch summary's "total" row as column name -> value (header row names the columns).
std::map<std::string, std::string> summary_totals(const std::string& out) {
  std::istringstream in(out);
  std::vector<std::string> header;
  std::map<std::string, std::string> totals;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.size() > 3 && w[0] == "ship" && w[1] == "node" && w[2] == "type") {
      header.assign(w.begin() + 3, w.end());
    } else if (!w.empty() && w[0] == "total" && !header.empty() && w.size() == header.size() + 1) {
      for (size_t i = 0; i < header.size(); ++i) totals[header[i]] = w[i + 1];
    }
  }
  return totals;
}

struct Streamed {
  std::unique_ptr<World> world;
  std::string dump_path;
  std::string dump;
  std::string failure;  // non-empty: the shared run failed, with the reason
  test::ProcessResult fetch;
};

Streamed& streamed() {
  static Streamed s = [] {
    Streamed r;
    try {
      WorldOptions o;
      o.sim_args = kData;
      for (const char* a : {"--rpm", "600", "--burst", "10", "--fail-rate", "0.1"})
        o.sim_args.emplace_back(a);
      r.world = std::make_unique<World>(o);
      World& w = *r.world;
      r.dump_path = w.dir + "/dump.ndjson";

      std::vector<std::string> dump_args{"simulate-api"};
      dump_args.insert(dump_args.end(), kData.begin(), kData.end());
      dump_args.insert(dump_args.end(), {"--dump", r.dump_path, "--dump-only"});
      auto d = w.run(dump_args);
      if (d.exit_code != 0) throw std::runtime_error("simulate-api --dump-only: " + describe(d));
      r.dump = read_text_file(r.dump_path);

      auto init = w.run({"init-db"});
      if (init.exit_code != 0) throw std::runtime_error("init-db: " + describe(init));
      // The client's own limiter off, so the simulator's throttling (429) is what paces it.
      r.fetch = w.run({"fetch", "--start", "2024-04-29", "--end", "2024-05-02"},
                      {{"WALMART_ETL_FETCH__REQUESTS_PER_MINUTE", "0"}}, 180s);
      if (r.fetch.exit_code != 0) throw std::runtime_error("fetch: " + describe(r.fetch));
      auto stream = w.run({"stream", "--until-idle"}, {}, 180s);
      if (stream.exit_code != 0)
        throw std::runtime_error("stream --until-idle: " + describe(stream));
    } catch (const std::exception& e) {
      r.failure = e.what();
    }
    return r;
  }();
  return s;
}

TEST(PipelineE2e, EveryDumpedOrderReachesMysqlWithItsLinesStatusesAndChargeSums) {
  Streamed& s = streamed();
  ASSERT_EQ(s.failure, "");
  const World& w = *s.world;

  EXPECT_NE(s.fetch.out.find("result: complete"), std::string::npos) << describe(s.fetch);
  // The run really went through throttling and faults, and retried its way to completeness.
  const auto totals = summary_totals(s.fetch.out);
  ASSERT_TRUE(totals.count("429s") && totals.count("retries") && totals.count("orders"))
      << s.fetch.out;
  EXPECT_GT(std::stoll(totals.at("429s")), 0) << s.fetch.out;
  EXPECT_GT(std::stoll(totals.at("retries")), 0) << s.fetch.out;

  const OrderFactsById expected = facts_from_ndjson(s.dump);
  ASSERT_GT(expected.size(), 2900u);
  EXPECT_EQ(std::stoll(totals.at("orders")), static_cast<int64_t>(expected.size())) << s.fetch.out;
  EXPECT_EQ(compare_facts(expected, facts_from_mysql(w.db())), "");
  EXPECT_EQ(query_count(w.db(), "SELECT COUNT(*) FROM walmart_order_dead_letter"), 0);
  // Kafka holds each order exactly once (fetch de-duplicates), and the stream stored the end
  // offset of every partition with the rows.
  const auto ends = end_offsets(w.bootstrap, w.topic, 8);
  int64_t messages = 0;
  for (const auto& [p, end] : ends) messages += end;
  EXPECT_EQ(messages, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(compare_offsets(ends, stored_offsets(w.db(), w.group, w.topic)), "");
  EXPECT_EQ(query_count(w.db(),
                        "SELECT COUNT(*) FROM walmart_order WHERE source_file <> 'kafka_stream' "
                        "OR request_time IS NULL"),
            0);
  // Three ship-node types, several statuses: the data is not trivially uniform.
  EXPECT_EQ(query_count(w.db(), "SELECT COUNT(DISTINCT shipNode_type) FROM walmart_order"), 3);
  EXPECT_GE(query_count(w.db(), "SELECT COUNT(DISTINCT orderLineStatus) FROM walmart_order"), 4);
}

// Columns of `table` in table order, without `skip`.
std::vector<std::string> columns(mysql::Connection& c, const std::string& schema,
                                 const std::string& table, const std::set<std::string>& skip) {
  std::vector<std::string> out;
  for (const auto& r :
       c.query("SELECT column_name FROM information_schema.columns WHERE table_schema = " +
               c.quote(schema) + " AND table_name = " + c.quote(table) +
               " ORDER BY ordinal_position")) {
    if (!skip.count(*r[0])) out.push_back(*r[0]);
  }
  return out;
}

std::vector<mysql::Row> ordered_rows(const config::MysqlConfig& db, const std::string& table,
                                     const std::vector<std::string>& cols,
                                     const std::string& order_by) {
  auto c = mysql::Connection::open(db);
  std::string sql = "SELECT ";
  for (size_t i = 0; i < cols.size(); ++i)
    sql += (i ? ", " : "") + mysql::quote_identifier(cols[i]);
  return c.query(sql + " FROM " + table + " ORDER BY " + order_by);
}

// Row by row, column by column; "" when equal.
std::string diff_rows(const std::vector<mysql::Row>& a, const std::vector<mysql::Row>& b,
                      const std::vector<std::string>& cols) {
  std::ostringstream s;
  int shown = 0;
  if (a.size() != b.size())
    s << "row counts differ: " << a.size() << " streamed vs " << b.size() << " loaded\n";
  for (size_t i = 0; i < std::min(a.size(), b.size()) && shown < 8; ++i) {
    for (size_t c = 0; c < cols.size(); ++c) {
      if (a[i][c] != b[i][c]) {
        s << "row " << i << " (" << a[i][0].value_or("NULL") << "/" << a[i][1].value_or("NULL")
          << ") column " << cols[c] << ": streamed '" << a[i][c].value_or("NULL") << "' loaded '"
          << b[i][c].value_or("NULL") << "'\n";
        if (++shown >= 8) break;
      }
    }
  }
  return s.str();
}

TEST(PipelineE2e, LoadOfTheDumpGivesTheSameTablesAsTheStream) {
  Streamed& s = streamed();
  ASSERT_EQ(s.failure, "");
  const World& w = *s.world;

  test::ScopedDatabase loaded_db(test::test_mysql_config());
  const auto env = w.env_for(loaded_db.config());
  auto init = test::run_binary({"init-db"}, env, 60s, w.dir);
  ASSERT_EQ(init.exit_code, 0) << describe(init);
  auto load = test::run_binary({"load", s.dump_path}, env, 120s, w.dir);
  ASSERT_EQ(load.exit_code, 0) << describe(load);
  const size_t orders = facts_from_ndjson(s.dump).size();
  EXPECT_NE(load.out.find("loaded    " + std::to_string(orders) + " orders"), std::string::npos)
      << load.out;

  auto conn = mysql::Connection::open(w.db());
  const auto order_cols =
      columns(conn, w.db().database, "walmart_order", {"source_file", "load_time", "request_time"});
  // The 52 contract columns and account ("main", from the message header and from the world's
  // only account), minus the three that differ by design.
  ASSERT_EQ(order_cols.size(), 50u);
  ASSERT_EQ(order_cols[0], "purchaseOrderId");
  const auto streamed_rows =
      ordered_rows(w.db(), "walmart_order", order_cols, "purchaseOrderId, lineNumber");
  const auto loaded_rows =
      ordered_rows(loaded_db.config(), "walmart_order", order_cols, "purchaseOrderId, lineNumber");
  ASSERT_GT(streamed_rows.size(), orders);  // more lines than orders
  EXPECT_EQ(diff_rows(streamed_rows, loaded_rows, order_cols), "");

  const auto charge_cols = columns(conn, w.db().database, "walmart_order_charge", {"load_time"});
  const std::string charge_order = "purchaseOrderId, lineNumber, chargeSeq";
  EXPECT_EQ(
      diff_rows(ordered_rows(w.db(), "walmart_order_charge", charge_cols, charge_order),
                ordered_rows(loaded_db.config(), "walmart_order_charge", charge_cols, charge_order),
                charge_cols),
      "");

  // What differs, differs as documented.
  EXPECT_EQ(query_count(loaded_db.config(),
                        "SELECT COUNT(*) FROM walmart_order WHERE source_file <> 'dump.ndjson' OR "
                        "source_file IS NULL"),
            0);
  EXPECT_EQ(compare_facts(facts_from_ndjson(s.dump), facts_from_mysql(loaded_db.config())), "");
}

}  // namespace
}  // namespace etl::e2e
