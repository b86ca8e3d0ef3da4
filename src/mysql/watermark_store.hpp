#pragma once
// Where `fetch --since-last` resumes: table etl_fetch_watermark (sql/etl_fetch_watermark.sql),
// one row per (account, data_set, ship_node_type) holding the end of the last range whose every
// record Kafka acknowledged, in epoch ms (the API server's clock). data_set is "orders",
// "returns" or "recon"; ship_node_type is the orders' ship-node type and empty for the other data
// sets (one watermark per account and data set).
//
// Contract: the fetch job calls advance() only after the producer's flush confirmed every order
// of that ship-node type; advance() never moves a watermark backwards (two overlapping runs
// cannot undo each other). Statements are prepared; values are bound, never formatted into SQL.
// One WatermarkStore (one connection) per thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "mysql/connection.hpp"
#include "mysql/server_dialect.hpp"

namespace etl::mysql {

class WatermarkStore {
 public:
  // Connects to mysql.database. Throws EtlError (fatal, pointing at `walmart-etl init-db`) when
  // the table is missing, or the connection's error.
  explicit WatermarkStore(const config::MysqlConfig& cfg);

  // The stored watermark, nullopt when this account, data set and type have none yet. Throws
  // EtlError.
  std::optional<int64_t> load(std::string_view account, std::string_view data_set,
                              std::string_view ship_node_type);

  // Stores max(stored, watermark_ms) with the run id. Throws EtlError.
  void advance(std::string_view account, std::string_view data_set,
               std::string_view ship_node_type, int64_t watermark_ms, std::string_view run_id);

 private:
  Connection conn_;
  ServerDialect dialect_;  // of conn_'s server: how the upsert names the inserted row
  std::string database_;
};

}  // namespace etl::mysql
