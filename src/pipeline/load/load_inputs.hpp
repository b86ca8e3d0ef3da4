#pragma once
// The inputs of `load` (every data set): checked before anything is read.

#include <string>
#include <vector>

namespace etl::pipeline {

struct LoadInput {
  std::string path;  // as given; "-" = stdin
  std::string name;  // source_file: the base name, "stdin" for "-"
};

// Throws ConfigError (no input, '-' twice) or EtlError(fatal, io) for an input that cannot be
// read or is not a regular file or FIFO.
std::vector<LoadInput> check_load_inputs(const std::vector<std::string>& paths);

}  // namespace etl::pipeline
