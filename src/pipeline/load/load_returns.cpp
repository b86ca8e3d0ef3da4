#include "pipeline/load/load_returns.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "mysql/schema.hpp"
#include "pipeline/load/input_reader.hpp"
#include "pipeline/load/input_records.hpp"
#include "pipeline/load/load_inputs.hpp"
#include "pipeline/return_record.hpp"

namespace etl::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

// Bounds of one batch besides its returns: memory stays flat with huge returns or bad records.
constexpr size_t kMaxBatchBytes = 64u << 20;
constexpr size_t kMaxBatchDeadLetters = 1000;

}  // namespace

ReturnLoadSummary run_load_returns(const config::Config& cfg, const ReturnLoadOptions& options,
                                   ReturnLoadSummary* committed) {
  const auto started = Clock::now();
  const std::vector<LoadInput> inputs = check_load_inputs(options.inputs);
  const size_t batch_returns = std::max<size_t>(options.batch_returns, 1);
  mysql::ReturnWriter writer(cfg.mysql, options.writer);
  mysql::require_schema(writer.connection(), cfg.mysql.database);
  spdlog::info("load: {} input(s) of returns into {} via {}, {} returns per transaction",
               inputs.size(), cfg.mysql.database, writer.connection().describe(), batch_returns);

  ReturnLoadSummary done;     // committed batches only
  ReturnLoadSummary pending;  // what the batch being filled has counted
  returns::ReturnMapper mapper;
  mysql::ReturnBatch batch;
  size_t batch_bytes = 0;

  auto flush = [&] {
    if (batch.empty()) return;
    const mysql::ReturnWriteResult r = writer.write(batch);
    done.records += pending.records;
    done.returns += pending.returns;
    done.bad_records += pending.bad_records;
    done.conversion_warnings += pending.conversion_warnings;
    done.returns_written += r.returns;
    done.superseded += r.superseded;
    done.stale += r.stale;
    done.lines += r.lines;
    done.charges += r.charges;
    done.events += r.events;
    done.refused += r.refused + r.conflicts;
    done.dead_letters += r.dead_letters;
    done.retries += r.retries;
    ++done.batches;
    done.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (committed != nullptr) *committed = done;
    batch.clear();
    batch_bytes = 0;
    pending = ReturnLoadSummary{};
  };

  bool interrupted = false;
  for (const LoadInput& in : inputs) {
    ++done.files;
    InputReader reader(in.path);
    RecordSplitter splitter(reader);
    spdlog::info("load: reading {} ({})", in.path,
                 reader.size() ? fmt::format("{} bytes", *reader.size()) : std::string("a stream"));
    size_t ordinal = 0;
    InputRecord rec;
    while (splitter.next(rec)) {
      if (stop_requested()) {
        interrupted = true;
        break;
      }
      std::string source = fmt::format("{}:{}", in.name, rec.line);
      ++pending.records;
      mysql::RecordOrigin origin;
      origin.source = source;
      origin.record_index = static_cast<int32_t>(ordinal);
      if (!options.account.empty()) origin.account = options.account;
      ReturnRecordToWrite r =
          return_record_to_write(mapper, {rec.bytes, origin, in.name, rec.problem});
      ordinal += static_cast<size_t>(r.indexes);
      pending.conversion_warnings += r.conversion_warnings;
      pending.returns += r.returns.size();
      batch_bytes += r.bytes;
      for (auto& w : r.returns) batch.returns.push_back(std::move(w));
      for (auto& d : r.dead_letters) {
        spdlog::warn("load: {}: bad record sent to the dead letter: {}", source, d.message);
        ++pending.bad_records;
        batch.dead_letters.push_back(std::move(d));
      }
      if (batch.returns.size() >= batch_returns ||
          batch.dead_letters.size() >= kMaxBatchDeadLetters || batch_bytes >= kMaxBatchBytes) {
        flush();
      }
    }
    if (interrupted) break;
  }
  flush();
  done.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (committed != nullptr) *committed = done;
  if (interrupted) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::internal, 0,
                   fmt::format("load: interrupted; {} returns were committed before stopping (a "
                               "re-run is safe: it is idempotent)",
                               done.returns_written));
  }
  return done;
}

std::string format_summary(const ReturnLoadSummary& s) {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o,
                 "loaded    {} returns from {} record(s) in {} file(s): {} written, {} lines, {} "
                 "charges, {} tracking events",
                 s.returns, s.records, s.files, s.returns_written, s.lines, s.charges, s.events);
  if (s.superseded > 0) fmt::format_to(o, " ({} older versions within a batch)", s.superseded);
  if (s.stale > 0) fmt::format_to(o, " ({} older than the stored version, kept)", s.stale);
  fmt::format_to(o,
                 "\ndead      {} dead letter(s): {} bad record(s), {} return(s) refused by MySQL "
                 "or stored under another account\n",
                 s.dead_letters, s.bad_records, s.refused);
  fmt::format_to(o,
                 "warnings  {} conversion warning(s) (values stored as NULL or cut; see the log)\n",
                 s.conversion_warnings);
  fmt::format_to(o, "time      {:.2f} s, {} transaction(s), {} retried\n", s.seconds, s.batches,
                 s.retries);
  return out;
}

}  // namespace etl::pipeline
