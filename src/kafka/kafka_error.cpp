#include "kafka/kafka_error.hpp"

#include <fmt/format.h>

namespace etl::kafka {

ErrorClass classify(rd_kafka_resp_err_t err) noexcept {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
      return ErrorClass::bad_record;
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR__NOT_CONFIGURED:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
    case RD_KAFKA_RESP_ERR__INCONSISTENT:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM:
    case RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
      return ErrorClass::fatal;
    default:
      return ErrorClass::retriable;
  }
}

ErrorCause cause_of(rd_kafka_resp_err_t err) noexcept {
  switch (err) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM:
    case RD_KAFKA_RESP_ERR_ILLEGAL_SASL_STATE:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return ErrorCause::authentication;
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
      return ErrorCause::unreachable;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return ErrorCause::not_found;
    case RD_KAFKA_RESP_ERR__FATAL:
      return ErrorCause::client_failed;
    default:
      return ErrorCause::unspecified;
  }
}

Error kafka_error(rd_kafka_resp_err_t err, std::string_view context) {
  Error e;
  e.cause = cause_of(err);
  e.cls = classify(err);
  e.origin = ErrorOrigin::kafka;
  e.code = static_cast<int>(err);
  e.message = fmt::format("{}: {} ({})", context, rd_kafka_err2str(err), rd_kafka_err2name(err));
  return e;
}

Error kafka_error(const rd_kafka_error_t* err, std::string_view context) {
  const rd_kafka_resp_err_t code = rd_kafka_error_code(err);
  Error e = kafka_error(code, context);
  e.message =
      fmt::format("{}: {} ({})", context, rd_kafka_error_string(err), rd_kafka_err2name(code));
  if (rd_kafka_error_is_fatal(err) != 0) {
    e.cls = ErrorClass::fatal;
  } else if (rd_kafka_error_is_retriable(err) != 0) {
    e.cls = ErrorClass::retriable;
  }
  return e;
}

void throw_kafka_error(rd_kafka_resp_err_t err, std::string_view context) {
  throw EtlError(kafka_error(err, context));
}

}  // namespace etl::kafka
