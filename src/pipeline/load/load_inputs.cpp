#include "pipeline/load/load_inputs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.hpp"

namespace etl::pipeline {

std::vector<LoadInput> check_load_inputs(const std::vector<std::string>& paths) {
  if (paths.empty()) throw ConfigError("load: no input given (FILE... or - for stdin)");
  std::vector<LoadInput> inputs;
  bool stdin_seen = false;
  for (const auto& p : paths) {
    if (p == "-") {
      if (stdin_seen) throw ConfigError("load: '-' (stdin) given more than once");
      stdin_seen = true;
      inputs.push_back({p, "stdin"});
      continue;
    }
    std::error_code ec;
    if (access(p.c_str(), R_OK) != 0) {
      const int err = errno;
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, err,
                     fmt::format("load: cannot read input file {}: {}", p, std::strerror(err)));
    }
    if (!std::filesystem::is_regular_file(p, ec) && !std::filesystem::is_fifo(p, ec)) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, 0,
                     fmt::format("load: cannot read input file {}: not a regular file", p));
    }
    inputs.push_back({p, std::filesystem::path(p).filename().string()});
  }
  return inputs;
}

}  // namespace etl::pipeline
