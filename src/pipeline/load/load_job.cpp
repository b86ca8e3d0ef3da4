#include "pipeline/load/load_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <iterator>

#include "common/error.hpp"
#include "common/stop_signal.hpp"
#include "mysql/schema.hpp"
#include "order/order_mapper.hpp"
#include "pipeline/load/input_reader.hpp"
#include "pipeline/load/input_records.hpp"
#include "pipeline/load/load_inputs.hpp"
#include "pipeline/privacy/erasure_list.hpp"
#include "pipeline/record_to_write.hpp"
#include "privacy/redactor.hpp"

namespace etl::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

// Bounds of one batch besides its rows: keeps memory flat with huge orders or many bad records.
constexpr size_t kMaxBatchBytes = 64u << 20;
constexpr size_t kMaxBatchDeadLetters = 1000;

// What the parser counted for one batch; added to the summary when the batch commits.
struct BatchStats {
  size_t records = 0;
  size_t orders = 0;
  size_t bad_records = 0;
  size_t conversion_warnings = 0;
  size_t rows = 0;
  size_t bytes = 0;
  std::string last_source;  // "file:line" of the last record in the batch
};

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(Clock::now()) {}
  ~Progress() { finish(); }
  // size: nullopt for a pipe (stdin, a FIFO): the bytes read are shown instead of a percentage.
  void update(const std::string& name, size_t pos, std::optional<size_t> size,
              const LoadSummary& done, size_t parsed_orders) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const std::string read =
        size ? fmt::format(
                   "{:3.0f}%",
                   *size ? 100.0 * static_cast<double>(pos) / static_cast<double>(*size) : 100.0)
             : fmt::format("{:.0f} MB", static_cast<double>(pos) / 1e6);
    std::fprintf(stderr, "\r\033[Kload: %s %s | %zu orders read | %zu rows written | %.0f rows/s",
                 name.c_str(), read.c_str(), parsed_orders, done.rows,
                 secs > 0 ? static_cast<double>(done.rows) / secs : 0.0);
    std::fflush(stderr);
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

}  // namespace

