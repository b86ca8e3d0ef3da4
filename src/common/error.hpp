#pragma once
// Classified errors: every failure carries where it came from, the native
// code of that origin, a message with context, and a class that retry loops and the dead-letter
// path decide on. Never decide by matching message text.

#include <stdexcept>
#include <string>
#include <string_view>

namespace etl {

enum class ErrorClass {
  retriable,   // network, 429, 5xx, deadlock, lost connection: back off and try again
  fatal,       // bad credentials, schema mismatch, bad config: stop with a clear message
  bad_record,  // this record cannot be loaded: dead-letter it and keep going
};

enum class ErrorOrigin { config, mysql, kafka, http, walmart_api, json, io, internal };

// What a caller decides on beyond the class. Each adapter (kafka/, mysql/, walmart/) sets it from
// its native codes, so the layers above never read a native code.
enum class ErrorCause {
  unspecified,
  authentication,    // credentials refused: HTTP 401/403, an OAuth client refused, SASL, TLS login
  unreachable,       // no server answers (every Kafka broker down)
  not_found,         // the topic or partition does not exist
  client_failed,     // the client instance is unusable (a librdkafka fatal error): stop
  too_many_results,  // the query matches more than the server returns for one query: narrow it
};

std::string_view to_string(ErrorClass c) noexcept;
std::string_view to_string(ErrorOrigin o) noexcept;

struct Error {
  ErrorClass cls = ErrorClass::fatal;
  ErrorOrigin origin = ErrorOrigin::internal;
  int code = 0;         // mysql_errno, HTTP status, rd_kafka_resp_err_t, errno, ...
  std::string message;  // human readable, with context, never containing secrets
  ErrorCause cause = ErrorCause::unspecified;

  [[nodiscard]] bool retriable() const noexcept { return cls == ErrorClass::retriable; }
  [[nodiscard]] std::string describe() const;  // "mysql error 1045: Access denied ..."
};

// Thrown for setup and fatal failures. Per-record problems are returned, not thrown.
class EtlError : public std::runtime_error {
 public:
  explicit EtlError(Error e);
  EtlError(ErrorClass cls, ErrorOrigin origin, int code, std::string message,
           ErrorCause cause = ErrorCause::unspecified);
  [[nodiscard]] const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

// Bad configuration or command-line usage: the CLI exits with code 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Process exit codes, documented in the README.
enum class ExitCode : int { ok = 0, failure = 1, usage = 2 };

}  // namespace etl
