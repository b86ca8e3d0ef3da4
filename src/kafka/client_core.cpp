#include "kafka/client_core.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstring>

#include "kafka/kafka_error.hpp"

namespace etl::kafka {

void ClientStatus::record(rd_kafka_resp_err_t err, const std::string& reason) {
  Error e = kafka_error(err, reason);
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) brokers_down_.store(true);
  if (err == RD_KAFKA_RESP_ERR__FATAL) fatal_.store(true);
  const std::lock_guard lock(mutex_);
  last_error_ = std::move(e);
}

std::optional<Error> ClientStatus::last_error() const {
  const std::lock_guard lock(mutex_);
  return last_error_;
}

namespace detail {

// log_cb: librdkafka's syslog levels into spdlog, prefixed with the client's name
// (client.id#role-N). Called from librdkafka's threads; spdlog's default logger is thread-safe.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  spdlog::level::level_enum lvl = spdlog::level::debug;
  if (level <= 2) {
    lvl = spdlog::level::critical;
  } else if (level == 3) {
    lvl = spdlog::level::err;
  } else if (level == 4) {
    lvl = spdlog::level::warn;
  } else if (level <= 6) {
    lvl = spdlog::level::info;
  }
  // kafka.properties is shared by every client, so a producer-only property in a consumer is
  // expected, not a problem; and FAIL lines repeat what error_cb reports (logged below).
  if ((std::strcmp(facility, "CONFWARN") == 0 &&
       std::strstr(message, "property and will be ignored by this") != nullptr) ||
      std::strcmp(facility, "FAIL") == 0) {
    lvl = spdlog::level::debug;
  }
  spdlog::log(lvl, "librdkafka [{}] {}: {}", rk != nullptr ? rd_kafka_name(rk) : "-", facility,
              message);
}

namespace {

void log_client_error(rd_kafka_t* rk, rd_kafka_resp_err_t err, const char* reason) {
  // Broker-down reports are expected while a broker restarts; librdkafka reconnects by itself.
  const bool fatal = err == RD_KAFKA_RESP_ERR__FATAL || classify(err) == ErrorClass::fatal;
  std::string detail = reason != nullptr ? reason : "";
  if (err == RD_KAFKA_RESP_ERR__FATAL && rk != nullptr) {
    std::array<char, 512> buf{};
    const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf.data(), buf.size());
    detail = fmt::format("{} (underlying {}: {})", detail, rd_kafka_err2name(orig), buf.data());
  }
  spdlog::log(fatal ? spdlog::level::err : spdlog::level::warn, "kafka [{}] {}: {}",
              rk != nullptr ? rd_kafka_name(rk) : "-", rd_kafka_err2name(err), detail);
}

void core_error_cb(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  log_client_error(rk, code, reason);
  if (opaque == nullptr) return;
  auto* core = static_cast<ClientCore*>(opaque);
  core->status.record(code, fmt::format("{}: {}", core->name(), reason != nullptr ? reason : ""));
  if (core->on_error) {
    try {
      core->on_error(kafka_error(code, reason != nullptr ? reason : ""));
    } catch (const std::exception& e) {
      spdlog::error("kafka [{}] error hook threw: {}", core->name(), e.what());
    }
  }
}

}  // namespace

void default_error_cb(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
  log_client_error(rk, static_cast<rd_kafka_resp_err_t>(err), reason);
}

void attach_core(rd_kafka_conf_t* conf, ClientCore* core) {
  rd_kafka_conf_set_opaque(conf, core);
  rd_kafka_conf_set_error_cb(conf, &core_error_cb);
}

KafkaHandlePtr create_handle(ConfPtr conf, rd_kafka_type_t type) {
  std::array<char, 512> errstr{};
  KafkaHandlePtr rk(rd_kafka_new(type, conf.get(), errstr.data(), errstr.size()));
  if (!rk) {
    throw ConfigError(fmt::format("cannot create the kafka {}: {}",
                                  type == RD_KAFKA_PRODUCER ? "producer" : "consumer",
                                  errstr.data()));
  }
  (void)conf.release();  // rd_kafka_new took ownership on success
  return rk;
}

}  // namespace detail
}  // namespace etl::kafka
