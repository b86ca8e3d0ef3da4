// What the key declarations (config_keys.cpp) say besides how to read, print and show a key: the
// choices a key accepts (their defaults: key_defaults.cpp).

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/config_keys.hpp"
#include "config/key_schema.hpp"

namespace etl::config {

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
