// What the key declarations (config_keys.cpp) say besides how to read, print and show a key: the
// choices a key accepts, and the defaults a declaration states (applied by Config's constructor,
// after the members' own initializers).

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/config_keys.hpp"
#include "config/key_schema.hpp"

namespace etl::config {

namespace schema {

void apply_declared_defaults(Config& c) {
  for (const auto& section : sections()) {
    for (const auto& f : section.fields) {
      if (f.set_default) f.set_default(c);
    }
  }
}

}  // namespace schema

Config::Config() { schema::apply_declared_defaults(*this); }

std::vector<std::string> declared_choices(std::string_view path) {
  for (const auto& section : schema::sections()) {
    for (const auto& f : section.fields) {
      if (section.name + "." + f.name == path) return f.choices;
    }
  }
  return {};
}

std::string or_list(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

}  // namespace etl::config
