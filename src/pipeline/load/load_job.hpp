#pragma once
// `walmart-etl load FILE... | -`: JSON files (or stdin) -> the order mapping -> the MySQL sink.
// Every record ends up either written (walmart_order, _charge, _raw) or in
// walmart_order_dead_letter with its source "file:line"; anything else is an exception.
//
// Streaming: each input (one at a time) is split into records as it is read (input_reader.hpp,
// input_records.hpp: a window of a few MB, or about twice the largest record); parsed orders are
// batched by rows and written in one transaction per batch while the next batch is parsed (one
// writer thread, one MySQL connection), so memory holds the window and at most two batches of
// parsed orders whatever the input size (a 968 MB file: 77 MB peak RSS, docs/benchmarks.md).
// stdin and FIFOs are read the same way: what a pipe has sent is loaded before it is closed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mysql/batch_writer.hpp"

namespace etl::pipeline {

// Default rows per transaction for `load` (measured, see docs/benchmarks.md): large transactions
// amortise the commit; stream.batch_size is used instead when it is larger.
inline constexpr size_t kDefaultLoadBatchRows = 5000;

struct LoadOptions {
  std::vector<std::string> inputs;  // paths; "-" = stdin
  // The seller account every row and dead letter is written under (load --account, resolved by
  // pipeline::resolve_load_account). Empty only for callers that write no account (NULL).
  std::string account;
  size_t batch_rows = kDefaultLoadBatchRows;
  mysql::BatchWriterOptions writer;
  bool progress = false;  // a progress line on stderr (the CLI sets it when stderr is a terminal)
  bool overlap = true;    // parse the next batch while the previous one is written (false: in turn)
};

struct LoadSummary {
  size_t files = 0;
  size_t records = 0;         // records read (messages: order objects, array elements, lines)
  size_t orders = 0;          // orders parsed (every version)
  size_t orders_written = 0;  // orders written (the last version of each, per batch)
  size_t superseded = 0;      // older versions of an order replaced within the same batch
  size_t rows = 0;            // walmart_order rows written
  size_t charges = 0;         // walmart_order_charge rows written
  size_t bad_records = 0;     // records the mapping rejected (dead-lettered)
  size_t refused = 0;         // orders MySQL refused (row-level data errors, dead-lettered)
  size_t dead_letters = 0;    // bad_records + refused
  size_t conversion_warnings = 0;
  size_t batches = 0;
  unsigned retries = 0;
  double seconds = 0;
  [[nodiscard]] double rows_per_second() const noexcept {
    return seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  }
};

// Runs the load. Throws EtlError: fatal (bad credentials, missing/incompatible tables, unreadable
// input), retriable (MySQL unavailable after the writer's retries). Batches committed before the
// failure stay committed; a re-run is safe (idempotent). `committed` (optional) is updated after
// each commit, so a caller can report how far a failed load got.
LoadSummary run_load(const config::Config& cfg, const LoadOptions& options,
                     LoadSummary* committed = nullptr);

// The summary as printed by `walmart-etl load` (several lines, ends with '\n').
std::string format_summary(const LoadSummary& s);

}  // namespace etl::pipeline
