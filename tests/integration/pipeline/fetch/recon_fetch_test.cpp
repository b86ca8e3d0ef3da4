// fetch --data recon for one account against the API simulator, the dev broker (librdkafka's mock
// cluster: its request-level error injection fails deliveries on demand) and the test database:
// every listed report reaches the recon topic whole (reassembled by recon::ReportAssembler, the
// stream's own joiner, equal to what the simulator serves), split into chunks that fit a small
// message.max.bytes; a date recorded in etl_recon_fetch is not fetched again; a date asked for
// again within two hours is deferred, not an error; a report Kafka did not acknowledge is not
// recorded, and the next run sends it.
#include "pipeline/fetch/recon_fetch.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/sha256.hpp"
#include "common/utc_time.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "pipeline/fetch/recon_plan.hpp"
#include "recon/report_dates.hpp"
#include "recon/report_file.hpp"
#include "recon/report_message.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "support/test_env.hpp"
#include "walmart/credentials.hpp"
#include "walmart/recon_client.hpp"

namespace etl::pipeline {
namespace {

using namespace std::chrono_literals;

constexpr size_t kMessageLimit = 6000;  // every simulated report is larger: each is split

class ReconFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<test::ScopedDatabase>(test::test_mysql_config());
    ASSERT_TRUE(mysql::init_db(db_->config()).problems.empty());
    topic_ = fetch_test::random_name("recon");
    broker_ = fetch_test::start_broker(topic_, 3);
    sim_ = fetch_test::start_simulator(fetch_test::sim_options(40, 60));
    cfg_ = fetch_test::fetch_config(*sim_, broker_.get(), "orders-unused");
    cfg_.kafka.recon_topic = topic_;
    cfg_.kafka.properties["message.max.bytes"] = std::to_string(kMessageLimit);
    cfg_.mysql = db_->config();
  }

  ReconFetchResult run(std::vector<std::string> again = {}) {
    return run_recon_fetch(cfg_, ReconFetchRequest{"main", std::move(again), "test"});
  }

  std::string q(const std::string& sql) const {
    auto conn = mysql::Connection::open(db_->config());
    const auto rows = conn.query(sql);
    return rows.empty() || !rows[0].at(0) ? std::string() : *rows[0][0];
  }

  // The recon topic joined report by report, as the stream joins it: key -> the whole file.
  std::map<std::string, recon::ReportAssembler::Complete> reports_on_topic(size_t messages) {
    const auto got = fetch_test::read_topic(cfg_.kafka, topic_, messages, 60s);
    EXPECT_EQ(got.size(), messages);
    recon::ReportAssembler assembler(uint64_t{64} << 20);
    std::map<std::string, recon::ReportAssembler::Complete> out;
    int64_t offset = 0;
    for (const auto& m : got) {
      std::vector<std::pair<std::string, std::string>> headers(m.headers.begin(), m.headers.end());
      std::string why;
      const auto h = recon::parse_message_headers(headers, &why);
      EXPECT_TRUE(h) << why;
      if (!h) continue;
      EXPECT_EQ(m.key, recon::report_message_key(h->account, h->report_date));
      EXPECT_LE(m.value.size(), recon_chunk_bytes(kMessageLimit, m.key, *h));
      auto v = assembler.add(m.key, *h, m.value, offset++);
      EXPECT_NE(v.kind, recon::ReportAssembler::Verdict::Kind::abandoned) << v.problem;
      EXPECT_NE(v.kind, recon::ReportAssembler::Verdict::Kind::rejected) << v.problem;
      if (v.report) out.insert_or_assign(m.key, std::move(*v.report));
    }
    EXPECT_EQ(assembler.pending(), 0u);
    return out;
  }

