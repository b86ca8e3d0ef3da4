// The recon stream's write path end to end below the worker: report chunks produced to the dev
// broker (split_report, small chunks) and consumed back, the pending batch (assembly, checks,
// offsets) and the writer on the server under test, committing every few messages. One partition
// carries two interleaved multi-chunk reports, a regenerated version of one of them, a report
// with a corrupted chunk and one with a missing chunk. A run that dies mid-report (its batch
// never committed) and starts again from the stored offset ends with the same tables.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "mysql/schema.hpp"
#include "pipeline/stream/health.hpp"
#include "pipeline/stream/metrics.hpp"
#include "pipeline/stream/recon_batch.hpp"
#include "pipeline/stream/recon_stream_batch.hpp"
#include "pipeline/stream/worker.hpp"
#include "recon/decimal_text.hpp"
#include "recon/zip_archive.hpp"
#include "support/kafka/kafka_test_support.hpp"
#include "support/mysql/sink_test_support.hpp"
#include "support/recon/recon_sample.hpp"
#include "support/test_env.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::pipeline {
namespace {

using namespace std::chrono_literals;
using test::sink::scalar;
using testing::recon::report_csv;

constexpr size_t kChunk = 200;  // bytes per chunk: every report below is several chunks
const std::string kGroup = "g-recon";

struct Report {
  std::string file;
  std::vector<recon::ReportChunk> chunks;
  recon::CheckedReport checked;
  Report(const std::string& date, const std::string& csv) {
    file = recon::make_report_zip("report.csv", csv);
    recon::ReportChunkHeaders h;
    h.account = "brand-us";
    h.report_date = date;
    h.file_name = "10000000354_" + date + "T08:00:00.000+0000.zip";
    h.fetched_at = "2026-12-12 09:00:00";
    chunks = recon::split_report(file, h, kChunk);
    checked = recon::check_report_file(file);
  }
  [[nodiscard]] std::string key() const {
    return recon::report_message_key("brand-us", chunks[0].headers.report_date);
  }
  [[nodiscard]] std::string expected_state() const {
    const std::string t =
        recon::format_scaled_decimal(checked.parsed.report->summary.total_payable_cents, 2);
    return std::to_string(checked.parsed.report->rows.size()) + "|" + t + "|" + t;
  }
};

class ReconStream : public ::testing::Test {
 protected:
  ReconStream()
      : broker_({1, {{topic_, 1}}}),
        cfg_(kafka::test::config_for(broker_)),
        db_(etl::test::test_mysql_config()) {
    mysql::init_db(db_.config());
    conn_.emplace(mysql::Connection::open(db_.config()));
  }

  void produce(const Report& r, size_t chunk, std::optional<std::string> value = std::nullopt) {
    const auto pairs = recon::to_message_headers(r.chunks.at(chunk).headers);
    std::vector<kafka::HeaderView> headers;
    headers.reserve(pairs.size());
    for (const auto& [n, v] : pairs) headers.push_back({n, v});
    const std::string key = r.key();
    const std::string bytes = value ? *value : std::string(r.chunks.at(chunk).bytes);
    ASSERT_FALSE(producer_->produce(kafka::OutgoingMessage(topic_, key, bytes, headers, 0)));
    ++produced_;
  }
  void flush() { ASSERT_EQ(producer_->flush(10s).undelivered, 0u); }

  // Consumes partition 0 from `from` and writes it through a fresh batch, committing every
  // `every` messages; stops (without committing what is pending, as a killed process) after
  // `stop_after` messages. Returns the batch's counters.
  ReconBatchCounters run(int64_t from, size_t every, size_t stop_after) {
    kafka::ConsumerOptions options;
    options.client.group_id = kafka::test::random_topic("recon-reader");
    kafka::Consumer consumer(cfg_, options);
    consumer.assign({{topic_, 0, from}});
    ReconPendingBatch batch(kGroup, topic_);
    mysql::ReconBatchWriter writer(db_.config(), {});
    std::optional<int64_t> stored;
    if (const std::string s = stored_offset(); s != "-") stored = std::stoll(s);
    size_t seen = 0;
    std::vector<kafka::Message> held;  // a batch's messages live until it commits
    const auto commit = [&] {
      const auto& w = batch.write_batch({{0, stored}});
      const auto r = writer.write(w);
      EXPECT_TRUE(r.fenced.empty());
      for (const auto& o : w.offsets) stored = o.next_offset;
      batch.committed();
      held.clear();
    };
    const auto end = static_cast<int64_t>(produced_);
    EXPECT_TRUE(kafka::test::wait_until(
        30s, [&] { return seen >= stop_after || (seen > 0 && held.empty() && last_ + 1 >= end); },
        [&] {
          auto m = consumer.poll(100ms);
          if (!m || m->is_error()) return;
          last_ = m->offset();
          batch.add(*m);
          held.push_back(std::move(*m));
          ++seen;
          if (seen >= stop_after) return;  // killed: nothing of this batch is committed
          if (held.size() >= every || last_ + 1 >= end) commit();
        }));
    const ReconBatchCounters counters = batch.counters();
    held.clear();
    consumer.close();
    return counters;
  }

