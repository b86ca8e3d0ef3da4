// The reconciliation report client against the API simulator over real HTTP: the list of report
// dates, a download that is a readable report, the two-hour rule (no request at all while it
// holds), an unknown date, and the same retries as orders under injected faults and throttling.
#include "walmart/recon_client.hpp"

#include <gtest/gtest.h>

#include "common/utc_time.hpp"
#include "recon/report_file.hpp"
#include "tools/sim/simulator.hpp"
#include "walmart/credentials.hpp"

namespace etl::walmart {
namespace {

// 2026-12-20 12:00 UTC: the report of 12/12/2026 is out, and regenerated.
constexpr int64_t kNow = 20807 * kDayMs + 12 * 3'600'000;

struct Fixture {
  explicit Fixture(sim::FaultOptions faults = {}, int64_t rpm = 0) {
    sim::SimulatorOptions o;
    o.port = 0;
    o.orders_per_day = 40;
    o.days = 60;
    o.now_ms = kNow;
    o.time_scale = 0;
    o.requests_per_minute = rpm;
    o.faults = faults;
    o.faults.token_endpoint = false;
    o.sellers = 2;
    simulator = std::make_unique<sim::Simulator>(o);
    simulator->start();
    cfg.base_url = simulator->base_url();
    cfg.accounts["main"] = config::WalmartAccount{o.client_id, o.client_secret, ""};
    tokens = std::make_unique<TokenProvider>(
        cfg, resolve_account(cfg, ""), HttpOptions{},
        TokenRetryPolicy{4, std::chrono::milliseconds(5), std::chrono::milliseconds(20)});
    shared.base_url = cfg.base_url;
    shared.service_name = "Walmart Marketplace";
    shared.tokens = tokens.get();
    shared.limiter = &limiter;
    shared.server_clock = &clock;
    shared.max_retries = 8;
    shared.backoff_initial = std::chrono::milliseconds(5);
    shared.backoff_max = std::chrono::milliseconds(200);
  }
  std::unique_ptr<sim::Simulator> simulator;
  config::WalmartConfig cfg;
  std::unique_ptr<TokenProvider> tokens;
  RateLimiter limiter{0};
  ServerClock clock;
  PacedShared shared;
  recon::MemoryDownloadLedger ledger;
};

TEST(ReconClient, ListsAndDownloadsAReadableReport) {
  Fixture f;
  ReconClient client(f.shared, HttpOptions{}, "main", f.ledger);
  RequestCounters counters;
  const ReconListResult list = client.list_reports(counters);
  ASSERT_TRUE(list.ok) << list.error.describe();
  ASSERT_FALSE(list.report_dates.empty());
  EXPECT_EQ(list.report_dates.back(), "12122026");

  const ReconDownloadResult d = client.download("12122026", counters);
  ASSERT_EQ(d.kind, ReconDownloadResult::Kind::downloaded) << d.error.describe();
  EXPECT_EQ(d.file_name, "10000000001_2026-12-13T08:00:00.000+0000.zip");
  EXPECT_EQ(d.fetched_at.size(), 19u);
  const recon::CheckedReport report = recon::check_report_file(d.bytes);
  EXPECT_TRUE(report.zipped);
  ASSERT_TRUE(report.parsed.report) << report.parsed.issue->message;
  EXPECT_GT(report.parsed.report->rows.size(), 50u);
  EXPECT_EQ(report.parsed.report->summary.period_end, "2026-12-04");
}

TEST(ReconClient, AReportIsNotDownloadedTwiceWithinTwoHours) {
  Fixture f;
  ReconClient client(f.shared, HttpOptions{}, "main", f.ledger);
  RequestCounters counters;
  ASSERT_EQ(client.download("12122026", counters).kind, ReconDownloadResult::Kind::downloaded);
  const uint64_t requests = f.simulator->request_count();
  const ReconDownloadResult again = client.download("12122026", counters);
  EXPECT_EQ(again.kind, ReconDownloadResult::Kind::deferred);
  EXPECT_EQ(f.simulator->request_count(), requests);  // nothing was sent
  const int64_t last = *f.ledger.last_download_ms("main", "12122026");
  EXPECT_EQ(again.deferred_until_ms, last + recon::kMinDownloadIntervalMs);
  // Another date, and the same date two hours later, are downloaded.
  EXPECT_EQ(client.download("11282026", counters).kind, ReconDownloadResult::Kind::downloaded);
  f.ledger.record_download("main", "12122026", now_epoch_ms() - recon::kMinDownloadIntervalMs - 1);
  EXPECT_EQ(client.download("12122026", counters).kind, ReconDownloadResult::Kind::downloaded);
  EXPECT_EQ(recon::download_deferred_until(std::nullopt, 5), std::nullopt);
  EXPECT_EQ(recon::download_deferred_until(1000, 1000 + recon::kMinDownloadIntervalMs),
            std::nullopt);
}

TEST(ReconClient, AnUnknownDateIsNotFound) {
  Fixture f;
  ReconClient client(f.shared, HttpOptions{}, "main", f.ledger);
  RequestCounters counters;
  EXPECT_EQ(client.download("01012020", counters).kind, ReconDownloadResult::Kind::not_found);
  EXPECT_EQ(client.download("12/12/2026", counters).kind, ReconDownloadResult::Kind::failed);
}

TEST(ReconClient, FaultsAndThrottlingAreRetriedToTheSameReport) {
  Fixture clean;
  ReconClient plain(clean.shared, HttpOptions{}, "main", clean.ledger);
  RequestCounters c0;
  const ReconDownloadResult expected = plain.download("12122026", c0);
  ASSERT_EQ(expected.kind, ReconDownloadResult::Kind::downloaded);

  sim::FaultOptions faults;
  faults.fail_rate = 0.2;
  faults.drop_rate = 0.15;
  faults.malformed_rate = 0.15;
  faults.throttle_rate = 0.1;
  faults.throttle_hold = std::chrono::milliseconds(20);
  Fixture f(faults);
  f.shared.max_retries = 20;  // 60 % of the answers are faults: giving up must stay improbable
  ReconClient client(f.shared, HttpOptions{}, "main", f.ledger);
  RequestCounters counters;
  for (int i = 0; i < 4; ++i) {
    const ReconListResult list = client.list_reports(counters);
    ASSERT_TRUE(list.ok) << list.error.describe();
    EXPECT_EQ(list.report_dates.back(), "12122026");
  }
  const ReconDownloadResult d = client.download("12122026", counters);
  ASSERT_EQ(d.kind, ReconDownloadResult::Kind::downloaded) << d.error.describe();
  EXPECT_EQ(recon::check_report_file(d.bytes).csv_sha256,
            recon::check_report_file(expected.bytes).csv_sha256);
  EXPECT_GT(counters.retries + counters.throttled, 0u);
}

// 429s and 5xx answers on both recon endpoints (the shared request loop): the answer comes after
// the retries, each 429 counted as throttled (held, not a retry), each 5xx as a retry.
TEST(ReconClient, ThrottlingAndServerErrorsOnTheReconEndpointsAreRetried) {
  sim::FaultOptions throttling;
  throttling.throttle_rate = 0.5;
  throttling.throttle_hold = std::chrono::milliseconds(20);
  sim::FaultOptions failing;
  failing.fail_rate = 0.5;
  for (const sim::FaultOptions& faults : {throttling, failing}) {
    Fixture f(faults);
    f.shared.max_retries = 30;  // half the answers are faults: giving up must stay improbable
    ReconClient client(f.shared, HttpOptions{}, "main", f.ledger);
    RequestCounters counters;
    for (int i = 0; i < 6; ++i) {
      const ReconListResult list = client.list_reports(counters);
      ASSERT_TRUE(list.ok) << list.error.describe();
      EXPECT_EQ(list.report_dates.back(), "12122026");
    }
    const ReconDownloadResult d = client.download("12122026", counters);
    ASSERT_EQ(d.kind, ReconDownloadResult::Kind::downloaded) << d.error.describe();
    EXPECT_TRUE(recon::check_report_file(d.bytes).parsed.report);
    if (faults.throttle_rate > 0) {
      EXPECT_GT(counters.throttled, 0u);
      EXPECT_EQ(counters.retries, 0u);
    } else {
      EXPECT_GT(counters.retries, 0u);
      EXPECT_EQ(counters.throttled, 0u);
    }
    EXPECT_EQ(counters.requests, 7u + counters.throttled + counters.retries);
  }
}

TEST(ReconClient, EachSellerGetsItsOwnReports) {
  Fixture f;
  config::WalmartConfig second = f.cfg;
  second.accounts.clear();
  second.accounts["two"] = config::WalmartAccount{"sim-client-id-2", "sim-client-secret-2", ""};
  TokenProvider tokens2(
      second, resolve_account(second, ""), HttpOptions{},
      TokenRetryPolicy{4, std::chrono::milliseconds(5), std::chrono::milliseconds(20)});
  PacedShared shared2 = f.shared;
  shared2.tokens = &tokens2;
  ReconClient one(f.shared, HttpOptions{}, "main", f.ledger);
  ReconClient two(shared2, HttpOptions{}, "two", f.ledger);
  RequestCounters counters;
  const ReconDownloadResult a = one.download("12122026", counters);
  const ReconDownloadResult b = two.download("12122026", counters);
  ASSERT_EQ(a.kind, ReconDownloadResult::Kind::downloaded) << a.error.describe();
  ASSERT_EQ(b.kind, ReconDownloadResult::Kind::downloaded) << b.error.describe();
  EXPECT_EQ(b.file_name.rfind("10000000002_", 0), 0u) << b.file_name;
  EXPECT_NE(recon::check_report_file(a.bytes).csv_sha256,
            recon::check_report_file(b.bytes).csv_sha256);
}

TEST(ReconClient, ContentDispositionNames) {
  EXPECT_EQ(content_disposition_filename("attachment; filename=a_b.zip"), "a_b.zip");
  EXPECT_EQ(content_disposition_filename("attachment; filename=\"x y.zip\"; size=3"), "x y.zip");
  EXPECT_EQ(content_disposition_filename("attachment"), "");
}

}  // namespace
}  // namespace etl::walmart
