#pragma once
// What every client object (Producer, Consumer, AdminClient, DevBroker) shares: the state that
// librdkafka's callbacks reach through the rd_kafka_t opaque, and creating the handle itself.
//
// Ownership: the client object owns a ClientCore (or a subclass) through std::unique_ptr, so its
// address is stable for the lifetime of the rd_kafka_t whose opaque points to it; the rd_kafka_t
// is destroyed before the core (member order in the owners).

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace etl::kafka {

// Client-level errors reported through error_cb (broker down, all brokers down, fatal
// idempotence errors, authentication): kept for health reporting and flush summaries.
// Thread-safe: librdkafka calls error_cb from whichever thread polls.
class ClientStatus {
 public:
  void record(rd_kafka_resp_err_t err, const std::string& reason);
  [[nodiscard]] std::optional<Error> last_error() const;
  // True after an ALL_BROKERS_DOWN report until the client next shows the cluster reachable: a
  // delivery acknowledged (Producer), a message consumed or a watermark query answered (Consumer).
  // librdkafka reports no "broker up" event, so an idle client stays "down" until then.
  [[nodiscard]] bool all_brokers_down() const noexcept { return brokers_down_.load(); }
  void note_broker_reachable() noexcept { brokers_down_.store(false); }
  [[nodiscard]] bool fatal() const noexcept { return fatal_.load(); }

 private:
  mutable std::mutex mutex_;
  std::optional<Error> last_error_;
  std::atomic<bool> brokers_down_{false};
  std::atomic<bool> fatal_{false};
};

namespace detail {

// The rd_kafka_t opaque of every client. Subclasses add what their callbacks need.
class ClientCore {
 public:
  explicit ClientCore(std::string name) : name_(std::move(name)) {}
  virtual ~ClientCore() = default;
  ClientCore(const ClientCore&) = delete;
  ClientCore& operator=(const ClientCore&) = delete;

  ClientStatus status;
  // Optional hook called (on the polling thread) for every error_cb report, after logging.
  std::function<void(const Error&)> on_error;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
};

// log_cb forwarding librdkafka's log lines into spdlog with the client's name.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message);
// error_cb for a conf without a core (logs only).
void default_error_cb(rd_kafka_t* rk, int err, const char* reason, void* opaque);

// Points the conf's opaque at core and installs the error_cb that records into core->status.
void attach_core(rd_kafka_conf_t* conf, ClientCore* core);

// rd_kafka_new; takes the conf on success. Throws ConfigError with librdkafka's reason.
KafkaHandlePtr create_handle(ConfPtr conf, rd_kafka_type_t type);

}  // namespace detail
}  // namespace etl::kafka
