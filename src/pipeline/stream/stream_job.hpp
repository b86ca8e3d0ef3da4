#pragma once
// `walmart-etl stream`: Kafka (kafka.topic, consumer group) -> MySQL ods.*, exactly once.
// `stream --data returns`: the same for the returns data set (kafka.returns_topic, its own group,
// the returns tables); one process per data set, chosen in stream_data_set.hpp.
//
// Shape: one poll thread (this function's caller) runs the librdkafka consumer group
// (cooperative-sticky, no auto commit), the rebalance handlers, backpressure, lag, health and the
// status line, and hands each message to the StreamWorker that owns its partition
// (stream.parallelism workers, each with its own MySQL connection and OrderMapper).
//
// Offsets: on assignment a partition starts at the next offset stored in MySQL
// (ods.etl_kafka_offset, written in the same transaction as the rows); if none, at the group's
// committed offset; if none, at stream.reset. A stored offset below the partition's earliest
// offset means retention deleted unread messages: reported at ERROR with the count and in
// walmart_etl_stream_lost_to_retention_total; then continue from the earliest offset, or stop
// (stream.on_data_loss). After each MySQL commit the offsets are also committed to Kafka
// (asynchronously, for lag tools; MySQL stays authoritative).
//
// Exit: SIGINT/SIGTERM (etl::stop_requested) or --until-idle once every assigned partition was
// read to its end and written -> write and commit what is pending, leave the group, return 0.
// Fatal errors -> one clear log line, return 1. Setup problems throw (ConfigError -> exit 2).
// Bounded, Kafka reachable or not: pending messages get shutdown_timeout from the signal (then
// they are given up: exit 1), leaving the group a few seconds more, and a watchdog armed by the
// signal ends the process at shutdown_timeout + 20 s whatever still runs (docs/operations.md,
// "Stopping"). The poll thread never waits on a broker for long: watermark queries run on a
// thread of their own (watermark_queries.hpp).

#include <functional>
#include <string>

#include "config/config.hpp"
#include "config/data_set.hpp"

namespace etl::pipeline {

struct StreamRunOptions {
  config::DataSet data = config::DataSet::orders;  // --data
  // --group, used verbatim; empty: the data set's default (kafka.consumer_group for orders,
  // kafka.consumer_group + "-<data set>" for the others).
  std::string group;
  bool until_idle = false;  // --until-idle
  // How long the shutdown may take to write what is pending before giving up on it (those
  // messages are then read again on the next start) and exiting non-zero.
  std::chrono::milliseconds shutdown_timeout{30000};
};

// Runs until stopped; returns the process exit code (0 clean, 1 failure).
int run_stream(const config::Config& cfg, const StreamRunOptions& options);

}  // namespace etl::pipeline
