#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "common/error.hpp"
#include "config/config_overrides.hpp"
#include "config/config_text.hpp"
#include "config/key_schema.hpp"
#include "config/yaml_section.hpp"

namespace etl::config {

std::string KafkaConfig::bootstrap_list() const {
  std::string out;
  for (const auto& s : bootstrap_servers) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

namespace {

// Reads every declared key, section by section: a section's keys, then its unknown keys, then its
// checks; unknown sections last.
Config read_config(const YAML::Node& root) {
  Config cfg;
  YamlSection top(root, "");
  for (const auto& section : schema::sections()) {
    YamlSection s = top.section(section.name);
    for (const auto& field : section.fields) field.read(s, cfg);
    s.reject_unknown();
    for (const auto& check : section.checks) check(cfg);
  }
  top.reject_unknown();
  return cfg;
}

Config finish(YAML::Node root, const LoadOptions& options, std::string source) {
  if (root.IsNull() || !root.IsDefined()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap())
    throw ConfigError((source.empty() ? std::string("config") : source) +
                      ": expected a mapping of sections at the top level");
  apply_overrides(root, options);
  Config cfg = read_config(root);
  cfg.source_path = std::move(source);
  return cfg;
}

}  // namespace

Config load_config_from_string(const std::string& yaml, const LoadOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw ConfigError("YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return finish(root, options, "");
}

Config load_config(const LoadOptions& options) {
  if (options.path.empty()) return finish(YAML::Node(), options, "");
  std::error_code ec;
  if (!std::filesystem::exists(options.path, ec)) {
    if (options.path_required) {
      throw ConfigError(options.path +
                        ": config file not found (use --config PATH, or copy config/config.yml)");
    }
    return finish(YAML::Node(), options, "");
  }
  std::ifstream in(options.path);
  if (!in) throw ConfigError(options.path + ": cannot read config file");
  std::stringstream buf;
  buf << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(buf.str());
  } catch (const YAML::ParserException& e) {
    throw ConfigError(options.path + ": YAML syntax error at line " +
                      std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  try {
    return finish(root, options, options.path);
  } catch (const YAML::Exception& e) {
    throw ConfigError(options.path + ": " + e.msg);
  }
}

bool is_secret_key(const std::string& key) {
  const std::string k = text::lower(key);
  // client_secret_env / client_secret_file name where a secret is, they do not hold it.
  for (const std::string_view where : {"_env", "_file"}) {
    if (k.size() > where.size() && k.compare(k.size() - where.size(), where.size(), where) == 0)
      return false;
  }
  return k.find("password") != std::string::npos || k.find("secret") != std::string::npos ||
         k == "token" || k.find("sasl.oauthbearer.config") != std::string::npos ||
         k.find("ssl.key.pem") != std::string::npos;
}

std::string to_masked_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& section : schema::sections()) {
    out << YAML::Key << section.name << YAML::Value << YAML::BeginMap;
    for (const auto& field : section.fields) {
      if (field.present && !field.present(config)) continue;
      out << YAML::Key << field.name << YAML::Value;
      field.print(out, config);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace etl::config
