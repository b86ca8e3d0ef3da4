// `stream --data returns` on a real Apache Kafka broker (the shared one from
// scripts/kafka-local.sh): the simulator's returns of three sellers (GET /_sim/returns_dump, one
// return order per line, as fetch --data returns produces them: key returnOrderId, the `account`
// and `run_id` headers) produced to a returns topic, then the real binary
// `walmart-etl stream --data returns --until-idle`. Every return, line, charge and tracking row
// must be in MySQL exactly once under its seller's account — equal, row by row, to
// `load --data returns` of the same dumps — with no dead letter, and the returns group's stored
// offsets must be the topic's end offsets.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.hpp"
#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"
#include "kafka/producer.hpp"
#include "mysql/connection.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

const char* const kTables[] = {"walmart_return",        "walmart_return_line",
                               "walmart_return_charge", "walmart_return_tracking",
                               "walmart_return_raw",    "walmart_return_dead_letter"};

std::string scalar(const config::MysqlConfig& cfg, const std::string& sql) {
  mysql::Connection c = mysql::Connection::open(cfg);
  auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

// Every row of a table, every column but the load time and the source columns (the file, or the
// topic, partition and offset), each value quoted, sorted.
std::vector<std::string> table_rows(const config::MysqlConfig& cfg, const std::string& table) {
  mysql::Connection c = mysql::Connection::open(cfg);
  std::string cols;
  for (auto& r : c.query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=" +
                         c.quote(cfg.database) + " AND TABLE_NAME=" + c.quote(table) +
                         " ORDER BY ORDINAL_POSITION")) {
    const std::string& n = *r[0];
    if (n == "load_time" || n == "source_file" || n == "source_topic" || n == "source_partition" ||
        n == "source_offset" || n == "created_at" || n == "updated_at" || n == "id") {
      continue;
    }
    cols += (cols.empty() ? "" : ", ") + std::string("QUOTE(`") + n + "`)";
  }
  std::vector<std::string> out;
  for (auto& r :
       c.query("SELECT CONCAT_WS('|', " + cols + ") AS x FROM " + table + " ORDER BY x")) {
    out.push_back(r[0].value_or("NULL"));
  }
  return out;
}

TEST(RealKafkaReturns, TheSimulatorsReturnsOfThreeSellersReachMysqlExactlyOnce) {
  // Returns follow their orders by days to weeks: 45 days of orders leave hundreds per seller.
  auto data = sim_data(45, 40, 31);
  data.insert(data.end(), {"--sellers", "3"});
  auto w = real_world(shared_kafka().bootstrap, data);
  const std::string topic = w->topic + "-returns";
  create_topic(w->bootstrap, topic, 3, {});

  config::KafkaConfig kafka;
  kafka.bootstrap_servers = {w->bootstrap};
  std::map<std::string, std::string> dumps;  // account -> NDJSON
  size_t returns = 0;
  {
    kafka::Producer producer(kafka);
    for (int k = 1; k <= 3; ++k) {
      const std::string account = "seller-" + std::to_string(k);
      const auto [status, body] =
          e2e::http_call("GET", w->base_url + "/_sim/returns_dump?seller=" + std::to_string(k));
      ASSERT_EQ(status, 200) << body;
      dumps[account] = body;
      std::istringstream lines(body);
      for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        const auto at = line.find("\"returnOrderId\":\"");
        ASSERT_NE(at, std::string::npos) << line;
        const auto from = at + 17;
        const std::string key = line.substr(from, line.find('"', from) - from);
        const std::vector<kafka::HeaderView> headers{{"account", account},
                                                     {"run_id", "returns-e2e"}};
        ASSERT_FALSE(producer.produce(kafka::OutgoingMessage(topic, key, line, headers)));
        ++returns;
      }
    }
    ASSERT_EQ(producer.flush(60s).undelivered, 0u);
  }
  ASSERT_GT(returns, 30u);

  const std::map<std::string, std::string> env{{"WALMART_ETL_KAFKA__RETURNS_TOPIC", topic}};
  const auto stream = w->run({"stream", "--data", "returns", "--until-idle"}, env, 180s);
  ASSERT_EQ(stream.exit_code, 0) << e2e::describe(stream);

  // The oracle: the same dumps loaded from files into a database of their own.
  test::ScopedDatabase oracle(test::test_mysql_config());
  const auto oracle_env = w->env_for(oracle.config());
  ASSERT_EQ(w->run({"init-db"}, oracle_env).exit_code, 0);
  for (const auto& [account, ndjson] : dumps) {
    const std::string path = w->dir + "/" + account + ".ndjson";
    std::ofstream(path, std::ios::binary) << ndjson;
    const auto load =
        w->run({"load", "--data", "returns", "--account", account, path}, oracle_env, 180s);
    ASSERT_EQ(load.exit_code, 0) << e2e::describe(load);
  }
  for (const char* t : kTables) {
    const auto expected = table_rows(oracle.config(), t);
    EXPECT_EQ(expected.size(), table_rows(w->db(), t).size()) << t;
    EXPECT_TRUE(expected == table_rows(w->db(), t)) << t << " differs from load's";
  }
  EXPECT_EQ(scalar(w->db(),
                   "SELECT COUNT(*) FROM walmart_return_raw WHERE source_file = "
                   "'kafka_stream' AND source_topic = '" +
                       topic + "' AND source_offset IS NOT NULL"),
            std::to_string(returns));
  EXPECT_EQ(scalar(w->db(), "SELECT COUNT(*) FROM walmart_return_dead_letter"), "0");
  EXPECT_EQ(scalar(w->db(), "SELECT COUNT(DISTINCT account) FROM walmart_return"), "3");

  int64_t end = 0;
  for (const auto& [p, lh] : watermarks(w->bootstrap, topic)) end += lh.second;
  EXPECT_EQ(scalar(w->db(),
                   "SELECT SUM(next_offset) FROM etl_kafka_offset WHERE consumer_group "
                   "= '" +
                       w->group + "-returns' AND topic = '" + topic + "'"),
            std::to_string(end));
}

}  // namespace
}  // namespace etl::kafka_real
