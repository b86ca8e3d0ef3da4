// The writer of `stream --data recon` on the server under test (MariaDB and MySQL): reports,
// dead letters and the partitions' offsets in one transaction, fenced; a batch of offsets only;
// a report the server refuses becomes its dead letter while the rest is written; a lost
// connection is retried on a new one.
#include "mysql/recon_batch_writer.hpp"

#include <gtest/gtest.h>

#include "mysql/schema.hpp"
#include "recon/decimal_text.hpp"
#include "recon/zip_archive.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/recon/recon_sample.hpp"
#include "support/test_env.hpp"

namespace etl {
namespace {

using test::sink::scalar;
using testing::recon::report_csv;

mysql::ReconReportToWrite report(const std::string& date, const std::string& csv) {
  mysql::ReconReportToWrite r;
  r.info = {"brand-us", date, "report.zip", "walmart_recon_raw/0/1-3", "2026-12-12 09:00:00"};
  r.payload = recon::make_report_zip("report.csv", csv);
  r.report = recon::check_report_file(r.payload);
  EXPECT_TRUE(r.report.parsed.report);
  return r;
}

mysql::OffsetUpdate offset(int32_t partition, int64_t next, std::optional<int64_t> expected) {
  return {"g-recon", "walmart_recon_raw", partition, next, expected};
}

class ReconBatchWriterTest : public ::testing::Test {
 protected:
  ReconBatchWriterTest() : db_(test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }
  mysql::ReconBatchWriter writer(mysql::ReconBatchWriterOptions o = {}) {
    o.backoff_initial = std::chrono::milliseconds(10);
    o.backoff_max = std::chrono::milliseconds(50);
    return {db_.config(), std::move(o)};
  }
  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  // "rows|sum of amount|file total" of one report date.
  std::string state(const std::string& date) {
    return q(
        "SELECT CONCAT(COUNT(*), '|', COALESCE(SUM(amount), 0), '|', COALESCE((SELECT "
        "total_payable FROM walmart_recon_file WHERE report_date = '" +
        date + "'), '-')) FROM walmart_recon_row WHERE report_date = '" + date + "'");
  }
  static std::string expected(const mysql::ReconReportToWrite& r) {
    const std::string t =
        recon::format_scaled_decimal(r.report.parsed.report->summary.total_payable_cents, 2);
    return std::to_string(r.report.parsed.report->rows.size()) + "|" + t + "|" + t;
  }
  std::string stored_offset(int32_t partition) {
    return q(
        "SELECT COALESCE(MAX(next_offset), '-') FROM etl_kafka_offset WHERE consumer_group = "
        "'g-recon' AND topic = 'walmart_recon_raw' AND partition_id = " +
        std::to_string(partition));
  }

  test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
};

TEST_F(ReconBatchWriterTest, ReportsDeadLettersAndOffsetsCommitTogether) {
  auto w = writer();
  mysql::ReconBatch b;
  b.reports.push_back(report("2026-12-12", report_csv(3)));
  b.reports.push_back(report("2026-11-28", report_csv(2, 200012345679000)));
  mysql::ReconDeadLetterToWrite d;
  d.info = {"brand-us", "2026-11-14", "r.zip", "walmart_recon_raw/0/9", std::nullopt};
  d.payload = "joined bytes";
  d.issue = {recon::ReconProblem::unreadable, "digest mismatch", std::nullopt, std::nullopt};
  b.dead_letters.push_back(d);
  b.offsets.push_back(offset(0, 10, std::nullopt));
  const auto r = w.write(b);
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(r.reports, 2u);
  EXPECT_EQ(r.dead_letters, 1u);
  EXPECT_EQ(r.rows_written, b.reports[0].report.parsed.report->rows.size() +
                                b.reports[1].report.parsed.report->rows.size());
  EXPECT_EQ(state("2026-12-12"), expected(b.reports[0]));
  EXPECT_EQ(state("2026-11-28"), expected(b.reports[1]));
  EXPECT_EQ(stored_offset(0), "10");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', report_date, problem, payload, source) FROM "
              "walmart_recon_dead_letter"),
            "2026-11-14|unreadable|joined bytes|walmart_recon_raw/0/9");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', source, fetched_at) FROM walmart_recon_file WHERE "
              "report_date = '2026-12-12'"),
            "walmart_recon_raw/0/1-3|2026-12-12 09:00:00");

  // A regenerated report of the same date, written again (a replay after a restart too):
  // replaced, never doubled.
  mysql::ReconBatch again;
  again.reports.push_back(report("2026-12-12", report_csv(5, 200012345670000, 0, 1999)));
  again.reports.push_back(again.reports[0]);
  again.offsets.push_back(offset(0, 14, 10));
  const auto r2 = w.write(again);
  EXPECT_TRUE(r2.fenced.empty());
  EXPECT_EQ(state("2026-12-12"), expected(again.reports[0]));
  EXPECT_EQ(stored_offset(0), "14");
}

