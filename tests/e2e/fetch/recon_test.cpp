// fetch --data recon end to end, every piece a real walmart-etl process: simulate-api --sellers 2
// -> fetch --data recon --all-accounts -> the recon topic on the dev broker. Proves: every report
// the simulator lists for each seller arrives whole (its chunks joined by recon::ReportAssembler,
// the stream's joiner) under its own account, with the CSV the simulator serves; every date is
// recorded in etl_recon_fetch; a second run sends nothing new; --report-date of a date just
// fetched is deferred (exit 0, said in the summary); --report-date without recon is refused.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/sha256.hpp"
#include "mysql/connection.hpp"
#include "recon/download_ledger.hpp"
#include "recon/report_dates.hpp"
#include "recon/report_file.hpp"
#include "recon/report_message.hpp"
#include "support/e2e/e2e_world.hpp"
#include "support/fetch/fetch_test_support.hpp"
#include "walmart/credentials.hpp"
#include "walmart/recon_client.hpp"

namespace etl::e2e {
namespace {

WorldOptions two_sellers() {
  WorldOptions o;
  o.sim_args = {"--now", kFixedNow, "--time-scale", "0",         "--days", "45", "--orders-per-day",
                "20",    "--seed",  "17",           "--sellers", "2"};
  o.partitions = 3;
  return o;
}

std::map<std::string, std::string> recon_env(const World& w) {
  return {{"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_ID", "sim-client-id-2"},
          {"WALMART_ETL_WALMART_TOKEN__ACCOUNTS__S2__CLIENT_SECRET", "sim-client-secret-2"},
          {"WALMART_ETL_KAFKA__RECON_TOPIC", w.topic}};
}

// The CSV's SHA-256 of the report the simulator serves to seller `client_id` for `api_date`.
std::string served_csv_sha256(const World& w, const std::string& account,
                              const std::string& client_id, const std::string& secret,
                              const std::string& api_date) {
  config::Config cfg;
  cfg.walmart_token.base_url = w.base_url;
  cfg.walmart_token.accounts[account] = config::WalmartAccount{client_id, secret, ""};
  walmart::TokenProvider tokens(cfg.walmart_token,
                                walmart::resolve_account(cfg.walmart_token, account),
                                walmart::HttpOptions{}, walmart::TokenRetryPolicy{});
  walmart::RateLimiter limiter(0);
  walmart::ServerClock clock;
  recon::MemoryDownloadLedger ledger;
  walmart::ReconClient client(walmart::recon_client_shared(cfg, tokens, limiter, clock),
                              walmart::HttpOptions{}, account, ledger);
  walmart::RequestCounters counters;
  const auto d = client.download(api_date, counters);
  if (d.kind != walmart::ReconDownloadResult::Kind::downloaded) return "not served";
  return recon::check_report_file(d.bytes).csv_sha256;
}

// key -> the joined report, from the whole topic.
std::map<std::string, recon::ReportAssembler::Complete> joined_reports(const World& w,
                                                                       size_t at_least) {
  config::KafkaConfig k;
  k.bootstrap_servers = {w.bootstrap};
  const auto got = fetch_test::read_topic(k, w.topic, at_least, 60s);
  recon::ReportAssembler assembler(uint64_t{64} << 20);
  std::map<std::string, recon::ReportAssembler::Complete> out;
  int64_t offset = 0;
  for (const auto& m : got) {
    std::string why;
    const auto h = recon::parse_message_headers({m.headers.begin(), m.headers.end()}, &why);
    EXPECT_TRUE(h) << why;
    if (!h) continue;
    auto v = assembler.add(m.key, *h, m.value, offset++);
    EXPECT_TRUE(v.kind == recon::ReportAssembler::Verdict::Kind::complete ||
                v.kind == recon::ReportAssembler::Verdict::Kind::pending)
        << v.problem;
    if (v.report) out.insert_or_assign(m.key, std::move(*v.report));
  }
  EXPECT_EQ(assembler.pending(), 0u);
  return out;
}

TEST(FetchReconE2E, EverySellersReportsReachTheTopicWholeOnce) {
  World w(two_sellers());
  ASSERT_EQ(w.run({"init-db"}).exit_code, 0);
  const auto env = recon_env(w);

  const auto first = w.run({"fetch", "--data", "recon", "--all-accounts", "--no-progress"}, env);
  ASSERT_EQ(first.exit_code, 0) << describe(first);

  auto c = mysql::Connection::open(w.db());
  std::map<std::string, std::set<std::string>> recorded;  // account -> API dates
  for (const auto& r : c.query("SELECT account, report_date FROM etl_recon_fetch")) {
    recorded[*r[0]].insert(*r[1]);
  }
  ASSERT_EQ(recorded.size(), 2u);
  size_t total = 0;
  for (const auto& [account, dates] : recorded) total += dates.size();
  ASSERT_GE(total, 4u);

  const auto reports = joined_reports(w, total);
  ASSERT_EQ(reports.size(), total);
  const std::map<std::string, std::pair<std::string, std::string>> creds{
      {"main", {"sim-client-id", "sim-client-secret"}},
      {"s2", {"sim-client-id-2", "sim-client-secret-2"}}};
  for (const auto& [account, dates] : recorded) {
    for (const auto& api : dates) {
      const std::string day = *recon::parse_report_date(api);
      const auto it = reports.find(recon::report_message_key(account, day));
      ASSERT_NE(it, reports.end()) << account << " " << day;
      EXPECT_EQ(it->second.headers.account, account);
      EXPECT_EQ(sha256_hex(it->second.bytes), it->second.headers.file_sha256);
      const auto& [id, secret] = creds.at(account);
      EXPECT_EQ(recon::check_report_file(it->second.bytes).csv_sha256,
                served_csv_sha256(w, account, id, secret, api))
          << account << " " << day;
    }
  }

  // Nothing new: the second run lists, downloads nothing, produces nothing.
  const auto second = w.run({"fetch", "--data", "recon", "--all-accounts", "--no-progress"}, env);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  EXPECT_EQ(joined_reports(w, total).size(), total);
  config::KafkaConfig k;
  k.bootstrap_servers = {w.bootstrap};
  size_t chunks = 0;
  for (const auto& [key, r] : reports) chunks += r.headers.chunks;
  EXPECT_EQ(fetch_test::read_topic(k, w.topic, chunks, 20s).size(), chunks);

  // A date fetched minutes ago, asked for again: deferred, said, no failure.
  const std::string again = *recon::parse_report_date(*recorded.at("main").rbegin());
  const auto deferred = w.run(
      {"fetch", "--data", "recon", "--account", "main", "--report-date", again, "--no-progress"},
      env);
  EXPECT_EQ(deferred.exit_code, 0) << describe(deferred);
  EXPECT_NE(deferred.out.find("recon (settlement reports)"), std::string::npos)
      << describe(deferred);
  EXPECT_NE(deferred.out.find("report " + again + " deferred"), std::string::npos)
      << describe(deferred);

  const auto refused =
      w.run({"fetch", "--data", "orders", "--last-hours", "2", "--report-date", again}, env);
  EXPECT_EQ(refused.exit_code, 2) << describe(refused);
  EXPECT_NE(refused.err.find("--report-date"), std::string::npos) << describe(refused);
}

}  // namespace
}  // namespace etl::e2e
