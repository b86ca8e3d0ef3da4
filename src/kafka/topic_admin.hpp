#pragma once
// Topic metadata, creation and watermarks.
//
// ensure_topic() contract ("created when missing; an existing topic is left as it is"):
//   0. Waits for the cluster to answer (wait_for_cluster): a refused login or certificate fails
//      at once with its reason.
//   1. Metadata for all topics (a request that never auto-creates). Topic present -> left exactly
//      as it is (a partition count different from the spec is logged at INFO), outcome `existed`.
//   2. Missing -> CreateTopics through the Admin API with the spec's partitions, replication factor
//      and configs; success (or TOPIC_ALREADY_EXISTS from a concurrent creator) -> `created`.
//   3. CreateTopics unsupported or timed out (librdkafka's mock cluster - and so `dev-broker` -
//      implements no admin API; the request times out): WARN saying so, then fall back to the
//      broker's auto-creation (a metadata request for the topic with allow.auto.create.topics) and
//      wait for the topic to appear -> `auto_created`, with the broker's default partition count
//      (4 on the mock cluster) and configs, reported in the result and logged at WARN.
//      If auto-creation is off too (broker auto.create.topics.enable=false, or
//      kafka.properties.allow.auto.create.topics=false) -> EtlError(fatal) naming the topic and
//      both causes. Authorization and other CreateTopics errors -> EtlError(fatal), no fallback.
// Pre-create topics on dev-broker with `--topic NAME:PARTITIONS` to get the partitions you want.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "kafka/client_core.hpp"
#include "kafka/kafka_config.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace etl::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication_factor = 1;
  std::map<std::string, std::string> configs{{"retention.ms", "604800000"},
                                             {"max.message.bytes", "10485760"}};
};

// The spec from the typed config: kafka.topic, kafka.topic_partitions, kafka.replication_factor.
TopicSpec topic_spec_from(const config::KafkaConfig& cfg);

enum class TopicOutcome { existed, created, auto_created };
std::string_view to_string(TopicOutcome o) noexcept;

struct EnsureTopicResult {
  TopicOutcome outcome = TopicOutcome::existed;
  int partitions = 0;  // as the cluster reports it now
  std::string note;    // why the fallback was used, etc.; empty otherwise
};

struct Watermarks {
  int32_t partition = 0;
  int64_t low = 0;   // earliest offset still stored (retention moves it)
  int64_t high = 0;  // next offset to be written; high - low = messages stored
};

// Free functions over any client handle (producer, consumer or admin). Throw EtlError (class
// from the librdkafka error: retriable for timeouts/transport) on failure.
// Partition count of a topic, nullopt if the cluster does not have it. Never auto-creates.
std::optional<int> topic_partition_count(rd_kafka_t* rk, const std::string& topic,
                                         std::chrono::milliseconds timeout);
// Asks the partition leader (ListOffsets): exact, one round trip.
Watermarks query_watermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                            std::chrono::milliseconds timeout);
// Every partition of the topic, in partition order. EtlError(fatal) if the topic does not exist.
std::vector<Watermarks> query_all_watermarks(rd_kafka_t* rk, const std::string& topic,
                                             std::chrono::milliseconds timeout);

// A small client for metadata and admin requests (a producer-type handle that produces nothing).
class AdminClient {
 public:
  explicit AdminClient(const config::KafkaConfig& cfg, ClientOptions options = {});
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  EnsureTopicResult ensure_topic(const TopicSpec& spec,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::optional<int> partition_count(const std::string& topic, std::chrono::milliseconds timeout) {
    return topic_partition_count(rk_.get(), topic, timeout);
  }
  Watermarks watermarks(const std::string& topic, int32_t partition,
                        std::chrono::milliseconds timeout) {
    return query_watermarks(rk_.get(), topic, partition, timeout);
  }
  std::vector<Watermarks> all_watermarks(const std::string& topic,
                                         std::chrono::milliseconds timeout) {
    return query_all_watermarks(rk_.get(), topic, timeout);
  }
  [[nodiscard]] const ClientStatus& status() const { return core_->status; }
  [[nodiscard]] rd_kafka_t* native() const noexcept { return rk_.get(); }

 private:
  std::unique_ptr<detail::ClientCore> core_;  // outlives rk_
  KafkaHandlePtr rk_;

  // Returns once the cluster answers a metadata request. A client-level error of the fatal class
  // reported meanwhile (authentication or TLS verification failed: a wrong password, a wrong CA)
  // throws EtlError(fatal) with librdkafka's reason at once; a cluster that just does not answer
  // throws the metadata error (retriable) when `timeout` has passed.
  void wait_for_cluster(std::chrono::milliseconds timeout);
  // nullopt on success; the error otherwise (TOPIC_ALREADY_EXISTS counts as success).
  std::optional<Error> create_topic(const TopicSpec& spec, std::chrono::milliseconds timeout);
  int wait_for_auto_creation(const TopicSpec& spec, std::chrono::milliseconds timeout);
};

}  // namespace etl::kafka
