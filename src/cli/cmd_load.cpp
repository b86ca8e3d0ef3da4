// walmart-etl load FILE... | -: JSON files of orders (or stdin) straight into MySQL ods.*, through
// the same mapping and MySQL sink as `stream`. The work lives in pipeline/load/load_job.hpp.

#include <unistd.h>

#include <cstdio>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "config/data_set.hpp"
#include "pipeline/account_resolution.hpp"
#include "pipeline/load/load_job.hpp"
#include "pipeline/load/load_returns.hpp"
#include "pipeline/load/recon_load.hpp"
#include "recon/report_dates.hpp"

namespace etl::cli {

namespace {

// load --data returns: the options that apply to returns (--write-path does not: the returns
// writer uses multi-row statements on every server), then the returns load.
int load_returns(const config::Config& cfg, const pipeline::LoadOptions& o) {
  pipeline::ReturnLoadOptions r;
  r.inputs = o.inputs;
  r.account = o.account;
  r.batch_returns = std::min<size_t>(o.batch_rows, 1000);
  r.writer.raw_archive = o.writer.raw_archive;
  r.writer.max_retries = o.writer.max_retries;
  r.writer.backoff_initial = o.writer.backoff_initial;
  r.writer.backoff_max = o.writer.backoff_max;
  pipeline::ReturnLoadSummary committed;
  try {
    std::fputs(pipeline::format_summary(pipeline::run_load_returns(cfg, r, &committed)).c_str(),
               stdout);
    return static_cast<int>(ExitCode::ok);
  } catch (const EtlError&) {
    if (committed.batches > 0) {
      std::fputs("committed before the failure:\n", stdout);
      std::fputs(pipeline::format_summary(committed).c_str(), stdout);
      std::fprintf(stderr,
                   "walmart-etl: load incomplete: %zu transaction(s) with %zu returns were "
                   "committed before the failure; re-running the same load is safe (idempotent)\n",
                   committed.batches, committed.returns_written);
    }
    throw;
  }
}

}  // namespace

void add_load_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "load",
      "Load JSON files of Walmart orders into MySQL (walmart_order, walmart_order_charge,\n"
      "walmart_order_raw; rejected records go to walmart_order_dead_letter with their file:line).\n"
      "Accepts a JSON array of orders, one JSON value per line (NDJSON), a single order, or API\n"
      "pages {\"list\":{\"elements\":{\"order\":[...]}}}; the layout is detected. '-' reads "
      "stdin.\n"
      "Re-loading is safe: rows are upserted, a newer version of an order replaces the older.\n"
      "--data returns loads returns instead (walmart_return, _line, _charge, _tracking, _raw;\n"
      "walmart_return_dead_letter): saved GET /v3/returns pages "
      "{\"meta\":...,\"returnOrders\":[...]},\n"
      "return order objects, arrays of them or NDJSON.\n"
      "--data recon loads reconciliation (settlement) reports instead: the zip the API serves or\n"
      "the CSV inside it, checked (the rows' Amount must sum to the PaymentSummary's Total\n"
      "Payable) and written to walmart_recon_file and walmart_recon_row, replacing every row of\n"
      "the report date; a report that fails a check goes whole to walmart_recon_dead_letter.\n"
      "Exits 0 only if every record was loaded or dead-lettered.");
  struct Options {
    std::vector<std::string> inputs;
    size_t batch_rows = 0;
    std::string path = "auto";
    std::string raw_archive;  // empty: stream.raw_archive
    std::string account;
    std::string data = "orders";
    std::string report_date;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("inputs", opts->inputs,
                  "Files to load (JSON orders; with --data recon, report .zip or .csv files), "
                  "or - for stdin")
      ->required()
      ->type_name("FILE");
  cmd->add_option(
         "--data", opts->data,
         "What the files hold: orders (default), returns (returns pages or return orders) or\n"
         "recon (reconciliation report zip or CSV files)")
      ->check(CLI::IsMember({"orders", "returns", "recon"}));
  cmd->add_option("--report-date", opts->report_date,
                  "--data recon: the report date the files are written under (MMDDYYYY as the "
                  "API lists it, or YYYY-MM-DD; default: each file's payout date, from its "
                  "PaymentSummary row)")
      ->type_name("DATE");
  cmd->add_option("--batch-rows", opts->batch_rows,
                  "Rows per MySQL transaction (default: the larger of stream.batch_size and 5000)")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  cmd->add_option("--write-path", opts->path,
                  "auto (bulk on MariaDB, else portable), bulk (MariaDB array binding) or portable "
                  "(multi-row INSERT, MySQL 8 too)")
      ->check(CLI::IsMember({"auto", "bulk", "portable"}));
  cmd->add_option("--account", opts->account,
                  "The seller account these orders belong to, written to every row's account "
                  "column (default: walmart_token.default_account, or the only configured account)")
      ->type_name("NAME");
  cmd->add_option(
         "--raw-archive", opts->raw_archive,
         "How walmart_order_raw keeps each order's JSON: compressed (COMPRESS() format; read it "
         "through the view walmart_order_raw_json), plain, or off (default: stream.raw_archive)")
      ->check(CLI::IsMember({"compressed", "plain", "off"}));
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "load");
      if (config::parse_data_set(opts->data) == config::DataSet::recon) {
        pipeline::ReconLoadOptions r;
        r.inputs = opts->inputs;
        r.account = pipeline::resolve_load_account(opts->account, cfg.walmart_token);
        if (!opts->report_date.empty()) {
          r.report_date = recon::parse_report_date(opts->report_date);
          if (!r.report_date) {
            throw ConfigError("load --report-date: \"" + opts->report_date +
                              "\" is not a date (MMDDYYYY, YYYYMMDD or YYYY-MM-DD)");
          }
        }
        r.max_retries = cfg.stream.max_retries;
        r.backoff_initial = cfg.stream.retry_backoff_initial;
        r.backoff_max = cfg.stream.retry_backoff_max;
        std::fputs(pipeline::format_recon_summary(pipeline::run_recon_load(cfg, r)).c_str(),
                   stdout);
        return static_cast<int>(ExitCode::ok);
      }
      if (!opts->report_date.empty()) {
        throw ConfigError("load --report-date applies to --data recon only");
      }
      pipeline::LoadOptions o;
      o.inputs = opts->inputs;
      o.account = pipeline::resolve_load_account(opts->account, cfg.walmart_token);
      o.batch_rows = opts->batch_rows != 0
                         ? opts->batch_rows
                         : std::max(pipeline::kDefaultLoadBatchRows,
                                    static_cast<size_t>(std::max(cfg.stream.batch_size, 1)));
      o.writer.path = opts->path == "bulk"       ? mysql::WritePath::bulk
                      : opts->path == "portable" ? mysql::WritePath::portable
                                                 : mysql::WritePath::automatic;
      o.writer.raw_archive = opts->raw_archive.empty()      ? cfg.stream.raw_archive
                             : opts->raw_archive == "plain" ? config::RawArchive::plain
                             : opts->raw_archive == "off"   ? config::RawArchive::off
                                                            : config::RawArchive::compressed;
      o.writer.max_retries = cfg.stream.max_retries;
      o.writer.backoff_initial = cfg.stream.retry_backoff_initial;
      o.writer.backoff_max = cfg.stream.retry_backoff_max;
      o.progress = isatty(STDERR_FILENO) != 0;
      if (config::parse_data_set(opts->data) == config::DataSet::returns) {
        return load_returns(cfg, o);
      }
      pipeline::LoadSummary committed;
      try {
        const pipeline::LoadSummary s = pipeline::run_load(cfg, o, &committed);
        std::fputs(pipeline::format_summary(s).c_str(), stdout);
        return static_cast<int>(ExitCode::ok);
      } catch (const EtlError& e) {
        if (committed.batches > 0) {
          std::fputs("committed before the failure:\n", stdout);
          std::fputs(pipeline::format_summary(committed).c_str(), stdout);
          std::fprintf(stderr,
                       "walmart-etl: load incomplete: %zu transaction(s) with %zu orders were "
                       "committed before the "
                       "failure; re-running the same load is safe (idempotent)\n",
                       committed.batches, committed.orders_written);
        }
        throw;
      }
    };
  });
}

}  // namespace etl::cli