  std::string q(const std::string& sql) { return scalar(*conn_, sql); }
  std::string state(const std::string& date) {
    return q(
        "SELECT CONCAT(COUNT(*), '|', COALESCE(SUM(amount), 0), '|', COALESCE((SELECT "
        "total_payable FROM walmart_recon_file WHERE report_date = '" +
        date + "'), '-')) FROM walmart_recon_row WHERE report_date = '" + date + "'");
  }
  std::string stored_offset() {
    return q(
        "SELECT COALESCE(MAX(next_offset), '-') FROM etl_kafka_offset WHERE consumer_group "
        "= '" +
        kGroup + "' AND topic = '" + topic_ + "' AND partition_id = 0");
  }

  std::string topic_ = kafka::test::random_topic("recon");
  kafka::DevBroker broker_;
  config::KafkaConfig cfg_;
  etl::test::ScopedDatabase db_;
  std::optional<mysql::Connection> conn_;
  std::unique_ptr<kafka::Producer> producer_ = std::make_unique<kafka::Producer>(cfg_);
  size_t produced_ = 0;
  int64_t last_ = -1;
};

TEST_F(ReconStream, InterleavedRegeneratedCorruptAndGappedReportsEndExact) {
  const Report a("2026-12-12", report_csv(6));
  const Report b("2026-11-28", report_csv(30, 200012345679000));
  const Report a2("2026-12-12", report_csv(15, 200012345670000, 0, 1999));  // regenerated
  const Report c("2026-11-14", report_csv(6, 200012345671000));             // corrupted chunk
  const Report d("2026-10-31", report_csv(6, 200012345672000));             // chunk 1 lost
  for (const Report* r : {&a, &b, &a2, &c, &d}) ASSERT_GE(r->chunks.size(), 3u);
  const size_t na = a.chunks.size();
  ASSERT_GE(b.chunks.size(), na + 2) << "b must outlast a";
  // a and b interleaved (a at even offsets from 0, b at odd ones from 1), then a2, c (chunk 1
  // corrupted), d (chunk 1 missing).
  for (size_t i = 0; i < b.chunks.size(); ++i) {
    if (i < na) produce(a, i);
    produce(b, i);
  }
  for (size_t i = 0; i < a2.chunks.size(); ++i) produce(a2, i);
  for (size_t i = 0; i < c.chunks.size(); ++i) {
    std::string bytes(c.chunks[i].bytes);
    if (i == 1) bytes[7] = static_cast<char>(bytes[7] ^ 0x01);
    produce(c, i, bytes);
  }
  for (size_t i = 0; i < d.chunks.size(); ++i) {
    if (i != 1) produce(d, i);
  }
  flush();
  const auto end = static_cast<int64_t>(produced_);

  // The first run commits every 3 messages and dies after a is complete and committed, in the
  // middle of b: a is written, and the stored offset waits at b's first chunk (offset 1).
  run(0, 3, 2 * na + 2);
  EXPECT_EQ(stored_offset(), "1") << "the first chunk of the unfinished report";
  EXPECT_EQ(state("2026-12-12"), a.expected_state());
  EXPECT_EQ(state("2026-11-28"), "0|0.00|-");

  // The restart reads from the stored offset to the end: a's later chunks are skipped (its
  // beginning is before the restart), b is whole again.
  const ReconBatchCounters counters = run(1, 4, SIZE_MAX);
  EXPECT_EQ(stored_offset(), std::to_string(end));
  EXPECT_EQ(state("2026-12-12"), a2.expected_state());  // replaced by the regenerated version
  EXPECT_EQ(state("2026-11-28"), b.expected_state());
  EXPECT_EQ(state("2026-11-14"), "0|0.00|-");
  EXPECT_EQ(state("2026-10-31"), "0|0.00|-");
  EXPECT_EQ(counters.orphan_chunks, 1u);  // a
  EXPECT_EQ(counters.reports, 2u);        // b, a2
  EXPECT_EQ(q("SELECT CONCAT_WS('|', COUNT(*), MIN(report_date), MIN(problem), "
              "MIN(LENGTH(payload)) = " +
              std::to_string(c.file.size()) + ") FROM walmart_recon_dead_letter"),
            "1|2026-11-14|unreadable|1");
  EXPECT_EQ(counters.abandoned, 1u);  // d
  EXPECT_EQ(counters.dead_letters, 1u);
  EXPECT_EQ(q("SELECT source FROM walmart_recon_file WHERE report_date = '2026-12-12'"),
            topic_ + "/0/" + std::to_string(na + b.chunks.size()) + "-" +
                std::to_string(na + b.chunks.size() + a2.chunks.size() - 1));
}

}  // namespace
}  // namespace etl::pipeline

