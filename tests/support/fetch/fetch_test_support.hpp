#pragma once
// Helpers for the fetch tests: an in-process API simulator and dev broker, a Config pointing at
// them, the simulator's ground truth for a range, reading a topic back, and comparing.
// Everything runs on 127.0.0.1; waits have deadlines, never fixed sleeps.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "tools/dev_broker/dev_broker.hpp"
#include "tools/sim/simulator.hpp"

namespace etl::fetch_test {

constexpr int64_t kDayMs = 86'400'000;

// Today 12:00 UTC (real clock): the simulator's frozen "now" in most tests, so whole past days
// are complete and the fetch's own clock is after them.
int64_t today_noon_ms();
int64_t day_start(int64_t ms);  // 00:00 UTC of that day

// A started simulator with a frozen clock (time_scale 0) unless the options say otherwise.
std::unique_ptr<walmart::sim::Simulator> start_simulator(walmart::sim::SimulatorOptions options);
walmart::sim::SimulatorOptions sim_options(int64_t orders_per_day, int64_t days);

// A dev broker with the topic pre-created with `partitions` partitions (enough that the mock
// cluster's ~5 MB per partition never drops what a test produced).
std::unique_ptr<kafka::DevBroker> start_broker(const std::string& topic, int partitions);

// Config for fetch against them: account "main" with the simulator's credentials, fast retries,
// short timeouts, unlimited client-side rate, logging to the console only.
config::Config fetch_config(const walmart::sim::Simulator& sim, const kafka::DevBroker* broker,
                            const std::string& topic);

struct DumpOrder {
  std::string json;  // exactly as the API serves it
  std::string ship_node_type;
  int64_t order_date_ms = 0;
};
// The simulator's ground truth now, keyed by purchaseOrderId.
std::map<std::string, DumpOrder> dump_orders(const walmart::sim::Simulator& sim);
// Only the orders created in [start_ms, end_ms] with one of the types.
std::map<std::string, DumpOrder> dump_range(const walmart::sim::Simulator& sim, int64_t start_ms,
                                            int64_t end_ms, const std::vector<std::string>& types);

struct TopicMessage {
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};
// Reads the whole topic from the beginning until every partition reached its end and at least
// `expected` messages arrived (or the deadline passed).
std::vector<TopicMessage> read_topic(const config::KafkaConfig& cfg, const std::string& topic,
                                     size_t expected, std::chrono::milliseconds deadline);

// The value without its ,"request_time":"YYYY-MM-DD HH:MM:SS" (nullopt when it does not end so).
struct SplitValue {
  std::string order_json;
  std::string request_time;
};
std::optional<SplitValue> split_request_time(const std::string& value);

// Compares what arrived with the expected orders: every expected id exactly once, nothing
// else, bytes equal minus request_time, headers right. Returns "" or a description of the
// first few differences.
std::string compare_exactly_once(const std::vector<TopicMessage>& got,
                                 const std::map<std::string, DumpOrder>& expected,
                                 const std::string& run_id);

std::string random_name(const std::string& prefix);

}  // namespace etl::fetch_test
