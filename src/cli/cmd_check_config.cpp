// walmart-etl check-config: load and validate, print the effective config with secrets masked.

#include <cstdio>

#include "cli/cli_context.hpp"
#include "config/config_loader.hpp"

namespace etl::cli {

void add_check_config_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "check-config",
      "Validate the configuration (file + WALMART_ETL_* environment + --set) and print the\n"
      "effective values, secrets masked as ***. Exit 0 if valid, 2 with the offending key if not.");
  cmd->callback([&ctx] {
    ctx.action = [&ctx] {
      const config::Config cfg = ctx.load_config();
      std::printf("# effective configuration (source: %s)\n%s",
                  cfg.source_path.empty() ? "built-in defaults" : cfg.source_path.c_str(),
                  config::to_masked_yaml(cfg).c_str());
      return 0;
    };
  });
}

}  // namespace etl::cli
