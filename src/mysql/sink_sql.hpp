#pragma once
// The SQL of every statement the batch writer runs, as StatementShapes (table_statement.hpp).
// Column order matches the ParamTable layouts in order_tables.hpp and batch_writer.cpp.
// load_time / updated_at / created_at come from the server's UTC_TIMESTAMP() (sessions are UTC),
// on insert and on update, so a re-loaded row differs from before only in load_time.
// The upserts name the inserted row the way the server wants (server_dialect.hpp): the row alias
// `AS new … c = new.c` on MySQL >= 8.0.19, `c = VALUES(c)` on MariaDB (which lacks the alias).

#include <string>

#include "mysql/server_dialect.hpp"
#include "mysql/table_statement.hpp"

namespace etl::mysql::sql {

// walmart_order columns 1..51 (52 = load_time, from the server) and account (53).
inline constexpr size_t kOrderLineParams = 52;
inline constexpr size_t kChargeParams = 10;  // the last one is account in every table
inline constexpr size_t kRawParams = 9;
inline constexpr size_t kDeadLetterParams = 13;

// INSERT walmart_order ... ON DUPLICATE KEY UPDATE every column
StatementShape upsert_order_lines(const ServerDialect& dialect);
StatementShape insert_charges();  // INSERT walmart_order_charge (after delete_charges)
// Plain INSERTs for orders stored nowhere yet: no ON DUPLICATE KEY, so a row another writer
// stored meanwhile fails the statement (1062) instead of being overwritten.
StatementShape insert_order_lines();
StatementShape insert_raw();
// INSERT walmart_order_raw ... ON DUPLICATE KEY UPDATE
StatementShape upsert_raw(const ServerDialect& dialect);
StatementShape delete_charges();      // params: purchaseOrderId
StatementShape delete_stale_lines();  // params: purchaseOrderId, "1,2,5" (lines of the new version)
// idempotent on (source, record_index, record_sha256)
StatementShape upsert_dead_letters(const ServerDialect& dialect);

// "a, b, c": the bound columns of each table in bind order (e.g. for a LOAD DATA column list).
std::string order_line_columns();
std::string charge_columns();
std::string raw_columns();

}  // namespace etl::mysql::sql
