#include "pipeline/stream/order_batch.hpp"

#include "pipeline/stream/metrics.hpp"

namespace etl::pipeline {

OrderStreamBatch::OrderStreamBatch(const StreamBatchSettings& settings)
    : mysql_(settings.mysql),
      raw_archive_(settings.raw_archive),
      batch_(settings.consumer_group, settings.topic, settings.default_account) {
  batch_.set_redactor(settings.redactor);
}

mysql::BatchWriter& OrderStreamBatch::writer() {
  if (!writer_) {
    mysql::BatchWriterOptions options;
    options.max_retries = 0;  // the worker retries: interruptible, with health reporting
    options.raw_archive = raw_archive_;
    writer_.emplace(mysql_, options);
  }
  return *writer_;
}

mysql::Connection& OrderStreamBatch::connection() { return writer().connection(); }

StreamWriteResult OrderStreamBatch::write(const std::map<int32_t, std::optional<int64_t>>& stored) {
  mysql::WriteResult r = writer().write(batch_.write_batch(stored));
  StreamWriteResult out;
  out.records = r.orders;
  out.rows = r.rows;
  out.charges = r.charges;
  out.dead_letters = r.dead_letters;
  out.row_errors = r.rejected.size();
  out.retries = r.retries;
  out.fenced = r.fenced;
  last_ = std::move(r);
  return out;
}

void OrderStreamBatch::clear() {
  batch_.clear();
  last_ = {};
}

void OrderStreamBatch::count_accounts(StreamMetrics& metrics) const {
  metrics.count_accounts(batch_.contents(), last_);
}

}  // namespace etl::pipeline
