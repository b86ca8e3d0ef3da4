#include "support/fetch/fetch_test_support.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <sstream>

#include "common/logging.hpp"
#include "common/utc_time.hpp"
#include "kafka/consumer.hpp"

namespace etl::fetch_test {

int64_t day_start(int64_t ms) { return (ms / kDayMs) * kDayMs; }

int64_t today_noon_ms() { return day_start(now_epoch_ms()) + kDayMs / 2; }

std::string random_name(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{}-{:012x}", prefix, rng() & 0xFFFFFFFFFFFFULL);
}

walmart::sim::SimulatorOptions sim_options(int64_t orders_per_day, int64_t days) {
  walmart::sim::SimulatorOptions o;
  o.port = 0;
  o.seed = 7;
  o.orders_per_day = orders_per_day;
  o.days = days;
  o.now_ms = today_noon_ms();
  o.time_scale = 0;
  o.requests_per_minute = 0;
  o.threads = 8;
  return o;
}

std::unique_ptr<walmart::sim::Simulator> start_simulator(walmart::sim::SimulatorOptions options) {
  auto sim = std::make_unique<walmart::sim::Simulator>(std::move(options));
  sim->start();
  return sim;
}

std::unique_ptr<kafka::DevBroker> start_broker(const std::string& topic, int partitions) {
  kafka::DevBrokerOptions o;
  o.brokers = 1;
  o.topics.push_back(kafka::DevTopic{topic, partitions});
  return std::make_unique<kafka::DevBroker>(o);
}

config::Config fetch_config(const walmart::sim::Simulator& sim, const kafka::DevBroker* broker,
                            const std::string& topic) {
  config::Config cfg;
  cfg.walmart_token.base_url = sim.base_url();
  cfg.walmart_token.accounts["main"] =
      config::WalmartAccount{sim.options().client_id, sim.options().client_secret, ""};
  if (broker != nullptr) cfg.kafka.bootstrap_servers = {broker->bootstraps()};
  cfg.kafka.topic = topic;
  cfg.fetch.requests_per_minute = 0;
  cfg.fetch.concurrency = 4;
  cfg.fetch.max_retries = 8;
  cfg.fetch.backoff_initial = std::chrono::milliseconds(5);
  cfg.fetch.backoff_max = std::chrono::milliseconds(200);
  cfg.fetch.connect_timeout = std::chrono::milliseconds(1000);
  cfg.fetch.request_timeout = std::chrono::milliseconds(10000);
  cfg.fetch.produce_flush_timeout = std::chrono::milliseconds(30000);
  cfg.fetch.metrics_port = 0;  // --follow's endpoint: no fixed port shared by tests
  cfg.logging.dir = "";
  // ETL_TEST_LOG_LEVEL=debug shows every retry, 429 and token refresh while debugging a test.
  if (const char* level = std::getenv("ETL_TEST_LOG_LEVEL"); level != nullptr && *level != '\0') {
    spdlog::set_level(parse_log_level(level));
  }
  return cfg;
}

std::map<std::string, DumpOrder> dump_orders(const walmart::sim::Simulator& sim) {
  std::ostringstream out;
  sim.write_dump(out);
  const std::string text = out.str();
  std::map<std::string, DumpOrder> orders;
  simdjson::dom::parser parser;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc))
      throw std::runtime_error("bad dump line: " + line.substr(0, 80));
    DumpOrder o;
    o.json = line;
    std::string_view type;
    if (!doc["shipNode"]["type"].get(type)) o.ship_node_type = type;
    int64_t date = 0;
    if (!doc["orderDate"].get(date)) o.order_date_ms = date;
    std::string_view id;
    if (doc["purchaseOrderId"].get(id)) throw std::runtime_error("dump order without id");
    orders.emplace(std::string(id), std::move(o));
  }
  return orders;
}

std::map<std::string, DumpOrder> dump_range(const walmart::sim::Simulator& sim, int64_t start_ms,
                                            int64_t end_ms, const std::vector<std::string>& types) {
  auto all = dump_orders(sim);
  std::map<std::string, DumpOrder> out;
  for (auto& [id, o] : all) {
    if (o.order_date_ms < start_ms || o.order_date_ms > end_ms) continue;
    if (std::find(types.begin(), types.end(), o.ship_node_type) == types.end()) continue;
    out.emplace(id, std::move(o));
  }
  return out;
}

