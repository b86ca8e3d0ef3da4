// check-config --keys: the declared keys as a table a terminal shows.

#include <algorithm>
#include <string>
#include <vector>

#include "config/config_keys.hpp"

namespace etl::config {

namespace {

// The README's `x` quoting is for Markdown; a terminal shows the bare value.
std::string unquoted(const std::string& s) {
  return s.size() >= 2 && s.front() == '`' && s.back() == '`' ? s.substr(1, s.size() - 2) : s;
}

std::string padded(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string key_listing(const std::vector<KeyInfo>& keys) {
  std::vector<std::string> accepts;
  size_t path_width = 0;
  size_t accepts_width = 0;
  for (const auto& k : keys) {
    accepts.push_back(k.allowed.empty() ? k.type : k.type + ": " + k.allowed);
    path_width = std::max(path_width, k.path.size());
    accepts_width = std::max(accepts_width, accepts.back().size());
  }
  std::string out = "# " + padded("key", path_width - 2) + "  " + padded("accepts", accepts_width) +
                    "  default | meaning\n";
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& k = keys[i];
    out += padded(k.path, path_width) + "  " + padded(accepts[i], accepts_width) + "  " +
           unquoted(k.default_text) + " | " + k.description + (k.secret ? " (secret)" : "") + "\n";
  }
  return out;
}

}  // namespace etl::config
