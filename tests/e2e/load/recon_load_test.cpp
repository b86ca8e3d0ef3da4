// `walmart-etl load --data recon` as a user runs it: report zips and CSVs into walmart_recon_*,
// a regenerated report replacing its date's rows (count and sum), a mismatched report kept as a
// dead letter without a row written, --report-date, and the clear refusals.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/utc_time.hpp"
#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "recon/decimal_text.hpp"
#include "recon/report_file.hpp"
#include "recon/zip_archive.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/recon/recon_sample.hpp"
#include "support/test_env.hpp"
#include "tools/sim/simulator.hpp"
#include "walmart/credentials.hpp"
#include "walmart/recon_client.hpp"

namespace etl {
namespace {

using etl::testing::recon::report_csv;
using test::run_binary;
using test::sink::scalar;

class ReconLoadE2E : public ::testing::Test {
 protected:
  ReconLoadE2E() : db_(test::test_mysql_config()), env_(test::mysql_env(db_.config())) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
    dir_ = test::make_temp_dir("etl-recon-load");
  }
  ~ReconLoadE2E() override { std::filesystem::remove_all(dir_); }
  ReconLoadE2E(const ReconLoadE2E&) = delete;
  ReconLoadE2E& operator=(const ReconLoadE2E&) = delete;
  ReconLoadE2E(ReconLoadE2E&&) = delete;
  ReconLoadE2E& operator=(ReconLoadE2E&&) = delete;

  test::ProcessResult load(std::vector<std::string> args) {
    args.insert(args.begin(), {"load", "--data", "recon", "--account", "seller-a"});
    return run_binary(args, env_, std::chrono::seconds(120));
  }
  std::string write_file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  // "rows|sum|total payable" of one report date of seller-a.
  std::string state(const std::string& date) {
    return q(
        "SELECT CONCAT(COUNT(*), '|', COALESCE(SUM(amount), 0), '|', COALESCE((SELECT "
        "total_payable FROM walmart_recon_file WHERE account = 'seller-a' AND report_date "
        "= '" +
        date +
        "'), '-')) FROM walmart_recon_row WHERE account = 'seller-a' AND "
        "report_date = '" +
        date + "'");
  }

  test::ScopedDatabase db_;
  std::map<std::string, std::string> env_;
  std::optional<mysql::Connection> conn_;
  std::string dir_;
};

TEST_F(ReconLoadE2E, ZipThenRegeneratedCsvReplacesTheReportDate) {
  const std::string v1 = report_csv(3);
  const std::string zip = write_file("10000000354_2026-12-12T08:00:00.000+0000.zip",
                                     recon::make_report_zip("r.csv", v1));
  auto r = load({zip});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("reports written: 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rows written:    13"), std::string::npos) << r.out;
  // The report date is the payout date of the PaymentSummary row (12/12/2026).
  const std::string t1 = q("SELECT total_payable FROM walmart_recon_file");
  EXPECT_EQ(state("2026-12-12"), "13|" + t1 + "|" + t1);
  EXPECT_EQ(q("SELECT CONCAT(file_name, ' ', source LIKE 'file:%', ' ', fetched_at IS NOT NULL) "
              "FROM walmart_recon_file"),
            "10000000354_2026-12-12T08:00:00.000+0000.zip 1 1");

