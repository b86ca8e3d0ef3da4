// `walmart-etl stream --data returns` against the dev broker and a fresh database: one message per
// return order (key returnOrderId, the `account` header), written to the returns tables exactly
// once with the offsets of its own consumer group (`<kafka.consumer_group>-returns`). A newer
// version replaces the older, an older one is kept out, unusable messages are dead letters; the
// simulator's returns of two sellers, with the stream SIGKILLed mid-way and restarted, end equal
// to `load --data returns` of the same returns, row by row.

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <set>
#include <thread>

#include "common/utc_time.hpp"
#include "e2e/stream/stream_fixture.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "tools/sim/catalog.hpp"
#include "tools/sim/return_query.hpp"

namespace etl::stream_test {
namespace {

const char* const kReturnTables[] = {"walmart_return",        "walmart_return_line",
                                     "walmart_return_charge", "walmart_return_tracking",
                                     "walmart_return_raw",    "walmart_return_dead_letter"};

std::string scalar(const config::MysqlConfig& cfg, const std::string& sql) {
  mysql::Connection c = mysql::Connection::open(cfg);
  auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

// Rows per returns table, "R/L/C/T/W/D": returns, lines, charges, tracking events, raw rows, dead
// letters.
std::string counts(const config::MysqlConfig& cfg) {
  std::string out;
  for (const char* t : kReturnTables) {
    out += (out.empty() ? "" : "/") + scalar(cfg, std::string("SELECT COUNT(*) FROM ") + t);
  }
  return out;
}

// Every row of a table, every column but the load time and the source columns (which name the
// path that wrote it: a file, or a topic, partition and offset), each value quoted, sorted.
std::vector<std::string> table_rows(const config::MysqlConfig& cfg, const std::string& table) {
  mysql::Connection c = mysql::Connection::open(cfg);
  std::string cols;
  for (auto& r :
       c.query("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=" +
               c.quote(cfg.database) + " AND TABLE_NAME=" + c.quote(table) +
               " ORDER BY ORDINAL_POSITION")) {
    const std::string& n = *r[0];
    if (n == "load_time" || n == "source_file" || n == "source_topic" || n == "source_partition" ||
        n == "source_offset" || n == "created_at" || n == "updated_at" || n == "id") {
      continue;
    }
    // Binary values as hex: MySQL refuses to mix them into text.
    const bool binary = r[1] && r[1]->find("blob") != std::string::npos;
    cols += (cols.empty() ? "" : ", ") + std::string(binary ? "COALESCE(HEX(`" : "QUOTE(`") + n +
            (binary ? "`), 'NULL')" : "`)");
  }
  std::vector<std::string> out;
  for (auto& r :
       c.query("SELECT CONCAT_WS('|', " + cols + ") AS x FROM " + table + " ORDER BY x")) {
    out.push_back(r[0].value_or("NULL"));
  }
  return out;
}

// A return order as the API lists it (the load test's shape).
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

StreamSettings returns_settings(const StreamEnv& env) {
  StreamSettings s = env.settings();
  s.topic = "orders-not-read-" + env.group;  // the orders topic: must not be consumed
  s.returns_topic = env.topic;
  return s;
}

int run_returns(const StreamEnv& env, const StreamSettings& s, const std::string& name,
                std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--data", "returns", "--until-idle"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto p = env.start(s, args, name);
  const int code = p->wait(180s);
  if (code == -1) ADD_FAILURE() << name << " did not finish; log:\n" << p->log();
  return code;
}

std::string offsets_of(const config::MysqlConfig& cfg, const std::string& group) {
  return scalar(cfg,
                "SELECT GROUP_CONCAT(CONCAT(partition_id, '=', next_offset) ORDER BY partition_id) "
                "FROM etl_kafka_offset WHERE consumer_group = '" +
                    group + "'");
}

TEST(StreamReturns, NewerVersionsReplaceOlderOnesAndUnusableMessagesAreDeadLetters) {
  StreamEnv env(2);
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  writer.produce("R1", ret("R1", "INITIATED", "2026-11-02T00:00:00Z", 3), 0);
  writer.produce("R2", ret("R2", "INITIATED", "2026-11-02T00:00:00Z", 1), 0);
  writer.produce("R1", ret("R1", "COMPLETED", "2026-11-06T00:00:00Z", 1), 0);
  writer.produce("R9", R"({"returnOrderId": "R9", oops})", 1);
  writer.produce("R4", R"({"returnOrderId":"R4","returnOrderLines":[{"status":"X"}]})", 1);
  writer.set_account(std::nullopt);  // no account header, no stream.default_account
  writer.produce("R3", ret("R3", "INITIATED", "2026-11-02T00:00:00Z", 2), 1);
  writer.flush();

  const StreamSettings s = returns_settings(env);
  const auto& db = env.db->config();
  ASSERT_EQ(run_returns(env, s, "first"), 0) << env.log_of("first");
  EXPECT_EQ(counts(db), "2/2/2/2/2/3");
  EXPECT_EQ(scalar(db,
                   "SELECT CONCAT_WS('|', status, line_count, account) FROM walmart_return "
                   "WHERE returnOrderId = 'R1'"),
            std::string("COMPLETED|1|") + kFixtureAccount);
  EXPECT_EQ(scalar(db,
                   "SELECT GROUP_CONCAT(CONCAT(source, ':', COALESCE(account, '-')) ORDER BY "
                   "source) FROM walmart_return_dead_letter"),
            env.topic + "/1/0:" + kFixtureAccount + "," + env.topic + "/1/1:" + kFixtureAccount +
                "," + env.topic + "/1/2:-");
  EXPECT_NE(scalar(db,
                   "SELECT error_message FROM walmart_return_dead_letter WHERE returnOrderId "
                   "= 'R4'")
                .find("returnOrderLineNumber"),
            std::string::npos);
  EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM walmart_order_raw"), "0");
  // The returns stream's own group; nothing stored under the orders' group.
  EXPECT_EQ(offsets_of(db, env.group + "-returns"), "0=3,1=3");
  EXPECT_EQ(offsets_of(db, env.group), "NULL");
  const std::string log = env.log_of("first");
  EXPECT_NE(log.find("stream: stopped; written 6 messages: "), std::string::npos) << log;

  // An older version of R2 (two lines) arrives later: kept out, R2 keeps its one line.
  writer.set_account(kFixtureAccount);
  writer.produce("R2", ret("R2", "INITIATED", "2026-11-01T00:00:00Z", 2), 1);
  writer.flush();
  ASSERT_EQ(run_returns(env, s, "second"), 0) << env.log_of("second");
  EXPECT_EQ(counts(db), "2/2/2/2/2/3");
  EXPECT_EQ(offsets_of(db, env.group + "-returns"), "0=3,1=4");
  EXPECT_NE(env.log_of("second").find("stream: stopped; written 1 messages"), std::string::npos)
      << env.log_of("second");

  // --group names the group verbatim: a new group reads everything again and changes nothing.
  ASSERT_EQ(run_returns(env, s, "explicit", {"--group", "replay-" + env.group}), 0)
      << env.log_of("explicit");
  EXPECT_EQ(counts(db), "2/2/2/2/2/3");
  EXPECT_EQ(offsets_of(db, "replay-" + env.group), "0=3,1=4");
}

TEST(StreamReturns, TheSimulatorsReturnsOfTwoSellersSurviveAKillAndEqualALoad) {
  StreamEnv env(3);
  const int64_t now = *parse_iso8601_ms("2026-11-20T12:00:00Z");
  struct Seller {
    std::string account;
    uint64_t seed;
    std::string ndjson;
    std::set<std::string> ids;
  };
  std::vector<Seller> sellers{{"seller-a", 11, {}, {}}, {"seller-b", 12, {}, {}}};
  // Compressed: the dev broker's retention (~5 MB stored) must keep every message.
  TopicWriter writer(env.broker->bootstraps(), env.topic);
  size_t total = 0;
  for (auto& seller : sellers) {
    const walmart::sim::OrderModel model(seller.seed, 200, now - 60 * kDayMs);
    writer.set_account(seller.account);
    for (const auto& r : walmart::sim::all_returns(model, seller.seed, now)) {
      std::string json;
      walmart::sim::render_return(json, r, now);
      writer.produce(r.return_order_id(), json);
      seller.ndjson += json + "\n";
      seller.ids.insert(r.return_order_id());
      ++total;
    }
  }
  writer.flush();
  ASSERT_GT(total, 400u);
  for (const auto& id : sellers[0].ids) {
    ASSERT_EQ(sellers[1].ids.count(id), 0u) << "the sellers' return ids must differ: " << id;
  }

  StreamSettings s = returns_settings(env);
  s.parallelism = 2;
  s.batch_size = 8;
  s.group_commit = false;
  s.batch_interval_ms = 50;
  const auto& db = env.db->config();
  const std::string group = env.group + "-returns";
  {
    auto p = env.start(s, {"--data", "returns"}, "killed");
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (scalar(db, "SELECT COUNT(*) FROM walmart_return") == "0" &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    p->signal(SIGKILL);
    EXPECT_EQ(p->wait(30s), 128 + SIGKILL);
  }
  const std::string at_kill = scalar(db, "SELECT COUNT(*) FROM walmart_return_raw");
  EXPECT_NE(at_kill, "0");
  ASSERT_EQ(run_returns(env, s, "restarted"), 0) << env.log_of("restarted");
  EXPECT_TRUE(all_written(db, group, writer.messages()));

  // The oracle: the same returns loaded from files into a database of their own.
  test::ScopedDatabase oracle(test::test_mysql_config());
  mysql::init_db(oracle.config());
  for (const auto& seller : sellers) {
    const std::string path = env.dir + "/" + seller.account + ".ndjson";
    std::ofstream(path, std::ios::binary) << seller.ndjson;
    const auto r =
        test::run_binary({"load", "--data", "returns", "--account", seller.account, path},
                         test::mysql_env(oracle.config()), 180s);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  for (const char* t : kReturnTables) {
    const auto expected = table_rows(oracle.config(), t);
    const auto actual = table_rows(db, t);
    EXPECT_EQ(expected.size(), actual.size()) << t;
    EXPECT_TRUE(expected == actual)
        << t << " differs from load's (killed at " << at_kill << " returns of " << total << ")";
  }
  EXPECT_EQ(scalar(db,
                   "SELECT COUNT(*) FROM walmart_return_raw WHERE source_file = "
                   "'kafka_stream' AND source_topic = '" +
                       env.topic + "' AND source_offset IS NOT NULL"),
            std::to_string(total));
  EXPECT_EQ(scalar(db, "SELECT COUNT(*) FROM walmart_return_dead_letter"), "0");
  for (const auto& seller : sellers) {
    EXPECT_EQ(
        scalar(db, "SELECT COUNT(*) FROM walmart_return WHERE account = '" + seller.account + "'"),
        std::to_string(seller.ids.size()));
  }
}

}  // namespace
}  // namespace etl::stream_test
