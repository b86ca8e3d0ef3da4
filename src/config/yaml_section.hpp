#pragma once
// Typed reading of one YAML mapping of the configuration, with the YAML path in every error
// (ConfigError "mysql.port: expected an integer in 1..65535, got 70000"). It remembers which keys
// were asked for, so that any other key present is reported as unknown.

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace etl::config {

class YamlSection {
 public:
  // path: the YAML path of node ("" for the top level). A node that is neither absent, null nor a
  // mapping is an error.
  YamlSection(const YAML::Node& node, std::string path);

  [[nodiscard]] std::string key_path(const std::string& key) const;

  // The child node if present and not null; marks the key as known either way.
  std::optional<YAML::Node> child(const std::string& key);

  // Each reader leaves `out` as it is when the key is absent or null.
  void string(const std::string& key, std::string& out);
  void integer(const std::string& key, int& out, long long min, long long max);
  void boolean(const std::string& key, bool& out);
  // A YAML sequence of strings, or one scalar "a,b" (from the environment or --set).
  void string_list(const std::string& key, std::vector<std::string>& out);
  // Entries are added to `out` (a key already there is replaced).
  void string_map(const std::string& key, std::map<std::string, std::string>& out);

  template <class Duration>
  void duration(const std::string& key, Duration& out, long long min, long long max) {
    int v = static_cast<int>(out.count());
    integer(key, v, min, max);
    out = Duration(v);
  }

  template <class Enum>
  void enumeration(const std::string& key, Enum& out,
                   std::span<const std::pair<std::string_view, Enum>> names) {
    auto c = child(key);
    if (!c) return;
    const std::string t = scalar(*c, key);
    std::string accepted;
    for (const auto& [n, v] : names) {
      if (n == t) {
        out = v;
        return;
      }
      if (!accepted.empty()) accepted += ", ";
      accepted += n;
    }
    throw ConfigError(key_path(key) + ": expected one of " + accepted + ", got '" + t + "'");
  }

  YamlSection section(const std::string& key);

  // Every key present but never asked for is an error listing the known keys.
  void reject_unknown() const;

 private:
  [[nodiscard]] std::string scalar(const YAML::Node& n, const std::string& key) const;

  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
};

}  // namespace etl::config
