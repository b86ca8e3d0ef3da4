#pragma once
// One logger for the whole process: console (stderr) plus logs/<command>.log, UTC
// timestamps. librdkafka, curl and MariaDB diagnostics are forwarded into it by their wrappers.

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace etl {

struct LoggingOptions {
  std::string dir = "logs";    // empty: no file sink
  std::string level = "info";  // trace|debug|info|warn|error|critical|off
  bool console = true;
};

// Installs the default spdlog logger. Safe to call again (replaces the sinks).
// Throws ConfigError for an unknown level; EtlError(io) if the log directory cannot be created.
void init_logging(const LoggingOptions& options, std::string_view command);

// Parses a level name; throws ConfigError naming the accepted values.
spdlog::level::level_enum parse_log_level(std::string_view name);

}  // namespace etl
