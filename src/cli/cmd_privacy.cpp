// walmart-etl privacy apply: rewrite what is already stored (archive, walmart_order's personal
// columns, dead letters) to the current field policies, in batches, resumable
// (pipeline/privacy/apply.hpp).

#include <cstdio>
#include <memory>

#include "cli/cli_context.hpp"
#include "common/error.hpp"
#include "pipeline/privacy/apply.hpp"

namespace etl::cli {

void add_privacy_command(CLI::App& app, CliContext& ctx) {
  struct Options {
    bool dry_run = false;
    size_t batch_rows = 500;
    int pause_ms = 0;
  };
  auto opts = std::make_shared<Options>();
  auto* privacy = app.add_subcommand("privacy", "Customer data: apply the field policies");
  privacy->require_subcommand(1);
  auto* cmd = privacy->add_subcommand(
      "apply",
      "Rewrite what is already stored to the current privacy policies: the archive JSON\n"
      "(compressed or plain), walmart_order's personal columns and dead letters' payloads, e.g.\n"
      "after switching an existing ODS from keep to hash. Batches of --batch-rows rows, one short\n"
      "transaction each (safe beside stream and load: restart them with the new policies first).\n"
      "A value already converted (NULL, or 64 lower-case hex digits under hash) is left as it is,\n"
      "so a second run changes nothing. Interrupted, it continues after the last batch it\n"
      "committed (table etl_privacy_apply). Logs a progress line, never the data.");
  cmd->add_flag("--dry-run", opts->dry_run, "Count what would change; write nothing");
  cmd->add_option("--batch-rows", opts->batch_rows, "Rows per batch and transaction")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--pause-ms", opts->pause_ms,
                  "Milliseconds to wait between batches, to leave the server to the writers")
      ->check(CLI::Range(0, 60000));
  cmd->callback([&ctx, opts] {
    ctx.action = [&ctx, opts] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "privacy-apply");
      pipeline::ApplyOptions o;
      o.dry_run = opts->dry_run;
      o.batch_rows = opts->batch_rows;
      o.pause = std::chrono::milliseconds(opts->pause_ms);
      const pipeline::ApplyReport r =
          pipeline::run_privacy_apply(cfg.mysql, privacy::FieldPolicies::from(cfg.privacy), o);
      if (r.nothing_to_apply) {
        std::printf("nothing to apply: every privacy policy is keep\n");
        return static_cast<int>(ExitCode::ok);
      }
      const char* verb = o.dry_run ? "to rewrite (dry run, nothing written)" : "rewritten";
      std::printf("walmart_order_raw: %llu scanned, %llu %s, %llu not JSON (left)\n",
                  static_cast<unsigned long long>(r.archive.scanned),
                  static_cast<unsigned long long>(r.archive.changed), verb,
                  static_cast<unsigned long long>(r.archive.unparsable));
      std::printf("walmart_order: %llu row(s) %s\n",
                  static_cast<unsigned long long>(r.rows.changed), verb);
      std::printf("walmart_order_dead_letter: %llu scanned, %llu %s, %llu not JSON (left)\n",
                  static_cast<unsigned long long>(r.dead_letters.scanned),
                  static_cast<unsigned long long>(r.dead_letters.changed), verb,
                  static_cast<unsigned long long>(r.dead_letters.unparsable));
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli
