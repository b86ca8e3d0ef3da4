#pragma once
// A consumed message (or a consumer event such as PARTITION_EOF), owning its rd_kafka_message_t.
// Views returned by the accessors are valid while the Message lives. Destroy every Message before
// the Consumer that returned it.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace etl::kafka {

class Message {
 public:
  explicit Message(MessagePtr message) noexcept : msg_(std::move(message)) {}

  // An error event rather than a message: check before reading the payload.
  [[nodiscard]] bool is_error() const noexcept { return msg_->err != RD_KAFKA_RESP_ERR_NO_ERROR; }
  // Partition read to its end (only with ClientOptions::partition_eof); offset() is the high mark.
  [[nodiscard]] bool is_partition_eof() const noexcept {
    return msg_->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
  }
  [[nodiscard]] Error error() const;  // the classified error (only meaningful if is_error())

  [[nodiscard]] std::string_view topic() const noexcept;
  [[nodiscard]] int32_t partition() const noexcept { return msg_->partition; }
  [[nodiscard]] int64_t offset() const noexcept { return msg_->offset; }
  [[nodiscard]] bool has_key() const noexcept { return msg_->key != nullptr; }
  [[nodiscard]] std::string_view key() const noexcept {
    return msg_->key == nullptr
               ? std::string_view{}
               : std::string_view(static_cast<const char*>(msg_->key), msg_->key_len);
  }
  [[nodiscard]] std::string_view value() const noexcept {
    return msg_->payload == nullptr
               ? std::string_view{}
               : std::string_view(static_cast<const char*>(msg_->payload), msg_->len);
  }
  // The last header with that name, nullopt if absent. A header with a null value gives "".
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  // All headers in order (names may repeat).
  [[nodiscard]] std::vector<std::pair<std::string_view, std::string_view>> headers() const;
  // Producer/broker timestamp in epoch ms, -1 if none.
  [[nodiscard]] int64_t timestamp_ms() const noexcept;

 private:
  MessagePtr msg_;
};

}  // namespace etl::kafka