std::vector<TopicMessage> read_topic(const config::KafkaConfig& cfg, const std::string& topic,
                                     size_t expected, std::chrono::milliseconds deadline) {
  kafka::ConsumerOptions options;
  options.client.group_id = random_name("fetch-test-reader");
  options.client.partition_eof = true;
  kafka::Consumer consumer(cfg, options);
  int partitions = 0;
  {
    const auto n = kafka::topic_partition_count(consumer.native(), topic, std::chrono::seconds(10));
    if (!n) throw std::runtime_error("topic " + topic + " does not exist");
    partitions = *n;
  }
  kafka::TopicPartitions tps;
  for (int p = 0; p < partitions; ++p) tps.push_back({topic, p, RD_KAFKA_OFFSET_BEGINNING});
  consumer.assign(tps);
  std::vector<TopicMessage> out;
  std::set<int32_t> at_end;
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (out.size() >= expected && static_cast<int>(at_end.size()) == partitions) break;
    auto m = consumer.poll(std::chrono::milliseconds(100));
    if (!m) continue;
    if (m->is_partition_eof()) {
      at_end.insert(m->partition());
      continue;
    }
    if (m->is_error()) continue;
    at_end.erase(m->partition());
    TopicMessage t{std::string(m->key()), std::string(m->value()), {}};
    for (const auto& [n, v] : m->headers()) t.headers[std::string(n)] = std::string(v);
    out.push_back(std::move(t));
  }
  consumer.close();
  return out;
}

std::optional<SplitValue> split_request_time(const std::string& value) {
  static constexpr std::string_view kField = ",\"request_time\":\"";
  // ,"request_time":"YYYY-MM-DD HH:MM:SS"}
  const size_t tail = kField.size() + 19 + 2;
  if (value.size() < tail + 1) return std::nullopt;
  const size_t at = value.size() - tail;
  if (value.compare(at, kField.size(), kField) != 0 ||
      value.compare(value.size() - 2, 2, "\"}") != 0) {
    return std::nullopt;
  }
  SplitValue s;
  s.order_json = value.substr(0, at) + "}";
  s.request_time = value.substr(at + kField.size(), 19);
  if (!parse_sql_datetime(s.request_time)) return std::nullopt;
  return s;
}

std::string compare_exactly_once(const std::vector<TopicMessage>& got,
                                 const std::map<std::string, DumpOrder>& expected,
                                 const std::string& run_id) {
  std::vector<std::string> problems;
  std::map<std::string, int> seen;
  for (const auto& m : got) {
    ++seen[m.key];
    const auto it = expected.find(m.key);
    if (it == expected.end()) {
      problems.push_back("unexpected order " + m.key);
      continue;
    }
    const auto split = split_request_time(m.value);
    if (!split) {
      problems.push_back("order " + m.key + ": value does not end with a request_time field");
      continue;
    }
    if (split->order_json != it->second.json) {
      problems.push_back("order " + m.key + ": bytes differ from the API's");
    }
    const auto header = [&](const char* name) {
      const auto h = m.headers.find(name);
      return h == m.headers.end() ? std::string("<missing>") : h->second;
    };
    if (header("ship_node_type") != it->second.ship_node_type) {
      problems.push_back("order " + m.key + ": ship_node_type header " + header("ship_node_type"));
    }
    if (header("account") != "main") problems.push_back("order " + m.key + ": account header");
    if (!run_id.empty() && header("run_id") != run_id) {
      problems.push_back("order " + m.key + ": run_id header " + header("run_id"));
    }
  }
  size_t missing = 0;
  for (const auto& [id, o] : expected) {
    const auto it = seen.find(id);
    if (it == seen.end()) {
      if (++missing <= 5) problems.push_back("missing order " + id);
    } else if (it->second != 1) {
      problems.push_back(fmt::format("order {} arrived {} times", id, it->second));
    }
  }
  if (problems.empty()) return "";
  std::string out = fmt::format("{} problem(s), {} missing of {}, {} messages:", problems.size(),
                                missing, expected.size(), got.size());
  for (size_t i = 0; i < problems.size() && i < 10; ++i) out += "\n  " + problems[i];
  return out;
}

}  // namespace etl::fetch_test
