// walmart-etl load FILE... | -: JSON files of orders (or stdin) straight into MySQL ods.*, through
// the same mapping and MySQL sink as `stream`. The work lives in pipeline/load/load_job.hpp.

#include <unistd.h>

#include <cstdio>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "pipeline/account_resolution.hpp"
#include "pipeline/load/load_job.hpp"

namespace etl::cli {

void add_load_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "load",
      "Load JSON files of Walmart orders into MySQL (walmart_order, walmart_order_charge,\n"
      "walmart_order_raw; rejected records go to walmart_order_dead_letter with their file:line).\n"
      "Accepts a JSON array of orders, one JSON value per line (NDJSON), a single order, or API\n"
      "pages {\"list\":{\"elements\":{\"order\":[...]}}}; the layout is detected. '-' reads "
      "stdin.\n"
      "Re-loading is safe: rows are upserted, a newer version of an order replaces the older.\n"
      "Exits 0 only if every record was loaded or dead-lettered.");
  struct Options {
    std::vector<std::string> inputs;
    size_t batch_rows = 0;
    std::string path = "auto";
    std::string raw_archive;  // empty: stream.raw_archive
    std::string account;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("inputs", opts->inputs, "JSON files to load, or - for stdin")
      ->required()
      ->type_name("FILE");
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
