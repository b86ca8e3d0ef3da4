// `walmart-etl load --data recon` as a user runs it: report zips and CSVs into walmart_recon_*,
// a regenerated report replacing its date's rows (count and sum), a mismatched report kept as a
// dead letter without a row written, --report-date, and the clear refusals.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mysql/connection.hpp"
#include "mysql/schema.hpp"
#include "recon/zip_archive.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/recon/recon_sample.hpp"
#include "support/test_env.hpp"

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

}  // namespace
}  // namespace etl
