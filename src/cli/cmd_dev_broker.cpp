// walmart-etl dev-broker: a local in-memory Kafka-protocol cluster (librdkafka's mock cluster) for
// the demo and the tests. Options only; the broker is kafka::DevBroker.

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli_context.hpp"
#include "common/stop_signal.hpp"
#include "tools/dev_broker/dev_broker.hpp"

namespace etl::cli {

namespace {
struct DevBrokerArgs {
  int brokers = 1;
  std::string bootstrap_file;
  std::vector<std::string> topics;
};
}  // namespace

void add_dev_broker_command(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<DevBrokerArgs>();
  auto* cmd = app.add_subcommand(
      "dev-broker",
      "Run a local Kafka-protocol broker for the demo and tests (librdkafka's mock cluster).\n"
      "NOT FOR PRODUCTION: messages are kept in memory only and lost when it stops; each\n"
      "partition keeps only about 5 MB (older messages are dropped silently, like retention);\n"
      "no TLS/SASL, no admin API (topics come from --topic, or are auto-created with 4\n"
      "partitions). It listens on 127.0.0.1 on a port the kernel chooses (librdkafka's\n"
      "mock cluster cannot bind a given port): the bootstrap address is printed on stdout and\n"
      "written to --bootstrap-file. Runs until SIGINT/SIGTERM.");
  cmd->add_option("--brokers", args->brokers, "Number of brokers (1..16)")
      ->check(CLI::Range(1, 16));
  cmd->add_option("--bootstrap-file", args->bootstrap_file,
                  "Write the bootstrap address here (atomically) once listening; removed on exit")
      ->type_name("FILE");
  cmd->add_option(
         "--topic", args->topics,
         "Pre-create a topic, repeatable (default: kafka.topic with kafka.topic_partitions)")
      ->type_name("NAME:PARTITIONS")
      ->take_all();
  cmd->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      const config::Config cfg = ctx.load_config();
      ctx.start_logging(cfg, "dev-broker");

      kafka::DevBrokerOptions options;
      options.brokers = args->brokers;
      for (const auto& spec : args->topics) options.topics.push_back(kafka::parse_dev_topic(spec));
      if (options.topics.empty()) {
        options.topics.push_back({cfg.kafka.topic, cfg.kafka.topic_partitions});
      }
      kafka::DevBroker broker(options);

      std::printf("%s\n", broker.bootstraps().c_str());
      std::fflush(stdout);
      if (!args->bootstrap_file.empty())
        kafka::write_bootstrap_file(args->bootstrap_file, broker.bootstraps());
      spdlog::warn(
          "dev-broker: NOT FOR PRODUCTION - messages are in memory only, about 5 MB per "
          "partition (older ones are dropped silently), lost when it stops");
      spdlog::info("dev-broker: {} broker(s) listening at {}{}; stop with Ctrl-C / SIGTERM",
                   broker.broker_count(), broker.bootstraps(),
                   args->bootstrap_file.empty() ? std::string()
                                                : " (address in " + args->bootstrap_file + ")");

      while (!wait_for_stop(std::chrono::seconds(1))) {
      }
      spdlog::info("dev-broker: stopping; its messages are discarded");
      if (!args->bootstrap_file.empty()) {
        std::error_code ec;
        std::filesystem::remove(args->bootstrap_file, ec);
      }
      return static_cast<int>(ExitCode::ok);
    };
  });
}

}  // namespace etl::cli
