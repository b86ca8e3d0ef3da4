#include "kafka/kafka_config.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>

#include "common/error.hpp"
#include "config/config_loader.hpp"
#include "kafka/client_core.hpp"

namespace etl::kafka {

namespace {

void put_defaults(std::map<std::string, std::string>& p, const config::KafkaConfig& cfg,
                  ClientRole role, const ClientOptions& options) {
  p["bootstrap.servers"] = cfg.bootstrap_list();
  p["client.id"] = options.client_id.empty() ? fmt::format("walmart-etl-{}", to_string(role))
                                             : options.client_id;
  // A broker closing an idle connection is normal; librdkafka would log it at INFO each time.
  p["log.connection.close"] = "false";
  p["socket.keepalive.enable"] = "true";
  switch (role) {
    case ClientRole::producer:
      // lz4: supported by Debian's build (builtin.features has lz4 and zstd); the cheapest codec
      // in CPU, which matters more than ratio on 2 cores at >= 20k orders/s.
      p["compression.type"] = "lz4";
      p["linger.ms"] = "10";
      p["batch.size"] = "1000000";
      // One order may be large; matches the topic's max.message.bytes (10 MiB).
      p["message.max.bytes"] = "10485760";
      // Bounded memory: produce() blocks (polling) once this much is queued.
      p["queue.buffering.max.messages"] = "100000";
      p["queue.buffering.max.kbytes"] = "131072";
      break;
    case ClientRole::consumer:
      p["fetch.max.bytes"] = "52428800";
      p["max.partition.fetch.bytes"] = "10485760";
      // Bounded prefetch, so memory does not grow with the backlog: at most 32 MiB and 20000
      // messages queued per client (librdkafka's own defaults are 64 MiB and 100000). The stream,
      // the only consumer, has run and been measured with these values (docs/benchmarks.md);
      // beyond them it pauses partitions itself (stream.max_pending_messages).
      // fetch.wait.max.ms stays librdkafka's 500 ms: a real broker answers a waiting fetch as soon
      // as data arrives, so a shorter wait only adds idle requests (only the dev broker holds an
      // empty fetch for the full wait).
      p["queued.max.messages.kbytes"] = "32768";
      p["queued.min.messages"] = "20000";
      break;
    case ClientRole::admin:
      // ensure_topic()'s fallback when CreateTopics is unsupported (the mock cluster): a metadata
      // request for the topic asks the broker to auto-create it. Set to false to forbid that.
      p["allow.auto.create.topics"] = "true";
      break;
  }
}

void put_invariant(EffectiveProperties& out, const config::KafkaConfig& cfg,
                   const std::string& name, const std::string& value) {
  if (const auto it = cfg.properties.find(name);
      it != cfg.properties.end() && it->second != value) {
    out.overridden.push_back(
        fmt::format("{}={} (forced to {})", name,
                    config::is_secret_key(name) ? std::string("***") : it->second, value));
  }
  out.values[name] = value;
}

}  // namespace

std::string_view to_string(ClientRole role) noexcept {
  switch (role) {
    case ClientRole::producer:
      return "producer";
    case ClientRole::consumer:
      return "consumer";
    case ClientRole::admin:
      return "admin";
  }
  return "unknown";
}

std::string_view to_string(OffsetReset reset) noexcept {
  switch (reset) {
    case OffsetReset::earliest:
      return "earliest";
    case OffsetReset::latest:
      return "latest";
    case OffsetReset::error:
      return "error";
  }
  return "unknown";
}

EffectiveProperties effective_properties(const config::KafkaConfig& cfg, ClientRole role,
                                         const ClientOptions& options) {
  EffectiveProperties out;
  put_defaults(out.values, cfg, role, options);
  for (const auto& [name, value] : cfg.properties) out.values[name] = value;
  switch (role) {
    case ClientRole::producer:
      put_invariant(out, cfg, "enable.idempotence", "true");
      put_invariant(out, cfg, "acks", "all");
      break;
    case ClientRole::consumer:
      put_invariant(out, cfg, "group.id",
                    options.group_id.empty() ? cfg.consumer_group : options.group_id);
      put_invariant(out, cfg, "enable.auto.commit", "false");
      put_invariant(out, cfg, "enable.auto.offset.store", "false");
      // Incremental assignment in both protocols: with group.protocol=consumer librdkafka 2.8
      // still derives the rebalance callback's contract (incremental_assign/unassign) from this
      // strategy, and the broker's assignor (group.remote.assignor) is sticky anyway.
      put_invariant(out, cfg, "partition.assignment.strategy", "cooperative-sticky");
      put_invariant(out, cfg, "group.protocol",
                    cfg.group_protocol == config::GroupProtocol::consumer ? "consumer" : "classic");
      put_invariant(out, cfg, "auto.offset.reset", std::string(to_string(options.offset_reset)));
      put_invariant(out, cfg, "enable.partition.eof", options.partition_eof ? "true" : "false");
      break;
    case ClientRole::admin:
      break;
  }
  return out;
}

void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  std::array<char, 512> errstr{};
  const rd_kafka_conf_res_t res =
      rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr.data(), errstr.size());
  if (res != RD_KAFKA_CONF_OK) {
    const bool secret = config::is_secret_key(name);
    const std::string shown = secret ? std::string("***") : value;
    // librdkafka's message may quote the value ("Invalid value \"...\" for ..."): not for a secret.
    std::string reason = errstr[0] != '\0' && !(secret && !value.empty() &&
                                                std::string_view(errstr.data()).find(value) !=
                                                    std::string_view::npos)
                             ? std::string(errstr.data())
                         : res == RD_KAFKA_CONF_UNKNOWN ? std::string("unknown property")
                                                        : std::string("invalid value");
    throw ConfigError(fmt::format("kafka.properties.{}={}: {}", name, shown, reason));
  }
}

void apply_properties(rd_kafka_conf_t* conf, const std::map<std::string, std::string>& properties) {
  for (const auto& [name, value] : properties) set_property(conf, name, value);
}

ConfPtr kafka_conf_from(const config::KafkaConfig& cfg, ClientRole role,
                        const ClientOptions& options) {
  const EffectiveProperties effective = effective_properties(cfg, role, options);
  for (const auto& o : effective.overridden) {
    spdlog::warn("kafka.properties: {} ignored for the {}: the pipeline relies on it", o,
                 to_string(role));
  }
  ConfPtr conf(rd_kafka_conf_new());
  apply_properties(conf.get(), effective.values);
  rd_kafka_conf_set_log_cb(conf.get(), &detail::log_to_spdlog);
  rd_kafka_conf_set_error_cb(conf.get(), &detail::default_error_cb);
  return conf;
}

}  // namespace etl::kafka