  // The CSV the simulator serves for a date (its zip's entry carries the second it was made, so
  // two downloads of one report differ in those bytes only: the CSV inside is what is compared).
  std::string served_csv_sha256(const std::string& api_date) {
    walmart::TokenProvider tokens(cfg_.walmart_token,
                                  walmart::resolve_account(cfg_.walmart_token, "main"),
                                  walmart::HttpOptions{}, walmart::TokenRetryPolicy{});
    walmart::RateLimiter limiter(0);
    walmart::ServerClock clock;
    recon::MemoryDownloadLedger ledger;
    walmart::ReconClient client(walmart::recon_client_shared(cfg_, tokens, limiter, clock),
                                walmart::HttpOptions{}, "main", ledger);
    walmart::RequestCounters counters;
    const auto d = client.download(api_date, counters);
    EXPECT_EQ(d.kind, walmart::ReconDownloadResult::Kind::downloaded) << d.error.describe();
    return recon::check_report_file(d.bytes).csv_sha256;
  }

  std::unique_ptr<test::ScopedDatabase> db_;
  std::string topic_;
  std::unique_ptr<kafka::DevBroker> broker_;
  std::unique_ptr<walmart::sim::Simulator> sim_;
  config::Config cfg_;
};

TEST_F(ReconFetchTest, EveryListedReportReachesTheTopicWholeAndIsFetchedOnce) {
  const ReconFetchResult first = run();
  ASSERT_TRUE(first.complete()) << first.summary();
  const ReconFetchCounters& c = first.counters;
  ASSERT_GE(c.listed, 2u) << first.summary();
  EXPECT_EQ(c.sent, c.listed);
  EXPECT_EQ(c.already_fetched, 0u);
  EXPECT_EQ(c.deferred + c.failed + c.not_found, 0u);
  EXPECT_GT(c.chunks, c.sent) << "every report is split at " << kMessageLimit << " bytes";
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_recon_fetch WHERE account = 'main'"),
            std::to_string(c.listed));

  const auto reports = reports_on_topic(c.chunks);
  ASSERT_EQ(reports.size(), c.sent);
  for (const auto& d : first.dates) {
    ASSERT_EQ(d.kind, ReconDateOutcome::Kind::sent) << d.day << ": " << d.problem;
    const auto it = reports.find(recon::report_message_key("main", d.day));
    ASSERT_NE(it, reports.end()) << d.day;
    const auto& r = it->second;
    // Split exactly when the report is larger than one chunk (the oldest period is short).
    EXPECT_EQ(r.headers.chunks > 1,
              r.bytes.size() > recon_chunk_bytes(kMessageLimit, it->first, r.headers));
    EXPECT_EQ(sha256_hex(r.bytes), r.headers.file_sha256);
    EXPECT_EQ(r.bytes.size(), d.bytes);
    EXPECT_EQ(r.headers.file_name.rfind("10000000001_", 0), 0u) << r.headers.file_name;
    EXPECT_EQ(recon::check_report_file(r.bytes).csv_sha256,
              served_csv_sha256(recon::to_api_report_date(d.day)))
        << d.day;
  }

  // A second run lists, finds every date recorded and downloads nothing.
  const uint64_t requests = sim_->request_count();
  const ReconFetchResult second = run();
  ASSERT_TRUE(second.complete()) << second.summary();
  EXPECT_EQ(second.counters.already_fetched, c.listed);
  EXPECT_EQ(second.counters.downloaded + second.counters.sent, 0u);
  EXPECT_EQ(second.counters.requests.requests, 1u);  // the list
  EXPECT_LE(sim_->request_count(), requests + 2);    // the list (and a token)
}

