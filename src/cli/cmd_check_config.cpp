// walmart-etl check-config: load and validate, print the effective config with secrets masked;
// --keys lists every configuration key instead.

#include <cstdio>
#include <memory>

#include "cli/cli_context.hpp"
#include "config/config_keys.hpp"
#include "config/config_loader.hpp"

namespace etl::cli {

void add_check_config_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "check-config",
      "Validate the configuration (file + WALMART_ETL_* environment + --set) and print the\n"
      "effective values, secrets masked as ***. Exit 0 if valid, 2 with the offending key if not.");
  auto keys = std::make_shared<bool>(false);
  cmd->add_flag("--keys", *keys,
                "List every configuration key (accepted values, default, meaning) and exit; "
                "reads no configuration");
  cmd->callback([&ctx, keys] {
    ctx.action = [&ctx, keys] {
      if (*keys) {
        std::printf("%s", config::key_listing(config::declared_keys()).c_str());
        return 0;
      }
      const config::Config cfg = ctx.load_config();
      std::printf("# effective configuration (source: %s)\n%s",
                  cfg.source_path.empty() ? "built-in defaults" : cfg.source_path.c_str(),
                  config::to_masked_yaml(cfg).c_str());
      return 0;
    };
  });
}

}  // namespace etl::cli