namespace etl::pipeline {
namespace {

// The same chunks through a StreamWorker running the recon data set's batch: the worker writes
// what is complete, the stored offset waits at the unfinished report's first chunk while its
// chunks count as pending, and the whole is written exactly once it arrives.
TEST_F(ReconStream, AWorkerWithTheReconBatchHoldsTheOffsetUntilTheReportIsWhole) {
  const Report a("2026-12-12", report_csv(6));
  const Report b("2026-11-28", report_csv(30, 200012345679000));
  const size_t na = a.chunks.size();
  ASSERT_GE(b.chunks.size(), na + 2);
  for (size_t i = 0; i < b.chunks.size(); ++i) {
    if (i < na) produce(a, i);
    produce(b, i);
  }
  flush();
  const auto end = static_cast<int64_t>(produced_);

  StreamMetrics metrics(recon_stream_metric_names());
  StreamHealth health;
  WorkerSettings s;
  s.make_batch = [](const StreamBatchSettings& b) { return std::make_unique<ReconStreamBatch>(b); };
  s.mysql = db_.config();
  s.consumer_group = kGroup;
  s.topic = topic_;
  s.batch_size = 4;
  StreamWorker worker(0, s, metrics, health);
  worker.adopt(0, std::nullopt);

  kafka::ConsumerOptions options;
  options.client.group_id = kafka::test::random_topic("recon-worker");
  kafka::Consumer consumer(cfg_, options);
  consumer.assign({{topic_, 0, 0}});
  // Everything up to a's end and some of b: a is written, the offset waits at b's first chunk.
  const auto stop = static_cast<int64_t>(2 * na + 2);
  int64_t next = 0;
  const auto push_until = [&](int64_t limit) {
    EXPECT_TRUE(kafka::test::wait_until(
        30s, [&] { return next >= limit; },
        [&] {
          auto m = consumer.poll(100ms);
          if (!m || m->is_error()) return;
          next = m->offset() + 1;
          worker.push(std::move(*m));
        }));
  };
  push_until(stop);
  const size_t b_held = static_cast<size_t>(stop) - na;  // all below stop but a's chunks
  EXPECT_TRUE(kafka::test::wait_until(
      30s, [&] { return state("2026-12-12") == a.expected_state(); },
      [] { std::this_thread::sleep_for(20ms); }));
  EXPECT_TRUE(kafka::test::wait_until(
      10s, [&] { return worker.written().count(0) != 0 && worker.pending() == b_held; },
      [] { std::this_thread::sleep_for(20ms); }))
      << "b's chunks are consumed but not committed";
  EXPECT_EQ(worker.written().at(0), 1);
  EXPECT_EQ(stored_offset(), "1");
  EXPECT_EQ(state("2026-11-28"), "0|0.00|-");

  push_until(end);
  EXPECT_TRUE(kafka::test::wait_until(
      30s, [&] { return worker.written().count(0) != 0 && worker.written().at(0) == end; },
      [] { std::this_thread::sleep_for(20ms); }));
  EXPECT_EQ(worker.pending(), 0u);
  EXPECT_EQ(state("2026-11-28"), b.expected_state());
  EXPECT_EQ(state("2026-12-12"), a.expected_state());
  EXPECT_EQ(stored_offset(), std::to_string(end));
  EXPECT_FALSE(worker.fatal_error());
  worker.drain(std::chrono::steady_clock::now() + 10s);
  EXPECT_TRUE(worker.wait_stopped(std::chrono::steady_clock::now() + 10s));
  consumer.close();
}

}  // namespace
}  // namespace etl::pipeline
