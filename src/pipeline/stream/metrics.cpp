#include "pipeline/stream/metrics.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <optional>

namespace etl::pipeline {

namespace {
const std::vector<double> kRowBuckets{1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
const std::vector<double> kSecondBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                         0.5,   1,      2.5,   5,    10,    30,   60};
}  // namespace

StreamMetrics::StreamMetrics(const StreamMetricNames& names)
    : names(names),
      messages(registry.add_counter(
          "walmart_etl_stream_messages_total",
          "Kafka messages consumed and committed to MySQL (written or dead-lettered)")),
      orders(registry.add_counter("walmart_etl_stream_" + names.records + "_total",
                                  names.records_help)),
      rows(registry.add_counter("walmart_etl_stream_rows_total", names.rows_help)),
      charges(registry.add_counter("walmart_etl_stream_charges_total", names.charges_help)),
      dead_letters(registry.add_counter_family(
          "walmart_etl_stream_dead_letters_total",
          "Messages sent to " + names.dead_letter_table +
              ", by reason class (bad_record: rejected by the mapping; mysql_row_error: a row "
              "MySQL refused)",
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
          registry.add_gauge("walmart_etl_stream_healthy", "1 when /healthz answers 200, else 0")),
      account_orders(registry.add_counter_family(
          "walmart_etl_stream_account_" + names.records + "_total",
          "Per account: " + names.records +
              " written (account \"(other)\": names beyond the first 100 not configured)",
          {"account"})),
      account_rows(registry.add_counter_family("walmart_etl_stream_account_rows_total",
                                               "Per account: " + names.rows_help, {"account"})),
      account_dead_letters(registry.add_counter_family(
          "walmart_etl_stream_account_dead_letters_total",
          "Per account: messages and " + names.records + " sent to " + names.dead_letter_table +
              " (account \"(none)\": no account could be told)",
          {"account"})) {
  dead_letters.with({kDeadLetterMapping});
  dead_letters.with({kDeadLetterRowError});
}

std::vector<std::string> configured_accounts(const config::Config& cfg) {
  std::vector<std::string> out;
  for (const auto& [name, account] : cfg.walmart_token.accounts) out.push_back(name);
  if (!cfg.stream.default_account.empty() &&
      cfg.walmart_token.accounts.count(cfg.stream.default_account) == 0) {
    out.push_back(cfg.stream.default_account);
  }
  return out;
}

void StreamMetrics::add_known_accounts(const std::vector<std::string>& accounts) {
  account_labels.add_known(accounts);
  for (const auto& a : accounts) {
    account_orders.with({a});
    account_rows.with({a});
    account_dead_letters.with({a});
  }
}

void StreamMetrics::count_accounts(const mysql::WriteBatch& batch, const mysql::WriteResult& r) {
  std::vector<bool> refused(batch.orders.size(), false);
  for (const auto& x : r.rejected) {
    if (x.batch_index < refused.size()) refused[x.batch_index] = true;
  }
  // The index of the last version of each order the writer accepted: the one written. Every
  // refused message is a dead letter of its own account (in a batch, the first account to bring an
  // id keeps it; a later message of another account for that id is refused).
  std::map<int64_t, size_t> last;
  for (size_t i = 0; i < batch.orders.size(); ++i) {
    if (!refused[i]) last[batch.orders[i].order.purchase_order_id] = i;
  }
  std::vector<std::pair<std::optional<std::string>, size_t>> records;
  std::vector<std::optional<std::string>> letters;
  for (size_t i = 0; i < batch.orders.size(); ++i) {
    if (refused[i]) letters.push_back(batch.orders[i].origin.account);
  }
  for (const auto& [id, i] : last) {
    const auto& o = batch.orders[i];
    records.emplace_back(o.origin.account, o.order.lines.size());
  }
  for (const auto& d : batch.dead_letters) letters.push_back(d.origin.account);
  count_account_records(records, letters);
}

void StreamMetrics::count_account_records(
    const std::vector<std::pair<std::optional<std::string>, size_t>>& records,
    const std::vector<std::optional<std::string>>& dead_letters) {
  struct Counts {
    uint64_t orders = 0;
    uint64_t rows = 0;
    uint64_t dead_letters = 0;
  };
  std::map<std::string, Counts> by_account;
  const auto label = [&](const std::optional<std::string>& account) {
    if (!account) return std::string(kNoAccount);
    auto l = account_labels.label(*account);
    if (l.first_overflow) {
      spdlog::warn(
          "stream: more than {} account names not in the configuration; the per-account metrics "
          "count '{}' and every further one under account=\"{}\"",
          kMaxUnseenAccounts, *account, kOtherAccount);
    }
    return std::move(l.value);
  };
  for (const auto& [account, rows] : records) {
    Counts& c = by_account[label(account)];
    ++c.orders;
    c.rows += rows;
  }
  for (const auto& account : dead_letters) ++by_account[label(account)].dead_letters;
  for (const auto& [account, c] : by_account) {
    if (c.orders > 0) account_orders.with({account}).inc(c.orders);
    if (c.rows > 0) account_rows.with({account}).inc(c.rows);
    if (c.dead_letters > 0) account_dead_letters.with({account}).inc(c.dead_letters);
  }
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
