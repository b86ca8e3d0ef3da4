// `stream --data recon` on a real Apache Kafka broker (the shared one from
// scripts/kafka-local.sh), killed with SIGKILL in the middle of a report: the simulator's
// settlement report (downloaded by the project's client from an in-process simulator), cut into
// small chunks with split_report and produced as fetch produces it. The first run has read some
// chunks of the report and stored its offset (held at the report's first chunk) when it is
// killed; the rest is produced and a second run (--until-idle) writes the report: the tables hold
// exactly the simulator's report, once. The regenerated report of the same date, streamed next,
// replaces it (count and sum), never beside it.

#include <gtest/gtest.h>

#include "common/utc_time.hpp"
#include "config/config.hpp"
#include "e2e/kafka_real/real_kafka.hpp"
#include "e2e/kafka_real/real_world.hpp"
#include "kafka/producer.hpp"
#include "mysql/connection.hpp"
#include "recon/decimal_text.hpp"
#include "recon/report_file.hpp"
#include "recon/report_message.hpp"
#include "tools/sim/simulator.hpp"
#include "walmart/credentials.hpp"
#include "walmart/recon_client.hpp"

namespace etl::kafka_real {
namespace {

using namespace std::chrono_literals;

std::string scalar(const config::MysqlConfig& cfg, const std::string& sql) {
  mysql::Connection c = mysql::Connection::open(cfg);
  auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? "NULL" : *rows[0][0];
}

// "rows|sum|total payable|csv_sha256" of a report as MySQL holds it, and as the file says.
std::string stored_report(const config::MysqlConfig& db) {
  return scalar(db,
                "SELECT CONCAT_WS('|', (SELECT COUNT(*) FROM walmart_recon_row WHERE report_date "
                "= '2026-12-12'), (SELECT SUM(amount) FROM walmart_recon_row WHERE report_date = "
                "'2026-12-12'), total_payable, csv_sha256) FROM walmart_recon_file WHERE account "
                "= 'main' AND report_date = '2026-12-12'");
}
std::string expected_report(const recon::CheckedReport& r) {
  int64_t sum = 0;
  for (const auto& row : r.parsed.report->rows) sum += row.amount_cents;
  return std::to_string(r.parsed.report->rows.size()) + "|" + recon::format_scaled_decimal(sum, 2) +
         "|" + recon::format_scaled_decimal(r.parsed.report->summary.total_payable_cents, 2) + "|" +
         r.csv_sha256;
}

TEST(RealKafkaRecon, AStreamKilledMidReportWritesItExactlyOnceAfterTheRestart) {
  // The simulator's report of 2026-12-12, and a day later its regenerated version.
  walmart::sim::SimulatorOptions o;
  o.port = 0;
  o.orders_per_day = 40;
  o.days = 60;
  o.now_ms = 20799 * kDayMs + int64_t{9} * 3'600'000;  // 2026-12-12 09:00 UTC: the report is out
  o.time_scale = 0;
  o.requests_per_minute = 0;
  walmart::sim::Simulator sim(o);
  sim.start();
  config::WalmartConfig wcfg;
  wcfg.base_url = sim.base_url();
  wcfg.accounts["main"] = config::WalmartAccount{o.client_id, o.client_secret, ""};
  walmart::TokenProvider tokens(wcfg, walmart::resolve_account(wcfg, ""), walmart::HttpOptions{},
                                walmart::TokenRetryPolicy{});
  walmart::RateLimiter limiter(0);
  walmart::ServerClock clock;
  config::Config cfg;
  cfg.walmart_token = wcfg;
  recon::MemoryDownloadLedger ledger;
  walmart::ReconClient client(walmart::recon_client_shared(cfg, tokens, limiter, clock),
                              walmart::HttpOptions{}, "main", ledger);
  walmart::RequestCounters counters;
  const walmart::ReconDownloadResult v1 = client.download("12122026", counters);
  ASSERT_EQ(v1.kind, walmart::ReconDownloadResult::Kind::downloaded) << v1.error.describe();
  sim.clock().advance_sim(std::chrono::hours(24));
  ledger.record_download("main", "12122026", now_epoch_ms() - recon::kMinDownloadIntervalMs);
  const walmart::ReconDownloadResult v2 = client.download("12122026", counters);
  ASSERT_EQ(v2.kind, walmart::ReconDownloadResult::Kind::downloaded) << v2.error.describe();
  const recon::CheckedReport c1 = recon::check_report_file(v1.bytes);
  const recon::CheckedReport c2 = recon::check_report_file(v2.bytes);
  ASSERT_TRUE(c1.parsed.report && c2.parsed.report);

  auto w = real_world(shared_kafka().bootstrap, sim_data(1, 1, 5));
  const std::string topic = w->topic + "-recon";
  create_topic(w->bootstrap, topic, 1, {});
  config::KafkaConfig kafka;
  kafka.bootstrap_servers = {w->bootstrap};
  kafka::Producer producer(kafka);
  const auto chunks_of = [](const walmart::ReconDownloadResult& d) {
    recon::ReportChunkHeaders h;
    h.account = "main";
    h.report_date = "2026-12-12";
    h.file_name = d.file_name;
    h.fetched_at = "2026-12-12 09:00:00";
    return recon::split_report(d.bytes, h, 2000);
  };
  const auto produce = [&](const std::vector<recon::ReportChunk>& chunks, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const auto pairs = recon::to_message_headers(chunks[i].headers);
      std::vector<kafka::HeaderView> headers;
      headers.reserve(pairs.size());
      for (const auto& [n, v] : pairs) headers.push_back({n, v});
      ASSERT_FALSE(producer.produce(kafka::OutgoingMessage(
          topic, recon::report_message_key("main", "2026-12-12"), chunks[i].bytes, headers, 0)));
    }
    ASSERT_EQ(producer.flush(30s).undelivered, 0u);
  };
  const auto chunks1 = chunks_of(v1);
  const auto chunks2 = chunks_of(v2);
  ASSERT_GE(chunks1.size(), 6u) << "a report of several chunks";

