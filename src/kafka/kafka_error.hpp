#pragma once
// librdkafka errors as classified etl::Error values. The native code is the
// rd_kafka_resp_err_t; the class decides retry vs stop vs dead-letter, never the message text.

#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace etl::kafka {

// retriable: transport, timeouts, leader changes, queue full, broker down (librdkafka recovers);
// fatal: authentication/authorization, the idempotent producer's fatal state, bad arguments,
//        unknown topic with auto-creation off;
// bad_record: this one message can never be produced (too large, invalid record).
ErrorClass classify(rd_kafka_resp_err_t err) noexcept;
// What a caller decides on (authentication, unreachable, not found, client failed).
ErrorCause cause_of(rd_kafka_resp_err_t err) noexcept;

// "<context>: <librdkafka description> (<ERR_NAME>)", origin kafka, code = err.
Error kafka_error(rd_kafka_resp_err_t err, std::string_view context);
// Same for a rd_kafka_error_t (uses its own fatal/retriable flags when set). Does not take
// ownership.
Error kafka_error(const rd_kafka_error_t* err, std::string_view context);

[[noreturn]] void throw_kafka_error(rd_kafka_resp_err_t err, std::string_view context);

}  // namespace etl::kafka