TEST_F(ReconBatchWriterTest, AFencedBatchWritesNothing) {
  auto w = writer();
  mysql::ReconBatch b;
  b.offsets.push_back(offset(0, 5, std::nullopt));
  ASSERT_TRUE(w.write(b).fenced.empty());
  mysql::ReconBatch stale;
  stale.reports.push_back(report("2026-12-12", report_csv(3)));
  stale.dead_letters.push_back({{"brand-us", "", "x", "s", std::nullopt},
                                "bytes",
                                {recon::ReconProblem::unreadable, "m", std::nullopt, std::nullopt},
                                std::nullopt});
  stale.offsets.push_back(offset(1, 3, std::nullopt));
  stale.offsets.push_back(offset(0, 9, 4));  // MySQL holds 5
  const auto r = w.write(stale);
  ASSERT_EQ(r.fenced.size(), 1u);
  EXPECT_EQ(r.fenced[0].partition, 0);
  EXPECT_EQ(r.fenced[0].found, 5);
  EXPECT_EQ(r.reports, 0u);
  EXPECT_EQ(state("2026-12-12"), "0|0.00|-");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_recon_dead_letter"), "0");
  EXPECT_EQ(stored_offset(1), "-");
  EXPECT_EQ(stored_offset(0), "5");
}

TEST_F(ReconBatchWriterTest, ABatchOfOffsetsOnlyMovesThem) {
  auto w = writer();
  mysql::ReconBatch b;
  b.offsets.push_back(offset(0, 7, std::nullopt));
  b.offsets.push_back(offset(2, 3, std::nullopt));
  auto r = w.write(b);
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(r.offsets, 2u);
  b.offsets = {offset(0, 12, 7)};
  r = w.write(b);
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(stored_offset(0), "12");
  EXPECT_EQ(stored_offset(2), "3");
  EXPECT_EQ(q("SELECT COUNT(*) FROM walmart_recon_file"), "0");
}

TEST_F(ReconBatchWriterTest, AReportTheServerRefusesIsItsDeadLetterTheRestIsWritten) {
  auto w = writer();
  mysql::ReconBatch first;
  first.reports.push_back(report("2026-12-12", report_csv(2)));
  ASSERT_TRUE(w.write(first).fenced.empty());
  const std::string before = state("2026-12-12");

  std::string csv = report_csv(3, 200012345679000);
  // A Transaction Type longer than its column (VARCHAR(100)) on the last row.
  const size_t pos = csv.rfind("Adjustment");
  csv.replace(pos, 10, std::string(300, 'T'));
  mysql::ReconBatch b;
  b.reports.push_back(report("2026-12-12", csv));
  b.reports.push_back(report("2026-11-28", report_csv(4)));
  b.offsets.push_back(offset(0, 20, std::nullopt));
  const auto r = w.write(b);
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(r.refused, 1u);
  EXPECT_EQ(r.reports, 1u);
  EXPECT_EQ(r.dead_letters, 1u);
  EXPECT_EQ(state("2026-12-12"), before);  // the stored version stays
  EXPECT_EQ(state("2026-11-28"), expected(b.reports[1]));
  EXPECT_EQ(stored_offset(0), "20");
  EXPECT_EQ(q("SELECT CONCAT_WS('|', report_date, problem, LENGTH(payload) = " +
              std::to_string(b.reports[0].payload.size()) + ") FROM walmart_recon_dead_letter"),
            "2026-12-12|bad_value|1");
}

