#include "support/e2e/kafka_probe.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <stdexcept>

namespace etl::e2e {

namespace {
struct KafkaDeleter {
  void operator()(rd_kafka_t* k) const noexcept { rd_kafka_destroy(k); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const noexcept { rd_kafka_conf_destroy(c); }
};
}  // namespace

std::map<int32_t, int64_t> end_offsets(const std::string& bootstrap, const std::string& topic,
                                       int partitions, std::chrono::milliseconds timeout) {
  std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
  char err[512];
  if (rd_kafka_conf_set(conf.get(), "bootstrap.servers", bootstrap.c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    throw std::runtime_error(std::string("kafka probe: ") + err);
  }
  rd_kafka_conf_set(conf.get(), "log_level", "3", err, sizeof err);
  // rd_kafka_new takes ownership of the conf only on success.
  std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
  if (!rk) throw std::runtime_error(std::string("kafka probe: ") + err);
  conf.release();
  std::map<int32_t, int64_t> out;
  for (int32_t p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    const rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
        rk.get(), topic.c_str(), p, &low, &high, static_cast<int>(timeout.count()));
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("kafka probe: watermarks of " + topic + "[" + std::to_string(p) +
                               "]: " + rd_kafka_err2str(e));
    }
    out[p] = high;
  }
  return out;
}

}  // namespace etl::e2e
