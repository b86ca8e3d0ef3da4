#include "mysql/offset_fence.hpp"

#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "common/error.hpp"

namespace etl::mysql {

namespace {

std::string key_condition(Connection& conn, const OffsetUpdate& o) {
  return fmt::format("consumer_group = {} AND topic = {} AND partition_id = {}", conn.quote(o.consumer_group),
                     conn.quote(o.topic), o.partition);
}

// The row's current value, locked for the rest of the transaction (absent: no row).
std::optional<int64_t> locked_value(Connection& conn, const OffsetUpdate& o) {
  const auto rows =
      conn.query(fmt::format("SELECT next_offset FROM etl_kafka_offset WHERE {} FOR UPDATE", key_condition(conn, o)));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return std::nullopt;
  return std::stoll(*rows[0][0]);
}

std::string opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("no row"); }

}  // namespace

std::string FencedPartition::describe() const {
  return fmt::format("partition {}: expected {} in etl_kafka_offset, found {}", partition, opt(expected), opt(found));
}

std::vector<FencedPartition> advance_offsets(Connection& conn, const std::vector<OffsetUpdate>& offsets) {
  std::vector<FencedPartition> refused;
  for (const OffsetUpdate& o : offsets) {
    bool claimed = false;
    if (!o.expected_stored) {
      try {
        conn.execute(fmt::format(
            "INSERT INTO etl_kafka_offset (consumer_group, topic, partition_id, next_offset, updated_at) "
            "VALUES ({}, {}, {}, {}, UTC_TIMESTAMP())",
            conn.quote(o.consumer_group), conn.quote(o.topic), o.partition, o.next_offset));
        claimed = true;
      } catch (const EtlError& e) {
        if (e.error().code != ER_DUP_ENTRY) throw;
      }
    } else if (*o.expected_stored == o.next_offset) {
      // Nothing moves (cannot happen for a batch that read the partition; kept exact anyway).
      claimed = locked_value(conn, o) == o.expected_stored;
    } else {
      conn.execute(fmt::format(
          "UPDATE etl_kafka_offset SET next_offset = {}, updated_at = UTC_TIMESTAMP() WHERE {} AND next_offset = {}",
          o.next_offset, key_condition(conn, o), *o.expected_stored));
      claimed = mysql_affected_rows(conn.handle()) == 1;
    }
    if (!claimed) refused.push_back({o.partition, o.expected_stored, locked_value(conn, o), o.next_offset});
  }
  return refused;
}

}  // namespace etl::mysql