TEST_F(ReconBatchWriterTest, AnOlderVersionFromTheSamePartitionNeverReplacesALaterOne) {
  EXPECT_EQ(mysql::last_offset_in_source("walmart_recon_raw/3/10-25", "walmart_recon_raw", 3), 25);
  EXPECT_EQ(mysql::last_offset_in_source("walmart_recon_raw/3/7", "walmart_recon_raw", 3), 7);
  EXPECT_EQ(mysql::last_offset_in_source("walmart_recon_raw/3/7", "walmart_recon_raw", 1),
            std::nullopt);
  EXPECT_EQ(mysql::last_offset_in_source("file:/r.zip", "walmart_recon_raw", 3), std::nullopt);
  EXPECT_EQ(mysql::last_offset_in_source("walmart_recon_raw/3/x-", "walmart_recon_raw", 3),
            std::nullopt);

  auto w = writer();
  const auto at = [](mysql::ReconReportToWrite r, int64_t first, int64_t last) {
    r.info.source = "walmart_recon_raw/0/" + std::to_string(first) + "-" + std::to_string(last);
    r.position = mysql::ReconStreamPosition{"walmart_recon_raw", 0, last};
    return r;
  };
  const auto v1 = at(report("2026-12-12", report_csv(3)), 10, 12);
  const auto v2 = at(report("2026-12-12", report_csv(5, 200012345670000, 0, 1999)), 20, 22);
  mysql::ReconBatch b;
  b.reports = {v2};
  ASSERT_EQ(w.write(b).reports, 1u);
  // A replay of the older version (a restart re-reading from before it): not written.
  b.reports = {v1};
  const auto r = w.write(b);
  EXPECT_EQ(r.reports, 0u);
  EXPECT_EQ(r.stale, 1u);
  EXPECT_EQ(state("2026-12-12"), expected(v2));
  // The same version again, or a later one, is written.
  b.reports = {v2};
  EXPECT_EQ(w.write(b).reports, 1u);
  b.reports = {at(v1, 30, 31)};
  EXPECT_EQ(w.write(b).reports, 1u);
  EXPECT_EQ(state("2026-12-12"), expected(v1));
  // A file load (no position) always replaces.
  mysql::ReconReportToWrite loaded = v2;
  loaded.position.reset();
  loaded.info.source = "file:/tmp/r.zip";
  b.reports = {loaded};
  EXPECT_EQ(w.write(b).reports, 1u);
  EXPECT_EQ(state("2026-12-12"), expected(v2));
}

TEST_F(ReconBatchWriterTest, ALostConnectionIsRetriedOnANewOne) {
  auto killer = mysql::Connection::open(db_.config());
  mysql::ReconBatchWriterOptions o;
  o.before_commit = [&](int attempt) {
    if (attempt != 0) return;
    const auto id = scalar(
        killer, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = " +
                    killer.quote(db_.config().database) + " AND ID <> CONNECTION_ID() AND ID <> " +
                    q("SELECT CONNECTION_ID()") + " AND USER = " + killer.quote(db_.config().user) +
                    " AND COMMAND <> 'Daemon' ORDER BY ID DESC LIMIT 1");
    killer.execute("KILL CONNECTION " + id);
  };
  auto w = writer(o);
  mysql::ReconBatch b;
  b.reports.push_back(report("2026-12-12", report_csv(3)));
  b.offsets.push_back(offset(0, 4, std::nullopt));
  const auto r = w.write(b);
  EXPECT_TRUE(r.fenced.empty());
  EXPECT_EQ(r.retries, 1u);
  EXPECT_EQ(state("2026-12-12"), expected(b.reports[0]));
  EXPECT_EQ(stored_offset(0), "4");
}

}  // namespace
}  // namespace etl