TEST_F(ReconFetchTest, ADateAskedForAgainWithinTwoHoursIsDeferredThenSentWhenAllowed) {
  const ReconFetchResult first = run();
  ASSERT_TRUE(first.complete()) << first.summary();
  const std::string day = first.dates.back().day;
  const std::string api = recon::to_api_report_date(day);
  const int64_t last =
      std::stoll(q("SELECT last_download_ms FROM etl_recon_fetch WHERE account = "
                   "'main' AND report_date = '" +
                   api + "'"));

  const ReconFetchResult again = run({day});
  ASSERT_TRUE(again.complete()) << again.summary();  // deferred is no failure
  ASSERT_EQ(again.dates.size(), 1u);
  EXPECT_EQ(again.dates[0].kind, ReconDateOutcome::Kind::deferred);
  EXPECT_EQ(again.dates[0].deferred_until_ms, last + recon::kMinDownloadIntervalMs);
  EXPECT_EQ(again.counters.deferred, 1u);
  EXPECT_EQ(again.counters.requests.requests, 1u);  // the list only
  EXPECT_NE(again.summary().find("deferred"), std::string::npos);

  // Three hours later (the row moved back): downloaded and sent again, the row moved forward.
  const int64_t earlier = now_epoch_ms() - 3 * 3'600'000;
  auto conn = mysql::Connection::open(db_->config());
  conn.execute("UPDATE etl_recon_fetch SET last_download_ms = " + std::to_string(earlier) +
               " WHERE report_date = '" + api + "'");
  const ReconFetchResult later = run({day});
  ASSERT_TRUE(later.complete()) << later.summary();
  EXPECT_EQ(later.counters.sent, 1u);
  EXPECT_GT(std::stoll(q("SELECT last_download_ms FROM etl_recon_fetch WHERE report_date = '" +
                         api + "'")),
            earlier);
  EXPECT_EQ(reports_on_topic(first.counters.chunks + later.counters.chunks).size(),
            first.counters.sent);  // the same keys: the later version follows the earlier one
}

TEST_F(ReconFetchTest, AReportKafkaDidNotAcknowledgeIsNotRecordedAndIsSentNextTime) {
  // Every Produce request fails for good (not retried): no chunk is delivered.
  broker_->push_request_errors(
      kafka::ApiKey::produce,
      std::vector<rd_kafka_resp_err_t>(200, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED));
  const ReconFetchResult failed = run();
  EXPECT_FALSE(failed.complete());
  EXPECT_GE(failed.counters.listed, 2u);
  EXPECT_EQ(failed.counters.sent, 0u);
  EXPECT_EQ(failed.counters.failed, failed.counters.listed) << failed.summary();
  EXPECT_NE(failed.summary().find("the next run sends it again"), std::string::npos)
      << failed.summary();
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_recon_fetch"), "0");

  broker_->clear_request_errors(kafka::ApiKey::produce);
  const ReconFetchResult next = run();
  ASSERT_TRUE(next.complete()) << next.summary();
  EXPECT_EQ(next.counters.sent, failed.counters.listed);
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_recon_fetch"), std::to_string(next.counters.sent));
}

TEST_F(ReconFetchTest, ADryRunListsAndPlansOnly) {
  ReconFetchRequest request{"main", {}, "test"};
  request.dry_run = true;
  const ReconFetchResult r = run_recon_fetch(cfg_, request);
  ASSERT_TRUE(r.complete()) << r.summary();
  EXPECT_GE(r.counters.listed, 2u);
  EXPECT_EQ(r.counters.requests.requests, 1u);  // the list: no download
  EXPECT_EQ(r.counters.downloaded + r.counters.sent, 0u);
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_recon_fetch"), "0");
}

TEST_F(ReconFetchTest, AMissingTopicWithoutAutoCreationStopsBeforeAnyDownload) {
  cfg_.kafka.recon_topic = fetch_test::random_name("absent");
  cfg_.kafka.properties["allow.auto.create.topics"] = "false";
  // The mock cluster implements no CreateTopics: ensure_topic waits this long, then falls back
  // to auto-creation, which the client forbids.
  cfg_.fetch.produce_flush_timeout = 3s;
  try {
    (void)run();
    ADD_FAILURE() << "the run went on without its topic";
  } catch (const EtlError& e) {
    EXPECT_NE(std::string(e.what()).find(cfg_.kafka.recon_topic), std::string::npos) << e.what();
  }
  EXPECT_EQ(q("SELECT COUNT(*) FROM etl_recon_fetch"), "0");
}

}  // namespace
}  // namespace etl::pipeline
