#include "kafka/message.hpp"

#include <fmt/format.h>

#include <string>

#include "kafka/kafka_error.hpp"

namespace etl::kafka {

Error Message::error() const {
  const char* detail = rd_kafka_message_errstr(msg_.get());
  return kafka_error(
      msg_->err,
      fmt::format("consumer error on {} [{}] at offset {}{}{}", topic(), msg_->partition,
                  msg_->offset, detail != nullptr ? ": " : "", detail != nullptr ? detail : ""));
}

std::string_view Message::topic() const noexcept {
  return msg_->rkt != nullptr ? std::string_view(rd_kafka_topic_name(msg_->rkt))
                              : std::string_view{};
}

std::optional<std::string_view> Message::header(std::string_view name) const {
  rd_kafka_headers_t* hdrs = nullptr;  // owned by the message
  if (rd_kafka_message_headers(msg_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  const std::string n(name);
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(hdrs, n.c_str(), &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::nullopt;
  }
  return value == nullptr ? std::string_view{}
                          : std::string_view(static_cast<const char*>(value), size);
}

std::vector<std::pair<std::string_view, std::string_view>> Message::headers() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    out.emplace_back(name, value == nullptr
                               ? std::string_view{}
                               : std::string_view(static_cast<const char*>(value), size));
  }
  return out;
}

int64_t Message::timestamp_ms() const noexcept {
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const int64_t ts = rd_kafka_message_timestamp(msg_.get(), &type);
  return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts;
}

}  // namespace etl::kafka
