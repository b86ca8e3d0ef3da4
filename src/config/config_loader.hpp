#pragma once
// Loading and validating the typed config. Precedence (lowest first):
//   built-in defaults < config file < environment < --set overrides.
// Environment: WALMART_ETL_<SECTION>__<KEY>[__<SUBKEY>...]=value, e.g.
//   WALMART_ETL_MYSQL__PORT=3307, WALMART_ETL_WALMART_TOKEN__ACCOUNTS__MAIN__CLIENT_SECRET=...
// Segments are matched case-insensitively; '__' separates levels. Values are YAML scalars or flow
// collections ("[a, b]"); list keys also accept "a,b". Every problem throws ConfigError naming
// the YAML path and what was expected.

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace etl::config {

struct LoadOptions {
  std::string path;                        // the config file; empty = defaults only
  bool path_required = true;               // a missing file is an error (else: defaults)
  std::map<std::string, std::string> env;  // usually environment_overrides_from_process()
  std::vector<std::string> sets;           // "key.path=value", applied last
};

// WALMART_ETL_* variables of this process (WALMART_ETL_CONFIG excluded).
std::map<std::string, std::string> environment_overrides_from_process();

Config load_config(const LoadOptions& options);

// Parses a YAML document (no file) with the same rules; for tests and --set-only configs.
Config load_config_from_string(const std::string& yaml, const LoadOptions& options = {});

// The effective config as YAML, with every secret replaced by "***" (set) or "" (empty).
std::string to_masked_yaml(const Config& config);

// The names of keys that hold secrets, for masking in other outputs (e.g. librdkafka properties
// such as sasl.password are masked too).
bool is_secret_key(const std::string& key);

}  // namespace etl::config