  // Walmart regenerated the report: more rows, other amounts, the same date.
  const std::string csv = write_file("regenerated.csv", report_csv(6, 200012345679000, 0, 1000));
  r = load({csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rows replaced:   13"), std::string::npos) << r.out;
  const std::string t2 = q("SELECT total_payable FROM walmart_recon_file");
  EXPECT_NE(t1, t2);
  EXPECT_EQ(state("2026-12-12"), "25|" + t2 + "|" + t2);
  r = load({csv});  // again: the same 25 rows, never 50
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(state("2026-12-12"), "25|" + t2 + "|" + t2);
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_recon_file"), "1");
}

TEST_F(ReconLoadE2E, AMismatchedReportIsADeadLetterAndWritesNoRow) {
  const std::string good = write_file("good.csv", report_csv(2));
  ASSERT_EQ(load({good}).exit_code, 0);
  const std::string before = state("2026-12-12");
  const std::string bad =
      write_file("bad.zip", recon::make_report_zip("r.csv", report_csv(5, 200012345679000, -100)));
  const auto r = load({bad});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("dead letters:    1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("sum_mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("difference 1.00"), std::string::npos) << r.err;
  EXPECT_EQ(state("2026-12-12"), before);
  EXPECT_EQ(q("SELECT CONCAT(problem, ' ', report_date, ' ', detail_sum - total_payable, ' ', "
              "source) FROM walmart_recon_dead_letter"),
            "sum_mismatch 2026-12-12 1.00 file:" + bad);
}

TEST_F(ReconLoadE2E, ReportDateOptionAndRefusals) {
  const std::string csv = write_file("r.csv", report_csv(1));
  auto r = load({"--report-date", "11282026", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(q("SELECT CONCAT(COUNT(*), ' ', MIN(report_date)) FROM walmart_recon_row"),
            "5 2026-11-28");
  r = load({"--report-date", "2026-13-01", csv});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not a date"), std::string::npos) << r.err;
  r = run_binary({"load", "--account", "seller-a", "--report-date", "11282026", csv}, env_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--data recon only"), std::string::npos) << r.err;
  r = load({dir_ + "/missing.zip"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read input file"), std::string::npos) << r.err;
  // A file that is no report at all is kept too, with the reason.
  const std::string junk = write_file("junk.zip", "PK\3\4 not really a zip");
  r = load({junk});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(q("SELECT CONCAT(problem, ' ', report_date IS NULL) FROM walmart_recon_dead_letter"),
            "unreadable 1");
}

// The simulator's report, downloaded by the client and loaded by the binary, equals what the
// simulator rendered; a day later Walmart (the simulator) regenerates it, and loading the new
// download replaces the date's rows: one row more, the sum moved by exactly that row.
TEST_F(ReconLoadE2E, TheSimulatorsReportDownloadedThenRegenerated) {
  walmart::sim::SimulatorOptions o;
  o.port = 0;
  o.orders_per_day = 40;
  o.days = 60;
  o.now_ms = 20799 * kDayMs + 9 * 3'600'000;  // 2026-12-12 09:00 UTC: the report is out
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
  walmart::PacedShared shared;
  shared.base_url = wcfg.base_url;
  shared.service_name = "Walmart Marketplace";
  shared.tokens = &tokens;
  shared.limiter = &limiter;
  shared.server_clock = &clock;
  recon::MemoryDownloadLedger ledger;
  walmart::ReconClient client(shared, walmart::HttpOptions{}, "main", ledger);
  walmart::RequestCounters counters;

  const auto download_and_load = [&]() {
    const walmart::ReconDownloadResult d = client.download("12122026", counters);
    EXPECT_EQ(d.kind, walmart::ReconDownloadResult::Kind::downloaded) << d.error.describe();
    const recon::CheckedReport checked = recon::check_report_file(d.bytes);
    EXPECT_TRUE(checked.parsed.report);
    const std::string path = write_file(d.file_name, d.bytes);
    const auto r = load({"--report-date", "12122026", path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return checked;
  };
  const recon::CheckedReport first = download_and_load();
  ASSERT_TRUE(first.parsed.report);
  const auto expect_state = [&](const recon::CheckedReport& c) {
    const std::string total =
        recon::format_scaled_decimal(c.parsed.report->summary.total_payable_cents, 2);
    EXPECT_EQ(state("2026-12-12"),
              std::to_string(c.parsed.report->rows.size()) + "|" + total + "|" + total);
  };
  expect_state(first);
  EXPECT_EQ(q("SELECT file_name FROM walmart_recon_file"),
            "10000000001_2026-12-12T08:00:00.000+0000.zip");

  sim.clock().advance_sim(std::chrono::hours(24));  // the report is regenerated
  ledger.record_download("main", "12122026", now_epoch_ms() - recon::kMinDownloadIntervalMs);
  const recon::CheckedReport second = download_and_load();
  ASSERT_TRUE(second.parsed.report);
  expect_state(second);
  EXPECT_EQ(second.parsed.report->rows.size(), first.parsed.report->rows.size() + 1);
  EXPECT_EQ(q("SELECT CONCAT(file_name, ' ', csv_sha256 = '" + second.csv_sha256 +
              "') FROM walmart_recon_file"),
            "10000000001_2026-12-13T08:00:00.000+0000.zip 1");
  EXPECT_EQ(q("SELECT CONCAT(transaction_description, ' ', amount, ' ', period_start) FROM "
              "walmart_recon_row WHERE transaction_key LIKE '%_adj'"),
            "Misc Invoices 1.23 2026-11-21");
}

}  // namespace
}  // namespace etl
