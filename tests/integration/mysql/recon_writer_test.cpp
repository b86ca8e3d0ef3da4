// The reconciliation writer on the server under test (MariaDB and MySQL): a report date holds
// exactly one version's rows - re-writing a regenerated report replaces them (count and sum),
// never doubles them, also with two writers of the same date at once; a report that failed its
// checks is a dead letter and writes no row; a value the server refuses rolls everything back.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "mysql/prepared_statement.hpp"
#include "mysql/recon_tables.hpp"
#include "mysql/schema.hpp"
#include "mysql/statement_warnings.hpp"
#include "recon/decimal_text.hpp"
#include "recon/zip_archive.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/recon/recon_sample.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

using test::sink::scalar;
using testing::recon::report_csv;

mysql::ReconFileInfo info_for(const std::string& date, const std::string& account = "brand-us") {
  return {account, date, "10000000354_2026-12-12T08:00:00.000+0000.zip", "test", std::nullopt};
}

class ReconWriter : public ::testing::Test {
 protected:
  ReconWriter() : db_(test::test_mysql_config()) {
    mysql::set_warning_observer(
        [this](std::string_view sql, const std::vector<mysql::StatementWarning>& ws) {
          const std::lock_guard lock(mutex_);
          for (const auto& w : ws) warnings_ += w.message + " in " + std::string(sql.substr(0, 80));
        });
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  ~ReconWriter() override {
    mysql::set_warning_observer({});
    EXPECT_EQ(warnings_, "");
  }
  ReconWriter(const ReconWriter&) = delete;
  ReconWriter& operator=(const ReconWriter&) = delete;
  ReconWriter(ReconWriter&&) = delete;
  ReconWriter& operator=(ReconWriter&&) = delete;

  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  // "rows|sum of amount|file total" of one report date.
  std::string state(const std::string& date, const std::string& account = "brand-us") {
    return q(
        "SELECT CONCAT(COUNT(*), '|', COALESCE(SUM(amount), 0), '|', (SELECT total_payable "
        "FROM walmart_recon_file WHERE account = '" +
        account + "' AND report_date = '" + date + "')) FROM walmart_recon_row WHERE account = '" +
        account + "' AND report_date = '" + date + "'");
  }

  test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
  std::mutex mutex_;
  std::string warnings_;
};

TEST_F(ReconWriter, ARegeneratedReportReplacesItsRowsNeverDoublesThem) {
  const auto v1 = recon::check_report_file(recon::make_report_zip("a.csv", report_csv(3)));
  const auto v2 = recon::check_report_file(report_csv(5, 200012345679000, 0, 1999));
  ASSERT_TRUE(v1.parsed.report && v2.parsed.report);
  const auto total = [](const recon::CheckedReport& r) {
    return recon::format_scaled_decimal(r.parsed.report->summary.total_payable_cents, 2);
  };
  mysql::ReconWriter w(*conn_);
  auto counts = w.replace_report(info_for("2026-12-12"), v1);
  EXPECT_EQ(counts.rows_written, 13u);
  EXPECT_EQ(counts.rows_deleted, 0u);
  w.replace_report(info_for("2026-11-28"), v1);  // another date: untouched below
  EXPECT_EQ(state("2026-12-12"), "13|" + total(v1) + "|" + total(v1));

  counts = w.replace_report(info_for("2026-12-12"), v2);
  EXPECT_EQ(counts.rows_deleted, 13u);
  EXPECT_EQ(counts.rows_written, 21u);
  EXPECT_EQ(state("2026-12-12"), "21|" + total(v2) + "|" + total(v2));
  w.replace_report(info_for("2026-12-12"), v2);  // the same version again: still one copy
  EXPECT_EQ(state("2026-12-12"), "21|" + total(v2) + "|" + total(v2));
  EXPECT_EQ(state("2026-11-28"), "13|" + total(v1) + "|" + total(v1));
  // The same date of another account is another report.
  w.replace_report(info_for("2026-12-12", "brand-ca"), v1);
  EXPECT_EQ(state("2026-12-12"), "21|" + total(v2) + "|" + total(v2));

  EXPECT_EQ(q("SELECT CONCAT(period_start, ' ', period_end, ' ', currency, ' ', declared_lines, "
              "' ', detail_rows, ' ', csv_sha256 = '" +
              v2.csv_sha256 +
              "') FROM walmart_recon_file WHERE account = 'brand-us' AND report_date = "
              "'2026-12-12'"),
            "2026-11-21 2026-12-04 USD 22 21 1");
  // Typed columns and the kept ones.
  EXPECT_EQ(q("SELECT CONCAT(row_no, ' ', transaction_type, ' ', customerOrderId, ' ', "
              "salesOrderLineNumber, ' ', amount, ' ', commission_rate, ' ', sku, ' ', "
              "DATE(posted_at), ' ', JSON_UNQUOTE(JSON_EXTRACT(other_columns, "
              "'$.\"Commission Rule\"'))) FROM walmart_recon_row WHERE account = 'brand-us' AND "
              "report_date = '2026-12-12' AND row_no = 4"),
            "4 Sale 200012345679000 1 -2.99 15.000 SKU-1 2026-11-23 BSE-66-15.0");
}

TEST_F(ReconWriter, TwoWritersOfOneReportDateLeaveExactlyOneVersion) {
  const auto a = recon::check_report_file(report_csv(40));
  const auto b = recon::check_report_file(report_csv(70, 200012345679000, 0, 1500));
  ASSERT_TRUE(a.parsed.report && b.parsed.report);
  const auto writer = [&](const recon::CheckedReport& r) {
    auto conn = mysql::Connection::open(db_.config());
    mysql::ReconWriter w(conn);
    for (int i = 0; i < 6; ++i) w.replace_report(info_for("2026-12-12"), r);
  };
  std::thread ta(writer, std::cref(a));
  std::thread tb(writer, std::cref(b));
  ta.join();
  tb.join();
  const std::string s = state("2026-12-12");
  const auto expect = [](const recon::CheckedReport& r) {
    const std::string t =
        recon::format_scaled_decimal(r.parsed.report->summary.total_payable_cents, 2);
    return std::to_string(r.parsed.report->rows.size()) + "|" + t + "|" + t;
  };
  EXPECT_TRUE(s == expect(a) || s == expect(b)) << s;
}

TEST_F(ReconWriter, AMismatchedFileIsADeadLetterAndTheStoredVersionStays) {
  mysql::ReconWriter w(*conn_);
  const auto good = recon::check_report_file(report_csv(2));
  w.replace_report(info_for("2026-12-12"), good);
  const std::string before = state("2026-12-12");

  const std::string bad_bytes =
      recon::make_report_zip("b.csv", report_csv(4, 200012345678000, 250));
  const auto bad = recon::check_report_file(bad_bytes);
  ASSERT_TRUE(bad.parsed.issue);
  ASSERT_EQ(bad.parsed.issue->problem, recon::ReconProblem::sum_mismatch);
  w.write_dead_letter(info_for("2026-12-12"), bad_bytes, *bad.parsed.issue, bad.parsed.summary);
  w.write_dead_letter(info_for("2026-12-12"), bad_bytes, *bad.parsed.issue, bad.parsed.summary);
  EXPECT_EQ(state("2026-12-12"), before);
  EXPECT_EQ(q("SELECT CONCAT(COUNT(*), ' ', MIN(problem), ' ', MIN(total_payable) - "
              "MIN(detail_sum), ' ', MIN(period_end), ' ', MIN(LENGTH(payload)) = " +
              std::to_string(bad_bytes.size()) + ") FROM walmart_recon_dead_letter"),
            "1 sum_mismatch 2.50 2026-12-04 1");
}

TEST_F(ReconWriter, AValueTheServerRefusesRollsTheWholeReportBack) {
  mysql::ReconWriter w(*conn_);
  w.replace_report(info_for("2026-12-12"), recon::check_report_file(report_csv(2)));
  const std::string before = state("2026-12-12");
  std::string csv = report_csv(3, 200012345679000);
  // A Transaction Type longer than its column (VARCHAR(100)) on the last row.
  const size_t pos = csv.rfind("Adjustment");
  csv.replace(pos, 10, std::string(300, 'T'));
  const auto too_long = recon::check_report_file(csv);
  ASSERT_TRUE(too_long.parsed.report);
  try {
    w.replace_report(info_for("2026-12-12"), too_long);
    FAIL() << "the server accepted a 300-character transaction type";
  } catch (const EtlError& e) {
    EXPECT_EQ(e.error().cls, ErrorClass::bad_record) << e.what();
  }
  EXPECT_EQ(state("2026-12-12"), before);
  const std::lock_guard lock(mutex_);
  warnings_.clear();  // the refused statement may leave the server's note of it
}

TEST_F(ReconWriter, ALongSourcePathIsCutNotARefusal) {
  mysql::ReconWriter w(*conn_);
  mysql::ReconFileInfo info = info_for("2026-12-12");
  info.source = "file:/" + std::string(300, 'd') + "/r\xC3\xA9sum\xC3\xA9.zip";  // 300+ chars
  w.replace_report(info, recon::check_report_file(report_csv(1)));
  EXPECT_EQ(q("SELECT CHAR_LENGTH(source) FROM walmart_recon_file"), "255");
  const auto bad = recon::check_report_file(report_csv(1, 200012345678000, 5));
  w.write_dead_letter(info, "bytes", *bad.parsed.issue, bad.parsed.summary);
  EXPECT_EQ(q("SELECT CHAR_LENGTH(source) FROM walmart_recon_dead_letter"), "255");
}

TEST_F(ReconWriter, InitDbMigrateCreatesTheReconTablesOnAnOlderOds) {
  const std::string db = mysql::quote_identifier(db_.config().database);
  for (const char* t : {"walmart_recon_row", "walmart_recon_file", "walmart_recon_dead_letter",
                        "etl_recon_fetch"}) {
    conn_->execute("DROP TABLE " + db + "." + t);
  }
  const auto report = mysql::init_db(db_.config(), true);
  EXPECT_TRUE(report.problems.empty());
  std::vector<std::string> created = report.created;
  std::sort(created.begin(), created.end());
  EXPECT_EQ(created, (std::vector<std::string>{"etl_recon_fetch", "walmart_recon_dead_letter",
                                               "walmart_recon_file", "walmart_recon_row"}));
}

}  // namespace
}  // namespace etl
