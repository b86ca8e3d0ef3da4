#pragma once
// The environment (WALMART_ETL_<SECTION>__<KEY>...) and --set key.path=value overrides, applied
// to the YAML tree of the config file before it is read (config_loader.hpp states the rules).

#include <yaml-cpp/yaml.h>

#include "config/config_loader.hpp"

namespace etl::config {

// Sets every override of options.env, then of options.sets, into root (a mapping). Errors name
// the variable or the --set key, never a value that does not parse.
void apply_overrides(YAML::Node& root, const LoadOptions& options);

}  // namespace etl::config
