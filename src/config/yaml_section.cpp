#include "config/yaml_section.hpp"

#include <charconv>

#include "config/config_text.hpp"

namespace etl::config {

YamlSection::YamlSection(const YAML::Node& node, std::string path)
    : node_(node), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    throw ConfigError(path_ + ": expected a mapping of keys");
  }
}

std::string YamlSection::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

std::optional<YAML::Node> YamlSection::child(const std::string& key) {
  known_.insert(key);
  if (!node_.IsMap()) return std::nullopt;
  YAML::Node c = node_[key];
  if (!c.IsDefined() || c.IsNull()) return std::nullopt;
  return c;
}

void YamlSection::string(const std::string& key, std::string& out) {
  if (auto c = child(key)) out = scalar(*c, key);
}

void YamlSection::integer(const std::string& key, int& out, long long min, long long max) {
  auto c = child(key);
  if (!c) return;
  const std::string text = scalar(*c, key);
  long long v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || text.empty()) {
    throw ConfigError(key_path(key) + ": expected an integer, got '" + text + "'");
  }
  if (v < min || v > max) {
    throw ConfigError(key_path(key) + ": expected an integer in " + std::to_string(min) + ".." +
                      std::to_string(max) + ", got " + text);
  }
  out = static_cast<int>(v);
}

void YamlSection::boolean(const std::string& key, bool& out) {
  auto c = child(key);
  if (!c) return;
  const std::string t = text::lower(scalar(*c, key));
  if (t == "true" || t == "yes" || t == "on" || t == "1") {
    out = true;
  } else if (t == "false" || t == "no" || t == "off" || t == "0") {
    out = false;
  } else {
    throw ConfigError(key_path(key) + ": expected true or false, got '" + t + "'");
  }
}

void YamlSection::string_list(const std::string& key, std::vector<std::string>& out) {
  auto c = child(key);
  if (!c) return;
  std::vector<std::string> values;
  if (c->IsSequence()) {
    for (size_t i = 0; i < c->size(); ++i) {
      const YAML::Node item = (*c)[i];
      if (!item.IsScalar()) {
        throw ConfigError(key_path(key) + "[" + std::to_string(i) + "]: expected a string");
      }
      values.push_back(item.as<std::string>());
    }
  } else if (c->IsScalar()) {  // "a,b" from the environment or --set
    for (auto& part : text::split(c->as<std::string>(), ",")) {
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) values.push_back(part);
    }
  } else {
    throw ConfigError(key_path(key) + ": expected a list of strings");
  }
  out = std::move(values);
}

void YamlSection::string_map(const std::string& key, std::map<std::string, std::string>& out) {
  auto c = child(key);
  if (!c) return;
  if (!c->IsMap()) throw ConfigError(key_path(key) + ": expected a mapping of strings");
  for (const auto& kv : *c) {
    const auto k = kv.first.as<std::string>();
    if (!kv.second.IsScalar()) {
      throw ConfigError(key_path(key) + "." + k + ": expected a string value");
    }
    out[k] = kv.second.as<std::string>();
  }
}

YamlSection YamlSection::section(const std::string& key) {
  auto c = child(key);
  return {c ? *c : YAML::Node(), key_path(key)};
}

void YamlSection::reject_unknown() const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const auto k = kv.first.as<std::string>();
    if (!known_.contains(k)) {
      std::string accepted;
      for (const auto& n : known_) accepted += (accepted.empty() ? "" : ", ") + n;
      throw ConfigError(key_path(k) + ": unknown key (known keys here: " + accepted + ")");
    }
  }
}

std::string YamlSection::scalar(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) {
    throw ConfigError(key_path(key) + ": expected a single value, not a list or mapping");
  }
  return n.as<std::string>();
}

}  // namespace etl::config
