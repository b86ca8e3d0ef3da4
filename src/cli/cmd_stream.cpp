// walmart-etl stream: Kafka -> MySQL, exactly once, as a consumer group. Options only; the work
// is pipeline::run_stream (src/pipeline/stream/stream_job.hpp).

#include <memory>
#include <string>

#include "cli/cli_context.hpp"
#include "pipeline/stream/stream_job.hpp"

namespace etl::cli {

namespace {
struct StreamArgs {
  std::string group;
  bool until_idle = false;
};
}  // namespace

void add_stream_command(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<StreamArgs>();
  auto* cmd = app.add_subcommand(
      "stream",
      "Consume kafka.topic as a consumer group and write ods.walmart_order (+ charges, raw, dead\n"
      "letters) exactly once: rows and the next offsets commit in one MySQL transaction, and a\n"
      "restarted or rebalanced stream resumes from the offsets stored in MySQL. Runs until\n"
      "SIGINT/SIGTERM (writes what is pending, leaves the group, exits 0). Metrics and health on\n"
      "http://stream.metrics_bind:stream.metrics_port/metrics and /healthz.");
  cmd->add_option("--group", args->group, "Consumer group id (default: kafka.consumer_group)")
      ->type_name("ID");
  cmd->add_flag("--until-idle", args->until_idle,
                "Exit 0 once every assigned partition has been read to its end and written");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "stream");
      pipeline::StreamRunOptions options;
      options.group = args->group;
      options.until_idle = args->until_idle;
      options.shutdown_timeout = cfg.stream.shutdown_timeout;
      return pipeline::run_stream(cfg, options);
    };
  });
}

}  // namespace etl::cli
