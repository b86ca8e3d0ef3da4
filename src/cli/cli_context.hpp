#pragma once
// What every command file sees: the global options and helpers to load the config and start
// logging. A command registers itself with add_<name>_command(app, ctx) and sets ctx.action;
// main() runs the action and maps exceptions to exit codes (ConfigError -> 2, others -> 1).

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace etl::cli {

struct CliContext {
  std::string config_path;  // --config, or $WALMART_ETL_CONFIG, or config/config.yml
  bool config_path_explicit = false;
  std::vector<std::string> sets;  // --set key.path=value (repeatable)
  int verbosity = 0;              // -v (debug), -vv (trace)
  std::function<int()> action;    // set by the chosen subcommand

  // Loads file + environment + --set. A missing default config file means built-in defaults;
  // a missing explicit --config file is an error. Throws ConfigError.
  [[nodiscard]] config::Config load_config() const;

  // Console + logs/<command>.log at the configured level (raised by -v).
  void start_logging(const config::Config& cfg, std::string_view command) const;
};

// One function per command file (src/cli/cmd_<name>.cpp).
void add_check_config_command(CLI::App& app, CliContext& ctx);
void add_init_db_command(CLI::App& app, CliContext& ctx);
void add_token_command(CLI::App& app, CliContext& ctx);
void add_fetch_command(CLI::App& app, CliContext& ctx);
void add_dev_broker_command(CLI::App& app, CliContext& ctx);
void add_simulate_api_command(CLI::App& app, CliContext& ctx);
void add_stream_command(CLI::App& app, CliContext& ctx);
void add_load_command(CLI::App& app, CliContext& ctx);
void add_purge_command(CLI::App& app, CliContext& ctx);
void add_forget_command(CLI::App& app, CliContext& ctx);
void add_privacy_command(CLI::App& app, CliContext& ctx);
void add_report_command(CLI::App& app, CliContext& ctx);

}  // namespace etl::cli
