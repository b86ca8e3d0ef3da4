#pragma once
// What `stream --data <name>` runs: per data set, the topic it consumes, its consumer group, the
// names of its metrics and the batch its workers fill (stream_batch.hpp). One stream process
// consumes one data set (docs/architecture.md, "Data sets"); the rest of the stream does not know
// which. Adding a data set is one entry of the table in stream_data_set.cpp.

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/data_set.hpp"
#include "pipeline/stream/metrics.hpp"
#include "pipeline/stream/worker.hpp"

namespace etl::pipeline {

struct StreamDataSet {
  config::DataSet data_set = config::DataSet::orders;
  std::string topic;  // kafka.topic, kafka.returns_topic, ...
  // The consumer group when --group is not given: kafka.consumer_group, plus "-<data set>" for
  // every data set but orders (each stream process has a group and stored offsets of its own).
  std::string group;
  StreamMetricNames metric_names;
  StreamBatchFactory make_batch;
};

// The data set's entry, its topic and default group read from `cfg`. Throws ConfigError for a data
// set `stream` cannot consume (yet), saying so.
StreamDataSet stream_data_set(config::DataSet data_set, const config::Config& cfg);

// The metric names of a data set's stream (the same ConfigError as stream_data_set()).
StreamMetricNames stream_metric_names(config::DataSet data_set);

// The consumer group of a run: `flag` (--group) when given, verbatim, else the data set's default.
std::string stream_group(const StreamDataSet& data_set, std::string_view flag);

}  // namespace etl::pipeline
