#pragma once
// A local Kafka-protocol cluster for the demo and the tests: librdkafka's mock cluster
// (rdkafka_mock.h) in this process, listening on 127.0.0.1 over real TCP, so other processes
// (walmart-etl fetch/stream, kcat) can use it too.
//
// NOT FOR PRODUCTION: messages live in memory only (gone when the process exits), and each
// partition keeps only about 5 MB (or 100,000 message sets); older data is dropped silently,
// exactly like retention on a real broker. No TLS/SASL, no admin API (CreateTopics), no
// DescribeGroups; the first consumer-group join waits about 3 s.
//
// Ports: librdkafka's mock brokers (2.8, as 2.0.2 before it) always bind 127.0.0.1 on an ephemeral
// port chosen by the kernel (rd_kafka_mock_broker_new binds port 0; there is no property or API to
// pick one), so the address is published by bootstraps() and, in the CLI,
// on stdout and in --bootstrap-file.
//
// Fault injection for tests: set_broker_down/up, set_rtt, push_request_errors.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kafka/client_core.hpp"
#include "kafka/rdkafka_handles.hpp"
// After rdkafka.h (which rdkafka_handles.hpp includes), as the mock header requires.
#include <librdkafka/rdkafka_mock.h>

namespace etl::kafka {

struct MockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* c) const noexcept { rd_kafka_mock_cluster_destroy(c); }
};
using MockClusterPtr = std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter>;

// Kafka protocol request types (ApiKey) for push_request_errors.
enum class ApiKey : int16_t {
  produce = 0,
  fetch = 1,
  list_offsets = 2,
  metadata = 3,
  offset_commit = 8,
  offset_fetch = 9,
  find_coordinator = 10,
  join_group = 11,
  heartbeat = 12,
  leave_group = 13,
  sync_group = 14,
  init_producer_id = 22,
};

struct DevTopic {
  std::string name;
  int partitions = 1;
};

// "name:partitions" (partitions 1..10000) -> DevTopic; "name" alone -> 1 partition.
// Throws ConfigError naming the bad value.
DevTopic parse_dev_topic(const std::string& spec);

struct DevBrokerOptions {
  int brokers = 1;  // 1..16
  std::vector<DevTopic> topics;
};

// Writes "<bootstraps>\n" to path atomically (a temporary file in the same directory, then
// rename), so a reader never sees a partial address. Throws EtlError(io).
void write_bootstrap_file(const std::string& path, const std::string& bootstraps);

class DevBroker {
 public:
  // Starts the brokers and creates the topics. Throws ConfigError (bad options) or EtlError.
  explicit DevBroker(const DevBrokerOptions& options);
  ~DevBroker();
  DevBroker(const DevBroker&) = delete;
  DevBroker& operator=(const DevBroker&) = delete;

  // "127.0.0.1:PORT1,127.0.0.1:PORT2,..." (broker ids 1..N in order).
  [[nodiscard]] const std::string& bootstraps() const noexcept { return bootstraps_; }
  [[nodiscard]] int broker_count() const noexcept { return broker_count_; }

  void create_topic(const std::string& name, int partitions, int replication_factor = 1);

  // Fault injection. broker_id: 1..N, or -1 for all brokers.
  // Down: existing connections are closed and new ones refused (no leader change).
  void set_broker_down(int32_t broker_id = -1);
  void set_broker_up(int32_t broker_id = -1);
  void set_rtt(int32_t broker_id, std::chrono::milliseconds rtt);
  // The next errors.size() requests of that type (any broker) fail with these codes, in order.
  // RD_KAFKA_RESP_ERR__TRANSPORT drops the connection instead.
  void push_request_errors(ApiKey api, const std::vector<rd_kafka_resp_err_t>& errors);
  void clear_request_errors(ApiKey api);
  void set_partition_leader(const std::string& topic, int32_t partition, int32_t broker_id);

  [[nodiscard]] rd_kafka_mock_cluster_t* native() const noexcept { return cluster_.get(); }

 private:
  std::unique_ptr<detail::ClientCore> core_;  // destroyed last
  KafkaHandlePtr rk_;                         // the handle the mock cluster is attached to
  MockClusterPtr cluster_;                    // destroyed first
  std::string bootstraps_;
  int broker_count_ = 0;

  void check(rd_kafka_resp_err_t err, const std::string& what) const;
};

}  // namespace etl::kafka
