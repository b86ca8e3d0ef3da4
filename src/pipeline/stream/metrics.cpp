#include "pipeline/stream/metrics.hpp"

namespace etl::pipeline {

namespace {
const std::vector<double> kRowBuckets{1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
const std::vector<double> kSecondBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                         0.5,   1,      2.5,   5,    10,    30,   60};
}  // namespace

StreamMetrics::StreamMetrics()
    : messages(registry.add_counter(
          "walmart_etl_stream_messages_total",
          "Kafka messages consumed and committed to MySQL (written or dead-lettered)")),
      orders(registry.add_counter("walmart_etl_stream_orders_total",
                                  "Orders written (walmart_order_raw upserts)")),
      rows(registry.add_counter("walmart_etl_stream_rows_total", "walmart_order rows written")),
      charges(registry.add_counter("walmart_etl_stream_charges_total",
                                   "walmart_order_charge rows written")),
      dead_letters(registry.add_counter_family("walmart_etl_stream_dead_letters_total",
                                               "Messages sent to walmart_order_dead_letter, by "
                                               "reason class (bad_record: rejected by the "
                                               "mapping; mysql_row_error: a row MySQL refused)",
                                               {"reason"})),
      conversion_warnings(
          registry.add_counter("walmart_etl_stream_conversion_warnings_total",
                               "Values that had to become NULL or be cut while mapping")),
      batches(
          registry.add_counter("walmart_etl_stream_batches_total", "MySQL transactions committed")),
      batch_rows(registry.add_histogram("walmart_etl_stream_batch_rows", "Rows per committed batch",
                                        kRowBuckets)),
      batch_seconds(registry.add_histogram("walmart_etl_stream_batch_seconds",
                                           "Time to write and commit one batch, retries included",
                                           kSecondBuckets)),
      visible_delay_seconds(registry.add_histogram(
          "walmart_etl_stream_visible_delay_seconds",
          "From the Kafka message timestamp to its batch being committed in MySQL",
          kSecondBuckets)),
      mysql_retries(
          registry.add_counter("walmart_etl_stream_mysql_retries_total",
                               "Batch attempts that failed with a retriable MySQL error")),
      fenced(registry.add_counter(
          "walmart_etl_stream_fenced_total",
          "Batches refused for a partition another consumer wrote meanwhile "
          "(offset fence); the partition is re-read from the offset in MySQL")),
      lag(registry.add_gauge_family(
          "walmart_etl_stream_lag_messages",
          "Per assigned partition: high watermark minus the next offset written",
          {"topic", "partition"})),
      lost_to_retention(registry.add_counter_family(
          "walmart_etl_stream_lost_to_retention_total",
          "Messages deleted by retention before the stream read them", {"topic", "partition"})),
      assigned_partitions(registry.add_gauge("walmart_etl_stream_assigned_partitions",
                                             "Partitions assigned to this process")),
      paused_partitions(registry.add_gauge("walmart_etl_stream_paused_partitions",
                                           "Partitions paused because their worker is behind")),
      pending_messages(registry.add_gauge("walmart_etl_stream_pending_messages",
                                          "Messages consumed but not yet committed to MySQL")),
      healthy(
          registry.add_gauge("walmart_etl_stream_healthy", "1 when /healthz answers 200, else 0")) {
  dead_letters.with({kDeadLetterMapping});
  dead_letters.with({kDeadLetterRowError});
}

uint64_t StreamMetrics::dead_letters_total() const {
  uint64_t n = 0;
  dead_letters.for_each([&](const auto&, const metrics::Counter& c) { n += c.value(); });
  return n;
}

uint64_t StreamMetrics::lost_total() const {
  uint64_t n = 0;
  lost_to_retention.for_each([&](const auto&, const metrics::Counter& c) { n += c.value(); });
  return n;
}

}  // namespace etl::pipeline
