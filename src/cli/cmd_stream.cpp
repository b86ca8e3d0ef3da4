// walmart-etl stream: Kafka -> MySQL, exactly once, as a consumer group. Options only; the work
// is pipeline::run_stream (src/pipeline/stream/stream_job.hpp).

#include <memory>
#include <string>

#include "cli/cli_context.hpp"
#include "config/data_set.hpp"
#include "pipeline/stream/stream_job.hpp"

namespace etl::cli {

namespace {
struct StreamArgs {
  std::string data = "orders";
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
      "http://stream.metrics_bind:stream.metrics_port/metrics and /healthz.\n"
      "--data returns consumes kafka.returns_topic instead and writes walmart_return (+ lines,\n"
      "charges, tracking, raw, dead letters), in a group of its own: one stream process per\n"
      "data set. --data recon consumes kafka.recon_topic (settlement reports in chunks) and\n"
      "writes each report whole into walmart_recon_file and walmart_recon_row (or\n"
      "walmart_recon_dead_letter) once its last chunk has arrived.");
  cmd->add_option("--data", args->data,
                  "The data set to stream: orders (default; kafka.topic), returns\n"
                  "(kafka.returns_topic) or recon (kafka.recon_topic)")
      ->check(CLI::IsMember({"orders", "returns", "recon"}));
  cmd->add_option("--group", args->group,
                  "Consumer group id, used as given (default: kafka.consumer_group for orders,\n"
                  "kafka.consumer_group + \"-returns\" / \"-recon\" for returns / recon)")
      ->type_name("ID");
  cmd->add_flag("--until-idle", args->until_idle,
                "Exit 0 once every assigned partition has been read to its end and written");
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "stream");
      pipeline::StreamRunOptions options;
      options.data = config::parse_data_set(args->data).value_or(config::DataSet::orders);
      options.group = args->group;
      options.until_idle = args->until_idle;
      options.shutdown_timeout = cfg.stream.shutdown_timeout;
      return pipeline::run_stream(cfg, options);
    };
  });
}

}  // namespace etl::cli
