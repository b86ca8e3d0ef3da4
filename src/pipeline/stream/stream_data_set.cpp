#include "pipeline/stream/stream_data_set.hpp"

#include <memory>

#include "common/error.hpp"
#include "pipeline/stream/order_batch.hpp"
#include "pipeline/stream/recon_stream_batch.hpp"
#include "pipeline/stream/return_batch.hpp"

namespace etl::pipeline {

namespace {

struct Entry {
  config::DataSet data_set;
  std::string config::KafkaConfig::*topic;
  StreamMetricNames (*metric_names)();
  StreamBatchFactory (*make_batch)();
};

StreamMetricNames order_names() { return {}; }

StreamMetricNames return_names() {
  StreamMetricNames n;
  n.records = "returns";
  n.records_help = "Returns written (walmart_return_raw upserts)";
  n.rows_help = "walmart_return_line rows written";
  n.charges_help = "walmart_return_charge rows written";
  n.dead_letter_table = "walmart_return_dead_letter";
  return n;
}

StreamBatchFactory make_order_batch() {
  return [](const StreamBatchSettings& s) { return std::make_unique<OrderStreamBatch>(s); };
}

StreamBatchFactory make_return_batch() {
  return [](const StreamBatchSettings& s) { return std::make_unique<ReturnStreamBatch>(s); };
}

StreamBatchFactory make_recon_batch() {
  return [](const StreamBatchSettings& s) { return std::make_unique<ReconStreamBatch>(s); };
}

// The table: one entry per data set `stream --data` knows.
constexpr Entry kEntries[] = {
    {config::DataSet::orders, &config::KafkaConfig::topic, order_names, make_order_batch},
    {config::DataSet::returns, &config::KafkaConfig::returns_topic, return_names,
     make_return_batch},
    {config::DataSet::recon, &config::KafkaConfig::recon_topic, recon_stream_metric_names,
     make_recon_batch},
};

const Entry& entry(config::DataSet data_set) {
  for (const Entry& e : kEntries) {
    if (e.data_set == data_set) return e;
  }
  throw ConfigError("stream --data: unknown data set");
}

}  // namespace

StreamMetricNames stream_metric_names(config::DataSet data_set) {
  return entry(data_set).metric_names();
}

StreamDataSet stream_data_set(config::DataSet data_set, const config::Config& cfg) {
  const Entry& e = entry(data_set);
  StreamDataSet d;
  d.data_set = data_set;
  d.topic = cfg.kafka.*e.topic;
  d.group = data_set == config::DataSet::orders
                ? cfg.kafka.consumer_group
                : cfg.kafka.consumer_group + "-" + std::string(config::to_string(data_set));
  d.metric_names = e.metric_names();
  d.make_batch = e.make_batch();
  return d;
}

std::string stream_group(const StreamDataSet& data_set, std::string_view flag) {
  return flag.empty() ? data_set.group : std::string(flag);
}

}  // namespace etl::pipeline
