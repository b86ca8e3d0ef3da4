#include "tools/dev_broker/dev_broker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "kafka/kafka_config.hpp"
#include "kafka/kafka_error.hpp"

namespace etl::kafka {

namespace {
// The dev broker's own handle has no bootstrap.servers on purpose; drop librdkafka's warning
// about it, forward everything else.
void dev_broker_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  if (std::strcmp(facility, "CONFWARN") == 0 &&
      std::strstr(message, "bootstrap.servers") != nullptr) {
    return;
  }
  detail::log_to_spdlog(rk, level, facility, message);
}
}  // namespace

DevTopic parse_dev_topic(const std::string& spec) {
  DevTopic t;
  const auto colon = spec.rfind(':');
  t.name = spec.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string count = spec.substr(colon + 1);
    int n = 0;
    const auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || ptr != count.data() + count.size() || n < 1 || n > 10000) {
      throw ConfigError(
          fmt::format("--topic {}: partitions must be an integer 1..10000, got '{}'", spec, count));
    }
    t.partitions = n;
  }
  if (t.name.empty() || t.name.size() > 249 ||
      t.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
          std::string::npos) {
    throw ConfigError(
        fmt::format("--topic {}: a topic name is 1..249 characters of [a-zA-Z0-9._-]", spec));
  }
  return t;
}

void write_bootstrap_file(const std::string& path, const std::string& bootstraps) {
  const std::filesystem::path target(path);
  std::filesystem::path tmp = target;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << bootstraps << '\n';
    out.flush();
    if (!out) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, errno,
                     fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw EtlError(ErrorClass::fatal, ErrorOrigin::io, ec.value(),
                   fmt::format("cannot publish {}: {}", path, ec.message()));
  }
}

DevBroker::DevBroker(const DevBrokerOptions& options) : broker_count_(options.brokers) {
  if (options.brokers < 1 || options.brokers > 16) {
    throw ConfigError(fmt::format("--brokers must be 1..16, got {}", options.brokers));
  }
  // The mock cluster needs a client handle for its bookkeeping and its thread; this one never
  // connects anywhere. bootstrap.servers is unset on purpose (the mock brokers are its own).
  ConfPtr conf(rd_kafka_conf_new());
  set_property(conf.get(), "client.id", "walmart-etl-dev-broker");
  set_property(conf.get(), "log.connection.close", "false");
  rd_kafka_conf_set_log_cb(conf.get(), &dev_broker_log);
  core_ = std::make_unique<detail::ClientCore>("walmart-etl-dev-broker");
  detail::attach_core(conf.get(), core_.get());
  rk_ = detail::create_handle(std::move(conf), RD_KAFKA_PRODUCER);

  cluster_.reset(rd_kafka_mock_cluster_new(rk_.get(), options.brokers));
  if (!cluster_) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::kafka, 0,
                   "cannot start the mock Kafka cluster (see the librdkafka log lines above)");
  }
  bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_.get());
  for (const auto& t : options.topics) create_topic(t.name, t.partitions);
}

DevBroker::~DevBroker() {
  cluster_.reset();
  rk_.reset();
  core_.reset();
}

void DevBroker::check(rd_kafka_resp_err_t err, const std::string& what) const {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw EtlError(kafka_error(err, "dev-broker: " + what));
}

void DevBroker::create_topic(const std::string& name, int partitions, int replication_factor) {
  check(rd_kafka_mock_topic_create(cluster_.get(), name.c_str(), partitions, replication_factor),
        fmt::format("create topic {} ({} partitions)", name, partitions));
  spdlog::info("dev-broker: topic {} with {} partition(s)", name, partitions);
}

void DevBroker::set_broker_down(int32_t broker_id) {
  check(rd_kafka_mock_broker_set_down(cluster_.get(), broker_id),
        fmt::format("broker {} down", broker_id));
}

void DevBroker::set_broker_up(int32_t broker_id) {
  check(rd_kafka_mock_broker_set_up(cluster_.get(), broker_id),
        fmt::format("broker {} up", broker_id));
}

void DevBroker::set_rtt(int32_t broker_id, std::chrono::milliseconds rtt) {
  check(rd_kafka_mock_broker_set_rtt(cluster_.get(), broker_id, static_cast<int>(rtt.count())),
        fmt::format("broker {} rtt", broker_id));
}

void DevBroker::push_request_errors(ApiKey api, const std::vector<rd_kafka_resp_err_t>& errors) {
  rd_kafka_mock_push_request_errors_array(cluster_.get(), static_cast<int16_t>(api), errors.size(),
                                          errors.data());
}

void DevBroker::clear_request_errors(ApiKey api) {
  rd_kafka_mock_clear_request_errors(cluster_.get(), static_cast<int16_t>(api));
}

void DevBroker::set_partition_leader(const std::string& topic, int32_t partition,
                                     int32_t broker_id) {
  check(rd_kafka_mock_partition_set_leader(cluster_.get(), topic.c_str(), partition, broker_id),
        fmt::format("leader of {} [{}] -> {}", topic, partition, broker_id));
}

}  // namespace etl::kafka
