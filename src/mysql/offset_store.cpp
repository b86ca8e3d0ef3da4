#include "mysql/offset_store.hpp"

#include <fmt/format.h>

#include <cstring>
#include <set>

#include "common/error.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/offset_fence.hpp"

namespace etl::mysql {

std::map<int32_t, int64_t> OffsetStore::load(const std::string& consumer_group,
                                             const std::string& topic,
                                             const std::vector<int32_t>& partitions) {
  std::map<int32_t, int64_t> out;
  if (partitions.empty()) return out;
  const std::string what =
      fmt::format("reading stored offsets of group {} topic {} from {}.etl_kafka_offset",
                  consumer_group, topic, cfg_.database);
  if (!conn_) conn_.emplace(Connection::open(cfg_, UseDatabase::configured));
  try {
    StmtHandle stmt(mysql_stmt_init(conn_->handle()));
    if (!stmt) throw EtlError(mysql_error_of(conn_->handle(), what));
    static constexpr std::string_view kSql =
        "SELECT partition_id, next_offset FROM etl_kafka_offset WHERE consumer_group = ? AND topic "
        "= ?";
    if (mysql_stmt_prepare(stmt.get(), kSql.data(), static_cast<unsigned long>(kSql.size())) != 0) {
      throw EtlError(mysql_stmt_error_of(stmt.get(), what));
    }
    MYSQL_BIND params[2];
    std::memset(params, 0, sizeof params);
    unsigned long group_len = consumer_group.size();
    unsigned long topic_len = topic.size();
    params[0].buffer_type = MYSQL_TYPE_STRING;
    params[0].buffer = const_cast<char*>(consumer_group.data());
    params[0].buffer_length = group_len;
    params[0].length = &group_len;
    params[1].buffer_type = MYSQL_TYPE_STRING;
    params[1].buffer = const_cast<char*>(topic.data());
    params[1].buffer_length = topic_len;
    params[1].length = &topic_len;
    if (mysql_stmt_bind_param(stmt.get(), params) != 0 || mysql_stmt_execute(stmt.get()) != 0) {
      throw EtlError(mysql_stmt_error_of(stmt.get(), what));
    }
    int32_t partition = 0;
    int64_t next = 0;
    MYSQL_BIND result[2];
    std::memset(result, 0, sizeof result);
    result[0].buffer_type = MYSQL_TYPE_LONG;
    result[0].buffer = &partition;
    result[1].buffer_type = MYSQL_TYPE_LONGLONG;
    result[1].buffer = &next;
    if (mysql_stmt_bind_result(stmt.get(), result) != 0 ||
        mysql_stmt_store_result(stmt.get()) != 0) {
      throw EtlError(mysql_stmt_error_of(stmt.get(), what));
    }
    const std::set<int32_t> wanted(partitions.begin(), partitions.end());
    for (;;) {
      const int rc = mysql_stmt_fetch(stmt.get());
      if (rc == MYSQL_NO_DATA) break;
      if (rc != 0) throw EtlError(mysql_stmt_error_of(stmt.get(), what));
      if (wanted.count(partition) != 0) out[partition] = next;
    }
    // Reading only: end the implicit transaction so the next read sees fresh commits.
    conn_->rollback();
  } catch (const EtlError& e) {
    if (is_connection_error(static_cast<unsigned int>(e.error().code))) conn_.reset();
    throw;
  }
  return out;
}

bool OffsetStore::advance(const std::string& consumer_group, const std::string& topic,
                          int32_t partition, std::optional<int64_t> expected, int64_t next) {
  if (!conn_) conn_.emplace(Connection::open(cfg_, UseDatabase::configured));
  try {
    conn_->begin();
    const auto refused =
        advance_offsets(*conn_, {OffsetUpdate{consumer_group, topic, partition, next, expected}});
    if (!refused.empty()) return false;  // rolled back by advance_offsets
    conn_->commit();
    return true;
  } catch (const EtlError& e) {
    conn_->rollback();
    if (is_connection_error(static_cast<unsigned int>(e.error().code))) conn_.reset();
    throw;
  }
}

}  // namespace etl::mysql
