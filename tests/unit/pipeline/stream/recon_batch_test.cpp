// The recon stream's pending batch, pure: chunks of interleaved reports in one partition are
// joined, checked and handed to the writer; the offset it stores never passes the first chunk of
// an unfinished report, and unfinished reports outlive a commit; digest mismatches, failed
// checks and messages that are no chunk are dead letters; gaps are counted losses.
#include "pipeline/stream/recon_batch.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recon/zip_archive.hpp"
#include "support/recon/recon_sample.hpp"

namespace etl::pipeline {
namespace {

using testing::recon::report_csv;

// One report of `account|date` as the messages fetch produces, chunks of at most `max` bytes.
struct Report {
  std::string key;
  std::string file;
  std::vector<recon::ReportChunk> chunks;

  Report(std::string date, std::string file_bytes, size_t max, std::string account = "brand-us")
      : file(std::move(file_bytes)) {
    recon::ReportChunkHeaders h;
    h.account = std::move(account);
    h.report_date = std::move(date);
    h.file_name = "report.zip";
    h.fetched_at = "2026-12-12 09:00:00";
    key = recon::report_message_key(h.account, h.report_date);
    chunks = recon::split_report(file, h, max);
  }
  [[nodiscard]] ReconChunkMessage message(size_t chunk, int64_t offset,
                                          int32_t partition = 0) const {
    ReconChunkMessage m;
    m.partition = partition;
    m.offset = offset;
    m.key = key;
    m.headers = recon::to_message_headers(chunks.at(chunk).headers);
    m.value = chunks.at(chunk).bytes;
    return m;
  }
};

std::string zip_of(int orders, int64_t base = 200012345678000, int64_t offset_cents = 0) {
  return recon::make_report_zip("report.csv", report_csv(orders, base, offset_cents));
}

using Stored = std::map<int32_t, std::optional<int64_t>>;

TEST(ReconBatch, InterleavedReportsAreJoinedAndTheOffsetWaitsForTheUnfinishedOne) {
  const Report a("2026-12-12", zip_of(30), 700);
  const Report b("2026-11-28", zip_of(20, 200012345679000), 700);
  ASSERT_GE(a.chunks.size(), 3u);
  ASSERT_GE(b.chunks.size(), 3u);
  ReconPendingBatch batch("g-recon", "walmart_recon_raw");
  int64_t offset = 100;
  // a0 b0 a1 b1 a2 b2 ...: a's chunks at even offsets from 100, b's at odd ones.
  for (size_t i = 0; i < std::max(a.chunks.size(), b.chunks.size()); ++i) {
    if (i < a.chunks.size()) batch.add(a.message(i, offset++));
    if (i < b.chunks.size()) batch.add(b.message(i, offset++));
    if (i == 0) {
      EXPECT_EQ(batch.commit_offsets().at(0), 100);  // a began at 100
    }
  }
  ASSERT_EQ(batch.contents().reports.size(), 2u);
  EXPECT_EQ(batch.contents().dead_letters.size(), 0u);
  const auto& first = batch.contents().reports[0];
  EXPECT_EQ(first.payload, a.chunks.size() <= b.chunks.size() ? a.file : b.file);
  EXPECT_EQ(batch.commit_offsets().at(0), offset);  // nothing unfinished: past the last message
  const auto& w = batch.write_batch(Stored{{0, 100}});
  ASSERT_EQ(w.offsets.size(), 1u);
  EXPECT_EQ(w.offsets[0].next_offset, offset);
  EXPECT_EQ(w.offsets[0].expected_stored, 100);
  EXPECT_EQ(w.offsets[0].consumer_group, "g-recon");
  for (const auto& r : w.reports) {
    EXPECT_EQ(r.info.account, "brand-us");
    EXPECT_TRUE(r.report.parsed.report);
    EXPECT_EQ(r.info.fetched_at, "2026-12-12 09:00:00");
    EXPECT_TRUE(r.info.source.starts_with("walmart_recon_raw/0/10")) << r.info.source;
  }
  EXPECT_EQ(batch.counters().reports, 2u);
  EXPECT_EQ(batch.counters().abandoned, 0u);
}

TEST(ReconBatch, AnUnfinishedReportSpansCommitsAndHoldsItsPartitionsOffset) {
  const Report a("2026-12-12", zip_of(30), 600);
  const Report small("2026-11-28", zip_of(1), 1 << 20);
  ASSERT_GE(a.chunks.size(), 3u);
  ReconPendingBatch batch("g", "t");
  batch.add(a.message(0, 10));
  batch.add(a.message(1, 11));
  batch.add(small.message(0, 12, 1));  // another partition, complete at once
  EXPECT_TRUE(batch.holds(0, 10));
  EXPECT_TRUE(batch.holds(0, 11));
  EXPECT_FALSE(batch.holds(1, 12));
  auto w = batch.write_batch(Stored{});
  ASSERT_EQ(w.offsets.size(), 2u);
  EXPECT_EQ(w.offsets[0].partition, 0);
  EXPECT_EQ(w.offsets[0].next_offset, 10);  // the first chunk of the unfinished report
  EXPECT_FALSE(w.offsets[0].expected_stored);
  EXPECT_EQ(w.offsets[1].next_offset, 13);
  EXPECT_EQ(w.reports.size(), 1u);
  batch.committed();
  EXPECT_EQ(batch.unfinished_reports(), 1u);
  EXPECT_TRUE(batch.empty());
  // Nothing moves while the report is unfinished: its partition is fenced on the value it holds.
  w = batch.write_batch(Stored{{0, 10}, {1, 13}});
  EXPECT_TRUE(w.offsets.empty()) << "nothing read since the commit";
  batch.add(a.message(2, 13));
  if (a.chunks.size() > 3) {
    w = batch.write_batch(Stored{{0, 10}, {1, 13}});
    ASSERT_EQ(w.offsets.size(), 1u);
    EXPECT_EQ(w.offsets[0].next_offset, 10);
    EXPECT_EQ(w.offsets[0].expected_stored, 10);
    EXPECT_TRUE(w.reports.empty());
    batch.committed();
    for (size_t i = 3; i < a.chunks.size(); ++i) {
      batch.add(a.message(i, 10 + static_cast<int64_t>(i)));
    }
  }
  const int64_t end = 10 + static_cast<int64_t>(a.chunks.size());
  w = batch.write_batch(Stored{{0, 10}, {1, 13}});
  ASSERT_EQ(w.reports.size(), 1u);
  EXPECT_EQ(w.reports[0].payload, a.file);
  EXPECT_FALSE(batch.holds(0, 10));
  EXPECT_EQ(w.reports[0].info.source, "t/0/10-" + std::to_string(end - 1));
  ASSERT_TRUE(w.reports[0].position);
  EXPECT_EQ(w.reports[0].position->last_offset, end - 1);
  ASSERT_EQ(w.offsets.size(), 1u);
  EXPECT_EQ(w.offsets[0].next_offset, end);
  EXPECT_EQ(w.offsets[0].expected_stored, 10);
}

TEST(ReconBatch, ADigestMismatchIsADeadLetterOfTheJoinedBytes) {
  const Report a("2026-12-12", zip_of(10), 500);
  ReconPendingBatch batch("g", "t");
  batch.add(a.message(0, 0));
  for (size_t i = 1; i < a.chunks.size(); ++i) {
    ReconChunkMessage m = a.message(i, static_cast<int64_t>(i));
    std::string bytes(m.value);
    if (i == 1) bytes[3] = static_cast<char>(bytes[3] ^ 0x20);
    m.value = bytes;
    batch.add(m);
  }
  ASSERT_EQ(batch.contents().dead_letters.size(), 1u);
  const auto& d = batch.contents().dead_letters[0];
  EXPECT_EQ(d.payload.size(), a.file.size());
  EXPECT_NE(d.payload, a.file);
  EXPECT_EQ(d.issue.problem, recon::ReconProblem::unreadable);
  EXPECT_NE(d.issue.message.find("SHA-256"), std::string::npos);
  EXPECT_EQ(d.info.report_date, "2026-12-12");
  EXPECT_TRUE(batch.contents().reports.empty());
  EXPECT_EQ(batch.counters().abandoned, 0u);
  EXPECT_EQ(batch.commit_offsets().at(0), static_cast<int64_t>(a.chunks.size()));
}

TEST(ReconBatch, AReportFailingItsChecksIsADeadLetterWithItsFigures) {
  const Report bad("2026-12-12", zip_of(3, 200012345678000, 250), 1 << 20);
  ReconPendingBatch batch("g", "t");
  batch.add(bad.message(0, 5));
  ASSERT_EQ(batch.contents().dead_letters.size(), 1u);
  const auto& d = batch.contents().dead_letters[0];
  EXPECT_EQ(d.issue.problem, recon::ReconProblem::sum_mismatch);
  EXPECT_EQ(d.payload, bad.file);
  EXPECT_TRUE(d.summary);
  EXPECT_EQ(d.info.source, "t/0/5");
}

TEST(ReconBatch, AGapIsALossAndTheOffsetMovesOn) {
  const Report a("2026-12-12", zip_of(20), 500);
  ASSERT_GE(a.chunks.size(), 3u);
  ReconPendingBatch batch("g", "t");
  batch.add(a.message(0, 0));
  batch.add(a.message(2, 1));  // chunk 1 never came
  EXPECT_EQ(batch.counters().abandoned, 1u);
  EXPECT_EQ(batch.unfinished_reports(), 0u);
  for (size_t i = 3; i < a.chunks.size(); ++i) batch.add(a.message(i, static_cast<int64_t>(i)));
  EXPECT_TRUE(batch.contents().reports.empty());
  EXPECT_EQ(batch.commit_offsets().at(0), static_cast<int64_t>(a.chunks.size()));
}

TEST(ReconBatch, ANewVersionOfADateReplacesItsUnfinishedAssembly) {
  const Report v1("2026-12-12", zip_of(20), 500);
  const Report v2("2026-12-12", zip_of(25, 200012345679000), 500);
  ReconPendingBatch batch("g", "t");
  batch.add(v1.message(0, 0));
  batch.add(v1.message(1, 1));
  EXPECT_TRUE(batch.holds(0, 1));
  int64_t offset = 2;
  for (size_t i = 0; i < v2.chunks.size(); ++i) {
    batch.add(v2.message(i, offset++));
    if (i == 0) {
      EXPECT_EQ(batch.commit_offsets().at(0), 2);  // v1 given up, v2 began at 2
    }
  }
  EXPECT_EQ(batch.counters().abandoned, 1u);
  EXPECT_FALSE(batch.holds(0, 1)) << "v1's chunks are done (given up)";
  ASSERT_EQ(batch.contents().reports.size(), 1u);
  EXPECT_EQ(batch.contents().reports[0].payload, v2.file);
}

TEST(ReconBatch, ChunksWhoseReportBeganBeforeTheStartAreSkippedNotLost) {
  const Report a("2026-12-12", zip_of(20), 500);
  const Report b("2026-11-28", zip_of(2), 1 << 20);
  ASSERT_GE(a.chunks.size(), 3u);
  ReconPendingBatch batch("g", "t");
  // The partition restarts at 50: a's chunk 0 was at 49 (read and decided before).
  batch.add(b.message(0, 50));
  for (size_t i = 1; i < a.chunks.size(); ++i) {
    batch.add(a.message(i, 50 + static_cast<int64_t>(i)));
  }
  EXPECT_EQ(batch.counters().orphan_chunks, 1u);  // logged once, the rest skipped
  EXPECT_EQ(batch.counters().abandoned, 0u);
  EXPECT_EQ(batch.contents().reports.size(), 1u);
}

TEST(ReconBatch, AMessageThatIsNoChunkIsADeadLetter) {
  const Report a("2026-12-12", zip_of(2), 1 << 20);
  ReconPendingBatch batch("g", "t");
  ReconChunkMessage m = a.message(0, 7);
  m.headers.erase(m.headers.begin() + 4);  // file_sha256
  batch.add(m);
  ReconChunkMessage wrong_key = a.message(0, 8);
  wrong_key.key = "brand-us|2026-01-01";
  batch.add(wrong_key);
  ASSERT_EQ(batch.contents().dead_letters.size(), 2u);
  EXPECT_EQ(batch.contents().dead_letters[0].info.account, "brand-us");
  EXPECT_EQ(batch.contents().dead_letters[0].issue.problem, recon::ReconProblem::unreadable);
  EXPECT_EQ(batch.contents().dead_letters[0].payload, a.file);
  EXPECT_NE(batch.contents().dead_letters[1].issue.message.find("key"), std::string::npos);
  EXPECT_EQ(batch.commit_offsets().at(0), 9);
}

TEST(ReconBatch, ARevokedPartitionForgetsItsUnfinishedReports) {
  const Report a("2026-12-12", zip_of(20), 500);
  const Report b("2026-11-28", zip_of(2), 1 << 20);
  ReconPendingBatch batch("g", "t");
  batch.add(a.message(0, 0, 3));
  batch.add(a.message(1, 1, 3));
  batch.add(b.message(0, 4, 3));
  batch.add(b.message(0, 9, 4));
  EXPECT_EQ(batch.drop_partitions({3}), 3u);
  EXPECT_EQ(batch.counters().dropped_reports, 1u);
  EXPECT_EQ(batch.unfinished_reports(), 0u);
  ASSERT_EQ(batch.contents().reports.size(), 1u);
  EXPECT_EQ(batch.contents().reports[0].info.source, "t/4/9");
  const auto offsets = batch.commit_offsets();
  EXPECT_EQ(offsets.count(3), 0u);
  EXPECT_EQ(offsets.at(4), 10);
  EXPECT_EQ(batch.messages(), 1u);
  // Given back later, the partition starts afresh at the stored offset.
  batch.add(a.message(0, 0, 3));
  EXPECT_EQ(batch.commit_offsets().at(3), 0);
}

TEST(ReconBatch, HeldBytesCountUnfinishedAndCompleteReports) {
  const Report a("2026-12-12", zip_of(20), 500);
  ReconPendingBatch batch("g", "t");
  batch.add(a.message(0, 0));
  EXPECT_EQ(batch.held_bytes(), a.chunks[0].bytes.size());
  for (size_t i = 1; i < a.chunks.size(); ++i) batch.add(a.message(i, static_cast<int64_t>(i)));
  EXPECT_EQ(batch.held_bytes(), a.file.size());
  batch.write_batch({});
  batch.committed();
  EXPECT_EQ(batch.held_bytes(), 0u);
}

TEST(ReconBatch, AReportLargerThanTheBoundIsGivenUp) {
  const Report a("2026-12-12", zip_of(20), 500);
  ReconPendingBatch batch("g", "t", 800);
  for (size_t i = 0; i < a.chunks.size(); ++i) batch.add(a.message(i, static_cast<int64_t>(i)));
  EXPECT_GE(batch.counters().abandoned, 1u);
  EXPECT_TRUE(batch.contents().reports.empty());
  EXPECT_LE(batch.held_bytes(), 800u);
}

}  // namespace
}  // namespace etl::pipeline
