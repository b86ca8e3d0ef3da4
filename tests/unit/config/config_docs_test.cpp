// Unit: the documentation of the configuration matches the declared keys (declared_keys() is the
// source): the README's table lists exactly them with their defaults, and config/config.yml, the
// documented example, holds every one of them at its default.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "config/config_keys.hpp"
#include "config/config_loader.hpp"

namespace etl::config {
namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(ETL_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + sep.size()) {
    out.push_back(trim(s.substr(start, at - start)));
  }
  out.push_back(trim(s.substr(start)));
  return out;
}

std::string unquote(const std::string& s) {
  return s.size() >= 2 && s.front() == '`' && s.back() == '`' ? s.substr(1, s.size() - 2) : s;
}

// The rows of the table under "## Configuration": key path -> default as written. A row may
// document several keys of one section: "`mysql.host` / `port`" with defaults "`h` / `3306`", or
// one default for all of them.
std::map<std::string, std::string> documented_defaults(const std::string& readme,
                                                       std::vector<std::string>& problems) {
  std::map<std::string, std::string> out;
  const auto section = readme.find("\n## Configuration\n");
  if (section == std::string::npos) {
    problems.emplace_back("README.md has no \"## Configuration\" section");
    return out;
  }
  const auto header = readme.find("\n| key | default | meaning |\n", section);
  if (header == std::string::npos) {
    problems.emplace_back("README.md's Configuration section has no key/default/meaning table");
    return out;
  }
  size_t pos = readme.find('\n', header + 1) + 1;
  pos = readme.find('\n', pos) + 1;  // the |---| line
  while (pos < readme.size() && readme[pos] == '|') {
    const auto end = readme.find('\n', pos);
    const std::string row = readme.substr(pos, end - pos);
    pos = end + 1;
    const auto cells = split(row.substr(1), " | ");
    if (cells.size() < 3) {
      problems.push_back("malformed row: " + row);
      continue;
    }
    const auto keys = split(cells[0], " / ");
    auto defaults = split(cells[1], " / ");
    if (defaults.size() == 1) defaults.resize(keys.size(), defaults[0]);  // one for all of them
    if (keys.size() != defaults.size()) {
      problems.push_back("row names " + std::to_string(keys.size()) + " keys but " +
                         std::to_string(defaults.size()) + " defaults: " + row);
      continue;
    }
    const std::string first = unquote(keys[0]);
    const std::string prefix = first.substr(0, first.rfind('.') + 1);
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string path = i == 0 ? first : prefix + unquote(keys[i]);
      if (!out.emplace(path, defaults[i]).second) problems.push_back(path + " documented twice");
    }
  }
  return out;
}

TEST(ConfigReadme, TableDocumentsEveryDeclaredKeyWithItsDefaultAndNothingElse) {
  const std::string readme = read_file("README.md");
  ASSERT_FALSE(readme.empty());
  std::vector<std::string> problems;
  auto documented = documented_defaults(readme, problems);
  for (const auto& key : declared_keys()) {
    const auto it = documented.find(key.path);
    if (it == documented.end()) {
      problems.push_back(key.path + " is not in the table (default " + key.default_text + ")");
      continue;
    }
    if (it->second != key.default_text) {
      problems.push_back(key.path + ": the table says " + it->second + ", the default is " +
                         key.default_text);
    }
    documented.erase(it);
  }
  for (const auto& [path, value] : documented) {
    problems.push_back(path + " is in the table but is not a declared key");
  }
  for (const auto& p : problems) ADD_FAILURE() << "README.md configuration table: " << p;
}

TEST(ConfigExample, ConfigYmlHoldsEveryDeclaredKeyAtItsDefault) {
  const std::string text = read_file("config/config.yml");
  ASSERT_FALSE(text.empty());
  const YAML::Node example = YAML::Load(text);
  for (const auto& key : declared_keys()) {
    if (key.path.find(".NAME.") != std::string::npos) continue;  // accounts: an example entry
    const auto dot = key.path.find('.');
    EXPECT_TRUE(example[key.path.substr(0, dot)][key.path.substr(dot + 1)].IsDefined())
        << "config/config.yml does not show " << key.path;
  }
  LoadOptions o;
  o.path = std::string(ETL_SOURCE_DIR) + "/config/config.yml";
  EXPECT_EQ(to_masked_yaml(load_config(o)), to_masked_yaml(Config{}));
}

}  // namespace
}  // namespace etl::config
