#include "common/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <filesystem>
#include <system_error>
#include <vector>

#include "common/error.hpp"

namespace etl {

spdlog::level::level_enum parse_log_level(std::string_view name) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [n, l] : kLevels) {
    if (n == name) return l;
  }
  throw ConfigError(
      "logging.level: expected one of trace, debug, info, warn, error, critical, off; got '" +
      std::string(name) + "'");
}

void init_logging(const LoggingOptions& options, std::string_view command) {
  const auto level = parse_log_level(options.level);
  std::vector<spdlog::sink_ptr> sinks;
  if (options.console) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v");
    sinks.push_back(std::move(console));
  }
  if (!options.dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    if (ec) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, ec.value(),
                     "cannot create log directory '" + options.dir + "': " + ec.message());
    }
    const auto path = std::filesystem::path(options.dir) / (std::string(command) + ".log");
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string(), false);
      file->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ [%P:%t] %-5l %v");
      sinks.push_back(std::move(file));
    } catch (const spdlog::spdlog_ex& e) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, 0,
                     "cannot open log file '" + path.string() + "': " + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>(std::string(command), sinks.begin(), sinks.end());
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace etl