  const std::map<std::string, std::string> env{{"WALMART_ETL_KAFKA__RECON_TOPIC", topic}};
  const std::string offset_sql =
      "SELECT COALESCE(MAX(next_offset), -1) FROM etl_kafka_offset "
      "WHERE consumer_group = '" +
      w->group + "-recon' AND topic = '" + topic + "'";
  // Half the report; the stream reads it and stores the offset of its first chunk, then dies.
  produce(chunks1, 0, chunks1.size() / 2);
  auto first = w->start("stream-recon-1", {"stream", "--data", "recon"}, env);
  EXPECT_TRUE(e2e::eventually([&] { return scalar(w->db(), offset_sql) == "0"; }, 60s))
      << first->out();
  EXPECT_TRUE(first->running());
  first->kill9();
  EXPECT_EQ(scalar(w->db(), "SELECT COUNT(*) FROM walmart_recon_file"), "0");

  // The rest; a new run reads the report again from its first chunk and writes it once.
  produce(chunks1, chunks1.size() / 2, chunks1.size());
  auto run = w->run({"stream", "--data", "recon", "--until-idle"}, env, 180s);
  ASSERT_EQ(run.exit_code, 0) << e2e::describe(run);
  EXPECT_EQ(stored_report(w->db()), expected_report(c1));
  EXPECT_EQ(scalar(w->db(), offset_sql), std::to_string(chunks1.size()));

  // The regenerated report of the date replaces it.
  produce(chunks2, 0, chunks2.size());
  run = w->run({"stream", "--data", "recon", "--until-idle"}, env, 180s);
  ASSERT_EQ(run.exit_code, 0) << e2e::describe(run);
  EXPECT_EQ(stored_report(w->db()), expected_report(c2));
  EXPECT_EQ(c2.parsed.report->rows.size(), c1.parsed.report->rows.size() + 1);
  EXPECT_EQ(scalar(w->db(), "SELECT COUNT(*) FROM walmart_recon_file"), "1");
  EXPECT_EQ(scalar(w->db(), "SELECT COUNT(*) FROM walmart_recon_dead_letter"), "0");
  EXPECT_EQ(scalar(w->db(), offset_sql), std::to_string(chunks1.size() + chunks2.size()));
}

}  // namespace
}  // namespace etl::kafka_real