LoadSummary run_load(const config::Config& cfg, const LoadOptions& options,
                     LoadSummary* committed) {
  const auto started = Clock::now();
  const std::vector<LoadInput> inputs = check_load_inputs(options.inputs);
  const size_t batch_rows = std::max<size_t>(options.batch_rows, 1);

  mysql::BatchWriter writer(cfg.mysql, options.writer);
  mysql::require_schema(writer.connection(), cfg.mysql.database);
  spdlog::info("load: {} input(s) into {} via {} ({} path), {} rows per transaction", inputs.size(),
               cfg.mysql.database, writer.connection().describe(),
               mysql::to_string(writer.active_path()), batch_rows);

  LoadSummary done;  // counts of committed batches only
  order::OrderMapper mapper;
  privacy::Redactor redactor(privacy::FieldPolicies::from(cfg.privacy));
  // Read once: the writer's connection is the writer thread's while the next batch is parsed.
  ErasureList erasures;
  erasures.refresh(writer.connection(), redactor);
  Progress progress(options.progress);

  // Double buffering: `filling` is parsed into while `flying` is written by the writer thread.
  mysql::WriteBatch filling;
  mysql::WriteBatch flying;
  BatchStats filling_stats;
  BatchStats flying_stats;
  std::future<mysql::WriteResult> in_flight;
  size_t parsed_orders = 0;

  auto settle = [&] {
    if (!in_flight.valid()) return;
    const mysql::WriteResult r = in_flight.get();
    done.records += flying_stats.records;
    done.orders += flying_stats.orders;
    done.bad_records += flying_stats.bad_records;
    done.conversion_warnings += flying_stats.conversion_warnings;
    done.orders_written += r.orders;
    done.superseded += r.superseded;
    done.rows += r.rows;
    done.charges += r.charges;
    done.refused += r.rejected.size();
    done.dead_letters += r.dead_letters;
    done.retries += r.retries;
    ++done.batches;
    done.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    spdlog::debug("load: committed batch {} through {} ({} rows)", done.batches,
                  flying_stats.last_source, r.rows);
    if (committed != nullptr) *committed = done;
  };
  auto flush = [&] {
    settle();
    if (filling.empty()) return;
    std::swap(filling, flying);
    std::swap(filling_stats, flying_stats);
    filling.clear();
    filling_stats = BatchStats{};
    in_flight = std::async(std::launch::async, [&writer, &flying] { return writer.write(flying); });
    if (!options.overlap) settle();
  };

  bool interrupted = false;
  for (const LoadInput& in : inputs) {
    ++done.files;
    InputReader reader(in.path);  // read as it is split: memory does not grow with the input
    RecordSplitter splitter(reader);
    spdlog::info("load: reading {} ({}, {})", in.path,
                 reader.size() ? fmt::format("{} bytes", *reader.size()) : std::string("a stream"),
                 splitter.layout() == InputLayout::ndjson ? "one JSON value per line" : "JSON");
    size_t ordinal = 0;  // record_index: the position of each order / bad record in this input
    InputRecord rec;
    auto next_record = [&] {
      try {
        return splitter.next(rec);
      } catch (const EtlError&) {  // the input cannot be read further: report the batch in flight
        try {
          settle();
        } catch (const EtlError& e) {
          spdlog::error("load: the batch being written failed too: {}", e.what());
        }
        throw;
      }
    };
    while (next_record()) {
      if (stop_requested()) {
        interrupted = true;
        break;
      }
      std::string source = fmt::format("{}:{}", in.name, rec.line);
      ++filling_stats.records;
      mysql::RecordOrigin origin;
      origin.source = source;
      origin.record_index = static_cast<int32_t>(ordinal);
      if (!options.account.empty()) origin.account = options.account;
      RecordToWrite r =
          record_to_write(mapper, {rec.bytes, origin, in.name, rec.problem, {}, &redactor});
      ordinal += static_cast<size_t>(r.indexes);
      filling_stats.conversion_warnings += r.conversion_warnings;
      filling_stats.orders += r.orders.size();
      parsed_orders += r.orders.size();
      filling_stats.rows += r.rows;
      filling_stats.bytes += r.bytes;
      for (auto& o : r.orders) filling.orders.push_back(std::move(o));
      if (r.dead_letter) {
        spdlog::warn("load: {}: bad record sent to the dead letter: {}", source,
                     r.dead_letter->message);
        ++filling_stats.bad_records;
        filling.dead_letters.push_back(std::move(*r.dead_letter));
      }
      filling_stats.last_source = std::move(source);
      if (filling_stats.rows >= batch_rows || filling.orders.size() >= batch_rows ||
          filling.dead_letters.size() >= kMaxBatchDeadLetters ||
          filling_stats.bytes >= kMaxBatchBytes) {
        flush();
      }
      progress.update(in.name, splitter.position(), reader.size(), done, parsed_orders);
    }
    if (interrupted) break;
  }
  flush();
  settle();
  progress.finish();
  done.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (committed != nullptr) *committed = done;
  if (interrupted) {
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::internal, 0,
        fmt::format("load: interrupted; {} orders were committed before stopping (a re-run is "
                    "safe: it is idempotent)",
                    done.orders_written));
  }
  return done;
}

std::string format_summary(const LoadSummary& s) {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "loaded    {} orders from {} record(s) in {} file(s): {} rows, {} charges",
                 s.orders, s.records, s.files, s.rows, s.charges);
  if (s.superseded > 0)
    fmt::format_to(o, " ({} older versions replaced within a batch)", s.superseded);
  fmt::format_to(o,
                 "\ndead      {} dead letter(s): {} bad record(s), {} order(s) refused by MySQL\n",
                 s.dead_letters, s.bad_records, s.refused);
  fmt::format_to(o,
                 "warnings  {} conversion warning(s) (values stored as NULL or cut; see the log)\n",
                 s.conversion_warnings);
  fmt::format_to(o, "time      {:.2f} s, {:.0f} rows/s, {} transaction(s), {} retried\n", s.seconds,
                 s.rows_per_second(), s.batches, s.retries);
  return out;
}

}  // namespace etl::pipeline
