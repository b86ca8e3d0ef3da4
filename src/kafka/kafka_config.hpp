#pragma once
// librdkafka configuration built from the typed KafkaConfig.
// Precedence, lowest first:
//   1. our defaults (bootstrap.servers from kafka.bootstrap_servers, client.id, lz4, batching, ...)
//   2. the user's kafka.properties map, passed as is (SASL/SSL, tuning)
//   3. the invariants the pipeline relies on, which a user property cannot change (a conflicting
//      user value is logged at WARN and replaced):
//        producer: enable.idempotence=true, acks=all
//        consumer: group.id, enable.auto.commit=false, enable.auto.offset.store=false,
//                  partition.assignment.strategy=cooperative-sticky, auto.offset.reset and
//                  enable.partition.eof as the caller asks
// Every rd_kafka_conf_set result is checked: a bad name or value throws ConfigError naming the
// property ("kafka.properties.<name>=<value>: <librdkafka's reason>").

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace etl::kafka {

enum class ClientRole { producer, consumer, admin };

// Where a consumer starts in a partition that has no committed/supplied offset, or whose offset
// is out of range.
enum class OffsetReset { earliest, latest, error };

struct ClientOptions {
  std::string client_id;  // empty: "walmart-etl-<role>"
  // consumer only:
  std::string group_id;  // empty: kafka.consumer_group
  OffsetReset offset_reset = OffsetReset::earliest;
  bool partition_eof = false;  // deliver a PARTITION_EOF event when a partition is read to its end
};

struct EffectiveProperties {
  std::map<std::string, std::string> values;
  // User properties replaced by an invariant: "enable.auto.commit=true (forced to false)".
  std::vector<std::string> overridden;
};

// Pure computation of the effective property map (no librdkafka call; unit-testable).
EffectiveProperties effective_properties(const config::KafkaConfig& cfg, ClientRole role,
                                         const ClientOptions& options = {});

// The rd_kafka_conf_t for a client: effective_properties() applied with every result checked,
// plus log_cb/error_cb forwarding into spdlog with the client's name. Logs overridden user
// properties at WARN. Throws ConfigError.
ConfPtr kafka_conf_from(const config::KafkaConfig& cfg, ClientRole role,
                        const ClientOptions& options = {});

// Applies properties to a conf, each checked; throws ConfigError naming the property.
void apply_properties(rd_kafka_conf_t* conf, const std::map<std::string, std::string>& properties);

// Sets one property; throws ConfigError naming it. Secret values are never echoed.
void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

std::string_view to_string(ClientRole role) noexcept;
std::string_view to_string(OffsetReset reset) noexcept;

}  // namespace etl::kafka
