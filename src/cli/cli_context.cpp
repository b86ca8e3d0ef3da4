#include "cli/cli_context.hpp"

#include "common/logging.hpp"
#include "config/config_loader.hpp"

namespace etl::cli {

config::Config CliContext::load_config() const {
  config::LoadOptions options;
  options.path = config_path;
  options.path_required = config_path_explicit;
  options.env = config::environment_overrides_from_process();
  options.sets = sets;
  return config::load_config(options);
}

void CliContext::start_logging(const config::Config& cfg, std::string_view command) const {
  LoggingOptions options;
  options.dir = cfg.logging.dir;
  options.level = cfg.logging.level;
  if (verbosity >= 2) {
    options.level = "trace";
  } else if (verbosity == 1 && options.level != "trace") {
    options.level = "debug";
  }
  init_logging(options, command);
}

}  // namespace etl::cli
