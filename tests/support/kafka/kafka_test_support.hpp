#pragma once
// Helpers for the kafka tests: fresh topic names, configs pointing at a DevBroker, and waiting
// with deadlines (never fixed sleeps).

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "kafka/consumer.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::kafka::test {

inline std::string random_topic(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{}-{:016x}", prefix, rng());
}

inline config::KafkaConfig config_for(const DevBroker& broker,
                                      std::map<std::string, std::string> properties = {}) {
  config::KafkaConfig cfg;
  cfg.bootstrap_servers = {broker.bootstraps()};
  cfg.properties = std::move(properties);
  return cfg;
}

// Calls step() until done() or the deadline; returns done().
inline bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& done,
                       const std::function<void()>& step) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    step();
  }
  return true;
}

struct ReadMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

inline ReadMessage copy_of(const Message& m) {
  ReadMessage r{std::string(m.topic()), m.partition(),          m.offset(),
                std::string(m.key()),   std::string(m.value()), {}};
  for (const auto& [n, v] : m.headers()) r.headers.emplace_back(std::string(n), std::string(v));
  return r;
}

// Reads every partition of the topic from the beginning (static assignment, no group join)
// until `expected` messages arrived or the timeout passed, then keeps polling briefly (until
// end of partition) so that duplicates beyond `expected` are seen too.
inline std::vector<ReadMessage> read_all(const config::KafkaConfig& cfg, const std::string& topic,
                                         int partitions, size_t expected,
                                         std::chrono::milliseconds timeout) {
  ConsumerOptions options;
  options.client.group_id = random_topic("reader");
  options.client.partition_eof = true;
  Consumer consumer(cfg, options);
  TopicPartitions tps;
  for (int p = 0; p < partitions; ++p) tps.push_back({topic, p, RD_KAFKA_OFFSET_BEGINNING});
  consumer.assign(tps);
  std::vector<ReadMessage> out;
  std::map<int32_t, bool> at_end;
  wait_until(
      timeout,
      [&] { return out.size() >= expected && static_cast<int>(at_end.size()) == partitions; },
      [&] {
        auto m = consumer.poll(std::chrono::milliseconds(100));
        if (!m) return;
        if (m->is_partition_eof()) {
          at_end[m->partition()] = true;
        } else if (!m->is_error()) {
          at_end.erase(m->partition());
          out.push_back(copy_of(*m));
        }
      });
  return out;
}

}  // namespace etl::kafka::test
