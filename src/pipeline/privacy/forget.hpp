#pragma once
// `walmart-etl forget --customer-order-id ID`: erases a buyer's personal data from every table on
// request, by customerOrderId, and keeps it erased:
//
// 1. the id goes into ods.etl_privacy_erasure (writers read it: erasure_list.hpp), committed
//    first, so every delivery parsed from then on is written with the personal fields NULL;
// 2. the erasure pass: walmart_order's personal columns set to NULL; every walmart_order_raw
//    archive JSON and every dead letter payload that holds the id rewritten by the same redactor
//    the writers use (each personal JSON path `null`, every other byte kept; the archive stays in
//    its format, compressed or plain); a dead letter that names the id but does not parse as JSON
//    cannot be redacted and is deleted;
// 3. after `settle` the pass runs once more: a batch a writer parsed just before step 1 and
//    committed after it is erased too.
//
// Idempotent: a second run finds nothing left to change. It logs ids and counts, never the data.
// The buyer's orders are found through the index on walmart_order.customerOrderId, their archive
// entries by primary key; dead letters by their text (the id's digits: a record that never loaded
// is in no other table), a scan of that small table. An order without lines has no
// walmart_order row: `scan_archive` also finds archive entries by their text (a scan of the
// whole archive).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace etl::pipeline {

struct ForgetOptions {
  std::vector<int64_t> customer_order_ids;
  std::chrono::seconds settle{10};
  bool scan_archive = false;  // also search every archive entry's text for the id
};

struct ForgetReport {
  size_t ids = 0;
  size_t newly_listed = 0;          // ids not in etl_privacy_erasure before
  size_t rows = 0;                  // walmart_order rows that held a personal value
  size_t archive = 0;               // walmart_order_raw entries rewritten
  size_t dead_letters = 0;          // dead letters rewritten
  size_t dead_letters_deleted = 0;  // unparsable dead letters naming an id
};

// Throws EtlError (fatal: missing tables or privileges; retriable: MySQL unavailable). What was
// committed before a failure stays; a re-run completes it.
ForgetReport run_forget(const config::MysqlConfig& cfg, const ForgetOptions& options);

// Reads customerOrderIds, one per line (blank lines and lines starting with '#' skipped), from a
// file. Throws ConfigError naming the file and line for anything that is not an id.
std::vector<int64_t> read_customer_order_ids(const std::string& path);

// An id as given on the command line or in a file: decimal digits fitting BIGINT, > 0.
std::optional<int64_t> parse_customer_order_id(std::string_view text);

}  // namespace etl::pipeline
