#include "config/config_overrides.hpp"

#include <unistd.h>  // environ

#include <algorithm>
#include <string_view>

#include "common/error.hpp"
#include "config/config_keys.hpp"
#include "config/config_text.hpp"

namespace etl::config {

namespace {

constexpr std::string_view kEnvPrefix = "WALMART_ETL_";

// Maps whose keys are free-form (not part of our schema): the rest of an override path is the key.
bool is_free_form_map(const std::vector<std::string>& path, size_t depth) {
  return depth == 2 && path[0] == "kafka" && path[1] == "properties";
}

// Turns an override value into a YAML node: flow collections and scalars as YAML would read them.
// A secret (a key declared secret; for a path that names no declared key, a name is_secret_key()
// calls secret) and every free-form librdkafka property are taken literally: a password may start
// with '[' or '{'. A value that does not parse is never echoed: it may hold a secret under a key
// that is not itself secret (an account given as a mapping).
YAML::Node parse_override_value(const std::string& where, const std::vector<std::string>& path,
                                const std::string& value) {
  const bool secret = !path.empty() && declared_secret(path).value_or(is_secret_key(path.back()));
  const bool free_form = path.size() >= 3 && is_free_form_map(path, 2);
  if (secret || free_form) return YAML::Node(value);
  if (!value.empty() && (value.front() == '[' || value.front() == '{')) {
    try {
      return YAML::Load(value);
    } catch (const YAML::Exception& e) {
      throw ConfigError(where + ": cannot parse the value (" + std::to_string(value.size()) +
                        " characters starting with '" + value.front() + "') as YAML: " + e.msg);
    }
  }
  return YAML::Node(value);
}

// Sets root[path...] = value, creating maps on the way. Key matching is case-insensitive against
// existing keys so that environment variables (upper case) find the file's keys.
void set_path(const YAML::Node& root, const std::vector<std::string>& path, const YAML::Node& value,
              const std::string& where) {
  if (path.empty() || path[0].empty()) throw ConfigError(where + ": empty key");
  YAML::Node node = root;
  for (size_t i = 0; i < path.size(); ++i) {
    std::string key = path[i];
    const bool last_free = is_free_form_map(path, i);
    if (last_free) key = text::join(path, '.', i);
    if (key.empty()) throw ConfigError(where + ": empty key segment");
    if (!node.IsMap() && !node.IsNull()) {
      throw ConfigError(where + ": '" + text::join(path, '.', 0) +
                        "' goes through a value that is not a map");
    }
    std::string match = key;
    if (node.IsMap()) {
      for (const auto& kv : node) {
        const auto existing = kv.first.as<std::string>();
        if (text::lower(existing) == text::lower(key)) {
          match = existing;
          break;
        }
      }
    }
    if (last_free || i + 1 == path.size()) {
      node[match] = value;
      return;
    }
    YAML::Node child = node[match];
    if (!child.IsDefined() || child.IsNull()) {
      node[match] = YAML::Node(YAML::NodeType::Map);
    }
    node.reset(node[match]);
  }
}

}  // namespace

void apply_overrides(YAML::Node& root, const LoadOptions& options) {
  for (const auto& [name, value] : options.env) {
    if (name.rfind(kEnvPrefix, 0) != 0) continue;
    const std::string rest = name.substr(kEnvPrefix.size());
    if (rest == "CONFIG") continue;
    std::vector<std::string> path = text::split(text::lower(rest), "__");
    if (path.size() >= 3 && path[0] == "kafka" && path[1] == "properties") {
      // librdkafka property names use dots; environment names cannot: SASL_PASSWORD ->
      // sasl.password
      std::string prop = text::join(path, '.', 2);
      std::replace(prop.begin(), prop.end(), '_', '.');
      path.resize(2);
      path.push_back(prop);
    }
    set_path(root, path, parse_override_value(name, path, value), "environment variable " + name);
  }
  for (const auto& s : options.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--set '" + s + "': expected key.path=value");
    }
    const std::string key = s.substr(0, eq);
    const std::vector<std::string> path = text::split(key, ".");
    set_path(root, path, parse_override_value("--set " + key, path, s.substr(eq + 1)),
             "--set " + key);
  }
}

std::map<std::string, std::string> environment_overrides_from_process() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    if (kv.rfind(kEnvPrefix, 0) != 0) continue;
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(kv.substr(0, eq));
    if (name == "WALMART_ETL_CONFIG" || name.find("__") == std::string::npos) continue;
    out[name] = std::string(kv.substr(eq + 1));
  }
  return out;
}

}  // namespace etl::config
