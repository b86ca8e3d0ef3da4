#include "common/error.hpp"

#include <fmt/format.h>

namespace etl {

std::string_view to_string(ErrorClass c) noexcept {
  switch (c) {
    case ErrorClass::retriable:
      return "retriable";
    case ErrorClass::fatal:
      return "fatal";
    case ErrorClass::bad_record:
      return "bad_record";
  }
  return "unknown";
}

std::string_view to_string(ErrorOrigin o) noexcept {
  switch (o) {
    case ErrorOrigin::config:
      return "config";
    case ErrorOrigin::mysql:
      return "mysql";
    case ErrorOrigin::kafka:
      return "kafka";
    case ErrorOrigin::http:
      return "http";
    case ErrorOrigin::walmart_api:
      return "walmart_api";
    case ErrorOrigin::json:
      return "json";
    case ErrorOrigin::io:
      return "io";
    case ErrorOrigin::internal:
      return "internal";
  }
  return "unknown";
}

std::string Error::describe() const {
  if (code != 0) return fmt::format("{} error {}: {}", to_string(origin), code, message);
  return fmt::format("{} error: {}", to_string(origin), message);
}

EtlError::EtlError(Error e) : std::runtime_error(e.describe()), error_(std::move(e)) {}

EtlError::EtlError(ErrorClass cls, ErrorOrigin origin, int code, std::string message,
                   ErrorCause cause)
    : EtlError(Error{cls, origin, code, std::move(message), cause}) {}

}  // namespace etl
