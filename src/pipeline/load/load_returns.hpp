#pragma once
// `walmart-etl load --data returns FILE... | -`: saved returns pages (GET /v3/returns answers),
// return order objects, arrays of them or NDJSON -> the returns mapping -> the returns writer.
// Every return ends up written (walmart_return and its companion tables) or in
// walmart_return_dead_letter with its source "file:line" and the reason.
// Inputs are split as for orders (input_records.hpp: an array element by element, NDJSON line by
// line; a page is one record that the mapping splits into its returns); batches of returns are
// written one transaction each, in turn.

#include <string>

#include "config/config.hpp"
#include "mysql/return_writer.hpp"

namespace etl::pipeline {

struct ReturnLoadOptions {
  std::vector<std::string> inputs;  // paths; "-" = stdin
  std::string account;              // written to every row (see LoadOptions::account)
  size_t batch_returns = 1000;      // returns per transaction
  mysql::ReturnWriterOptions writer;
};

struct ReturnLoadSummary {
  size_t files = 0;
  size_t records = 0;          // records read
  size_t returns = 0;          // return orders mapped (every version)
  size_t returns_written = 0;  // written (the newest version of each)
  size_t superseded = 0;       // older versions within a batch
  size_t stale = 0;            // older than the version already stored: not written
  size_t lines = 0;
  size_t charges = 0;
  size_t events = 0;
  size_t bad_records = 0;   // records or returns the mapping rejected (dead-lettered)
  size_t refused = 0;       // returns refused by MySQL or stored under another account
  size_t dead_letters = 0;  // every dead letter written
  size_t conversion_warnings = 0;
  size_t batches = 0;
  unsigned retries = 0;
  double seconds = 0;
};

// Throws EtlError as run_load does; committed batches stay committed and a re-run is safe.
ReturnLoadSummary run_load_returns(const config::Config& cfg, const ReturnLoadOptions& options,
                                   ReturnLoadSummary* committed = nullptr);

std::string format_summary(const ReturnLoadSummary& s);

}  // namespace etl::pipeline
