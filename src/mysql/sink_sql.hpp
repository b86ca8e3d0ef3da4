#pragma once
// The SQL of every statement the batch writer runs, as StatementShapes (table_statement.hpp).
// Column order matches the ParamTable layouts in order_tables.hpp and batch_writer.cpp.
// load_time / updated_at / created_at come from the server's UTC_TIMESTAMP() (sessions are UTC),
// on insert and on update, so a re-loaded row differs from before only in load_time.
// `VALUES(col)` in ON DUPLICATE KEY UPDATE works on MariaDB and MySQL 8 (MariaDB lacks `AS new`).

#include <string>

#include "mysql/table_statement.hpp"

namespace etl::mysql::sql {

// walmart_order columns 1..51 (52 = load_time, from the server) and account (53).
inline constexpr size_t kOrderLineParams = 52;
inline constexpr size_t kChargeParams = 10;  // the last one is account in every table
inline constexpr size_t kRawParams = 9;
inline constexpr size_t kDeadLetterParams = 13;

StatementShape
upsert_order_lines();             // INSERT walmart_order ... ON DUPLICATE KEY UPDATE every column
StatementShape insert_charges();  // INSERT walmart_order_charge (after delete_charges)
StatementShape upsert_raw();      // INSERT walmart_order_raw ... ON DUPLICATE KEY UPDATE
StatementShape delete_charges();  // params: purchaseOrderId
StatementShape delete_stale_lines();  // params: purchaseOrderId, "1,2,5" (lines of the new version)
StatementShape upsert_dead_letters();  // idempotent on (source, record_index)

// "a, b, c": the bound columns of each table in bind order (e.g. for a LOAD DATA column list).
std::string order_line_columns();
std::string charge_columns();
std::string raw_columns();

}  // namespace etl::mysql::sql
