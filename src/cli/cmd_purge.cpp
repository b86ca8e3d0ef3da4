// walmart-etl purge: delete archive rows and dead letters past privacy.*_retention_days in small
// transactions; --dry-run prints the counts only.

#include <cstdio>
#include <memory>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "pipeline/privacy/purge.hpp"

namespace etl::cli {

void add_purge_command(CLI::App& app, CliContext& ctx) {
  struct Options {
    bool dry_run = false;
    size_t batch_rows = 1000;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "purge",
      "Delete what is past retention: walmart_order_raw rows not written for\n"
      "privacy.raw_retention_days days and walmart_order_dead_letter rows older than\n"
      "privacy.dead_letter_retention_days (0 keeps them), in transactions of --batch-rows rows\n"
      "(no long locks; safe beside stream and load; a re-run carries on). Run it daily (a\n"
      "systemd timer or CronJob: deploy/walmart-etl-purge.*).");
  cmd->add_flag("--dry-run", opts->dry_run, "Count what is past retention; delete nothing");
  cmd->add_option("--batch-rows", opts->batch_rows, "Most rows deleted per transaction")
      ->check(CLI::Range(1, 100000));
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "purge");
      pipeline::PurgeOptions o;
      o.raw_retention_days = cfg.privacy.raw_retention_days;
      o.dead_letter_retention_days = cfg.privacy.dead_letter_retention_days;
      o.dry_run = opts->dry_run;
      o.batch_rows = opts->batch_rows;
      const pipeline::PurgeReport r = pipeline::run_purge(cfg.mysql, o);
      const char* verb = o.dry_run ? "past retention (dry run, nothing deleted)" : "deleted";
      if (r.raw_cutoff.empty()) {
        std::printf("walmart_order_raw: kept (privacy.raw_retention_days is 0)\n");
      } else {
        std::printf("walmart_order_raw: %zu row(s) last written before %s UTC %s\n", r.raw_rows,
                    r.raw_cutoff.c_str(), verb);
      }
      if (r.dead_letter_cutoff.empty()) {
        std::printf("walmart_order_dead_letter: kept (privacy.dead_letter_retention_days is 0)\n");
      } else {
        std::printf("walmart_order_dead_letter: %zu row(s) created before %s UTC %s\n",
                    r.dead_letters, r.dead_letter_cutoff.c_str(), verb);
      }
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli
