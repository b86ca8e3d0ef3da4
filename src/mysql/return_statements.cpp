// The statement shapes and parameter types of the returns tables (ReturnWriter::Tables,
// return_tables.hpp). The column lists are in return_tables.hpp, in the order of the types here.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "mysql/return_tables.hpp"

namespace etl::mysql::return_writer_detail {

// "(?, ?, ?)"
std::string placeholders(size_t n) {
  std::string tuple = "(";
  for (size_t i = 0; i < n; ++i) tuple += i == 0 ? "?" : ", ?";
  return tuple + ")";
}

// INSERT of `params` bound columns, then load_time (the session is UTC).
StatementShape insert_shape(std::string_view table, std::string_view columns, size_t params) {
  std::string tuple = placeholders(params);
  tuple.insert(tuple.size() - 1, ", UTC_TIMESTAMP()");
  return {fmt::format("INSERT INTO {} ({}, load_time) VALUES ", table, columns), tuple, ", ", ""};
}

StatementShape delete_shape(std::string_view table, std::string_view extra) {
  return {fmt::format("DELETE FROM {} WHERE {}returnOrderId IN (", table, extra), "?", ", ", ")"};
}

const std::vector<ParamType> kHeaderTypes{
    P::text, P::int64, P::text, P::text, P::text, P::text,  P::text, P::text,     P::cents,
    P::text, P::text,  P::text, P::text, P::text, P::int32, P::text, P::datetime, P::text};

const std::vector<ParamType> kLineTypes{
    P::text,  P::int32, P::int64, P::int32, P::int64, P::int32, P::text,  P::text,  P::text,
    P::text,  P::text,  P::cents, P::text,  P::cents, P::text,  P::cents, P::text,  P::int32,
    P::cents, P::cents, P::text,  P::text,  P::text,  P::text,  P::text,  P::int32, P::int32,
    P::int32, P::int32, P::int32, P::text,  P::text,  P::text,  P::cents, P::cents, P::cents,
    P::cents, P::cents, P::cents, P::cents, P::int64, P::text,  P::text,  P::text,  P::text};

const std::vector<ParamType> kChargeTypes{P::text,  P::int32, P::int32, P::text,  P::text,
                                          P::cents, P::text,  P::int32, P::int32, P::cents,
                                          P::cents, P::text,  P::cents, P::text};

const std::vector<ParamType> kTrackingTypes{P::text, P::int32, P::int32, P::int64,
                                            P::text, P::text,  P::text,  P::text};

const std::vector<ParamType> kRawTypes{P::text, P::text,  P::text,  P::text, P::datetime,
                                       P::text, P::int32, P::int64, P::text, P::text};

const std::vector<ParamType> kDeadLetterTypes{P::text, P::int32, P::text, P::int32, P::int64,
                                              P::text, P::text,  P::text, P::text,  P::int32,
                                              P::text, P::text,  P::text};

}  // namespace etl::mysql::return_writer_detail
