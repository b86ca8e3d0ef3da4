#pragma once
// `walmart-etl purge`: deletes what is past retention (privacy.raw_retention_days,
// privacy.dead_letter_retention_days) - walmart_order_raw rows not written for that many days
// (load_time: the last write of the order) and dead letters older than that (created_at) - in
// small transactions, so no lock is held for long and a writer beside it waits at most one batch.
//
// Each batch reads the next ids past the cutoff in key order without locking (a keyset scan that
// continues where the previous batch stopped, so the table is read once in all), then deletes
// those ids whose time is still past the cutoff (an order written again meanwhile stays). The
// cutoff is fixed once, when the run starts (UTC: sessions run with time_zone '+00:00').

#include <cstddef>
#include <string>

#include "config/config.hpp"

namespace etl::pipeline {

struct PurgeOptions {
  int raw_retention_days = 0;          // 0: the archive is kept
  int dead_letter_retention_days = 0;  // 0: dead letters are kept
  bool dry_run = false;                // count only
  size_t batch_rows = 1000;            // most rows deleted per transaction
};

struct PurgeReport {
  std::string raw_cutoff;          // "YYYY-MM-DD HH:MM:SS" UTC; empty when kept
  std::string dead_letter_cutoff;  // as above
  size_t raw_rows = 0;             // deleted (dry run: past retention)
  size_t dead_letters = 0;         // as above
  size_t transactions = 0;
};

// Throws EtlError (fatal for missing tables or privileges, retriable when MySQL is unavailable);
// what was deleted before a failure stays deleted and a re-run carries on.
PurgeReport run_purge(const config::MysqlConfig& cfg, const PurgeOptions& options);

}  // namespace etl::pipeline
