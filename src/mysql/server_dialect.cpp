#include "mysql/server_dialect.hpp"

#include <fmt/format.h>

#include "mysql/connection.hpp"

namespace etl::mysql {

namespace {

// Reads a decimal number at `pos` (advancing it); 0 when there is none.
int read_number(std::string_view s, size_t& pos) {
  int n = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (n < 100000) n = n * 10 + (s[pos] - '0');
    ++pos;
  }
  return n;
}

ServerVersion parse_version(std::string_view s) {
  ServerVersion v;
  size_t pos = 0;
  v.major = read_number(s, pos);
  if (pos < s.size() && s[pos] == '.') v.minor = read_number(s, ++pos);
  if (pos < s.size() && s[pos] == '.') v.patch = read_number(s, ++pos);
  return v;
}

}  // namespace

bool ServerVersion::at_least(const ServerVersion& other) const {
  if (major != other.major) return major > other.major;
  if (minor != other.minor) return minor > other.minor;
  return patch >= other.patch;
}

bool ServerDialect::row_alias() const {
  return flavor == ServerFlavor::mysql && version.at_least(ServerVersion{8, 0, 19});
}

std::string_view ServerDialect::after_values() const { return row_alias() ? " AS new" : ""; }

std::string ServerDialect::inserted(std::string_view column) const {
  return row_alias() ? fmt::format("new.{}", column) : fmt::format("VALUES({})", column);
}

std::string ServerDialect::describe() const {
  return fmt::format("{} {}.{}.{}", flavor == ServerFlavor::mariadb ? "MariaDB" : "MySQL",
                     version.major, version.minor, version.patch);
}

ServerDialect parse_server_dialect(std::string_view server_info) {
  ServerDialect d;
  d.flavor = server_info.find("MariaDB") != std::string_view::npos ? ServerFlavor::mariadb
                                                                   : ServerFlavor::mysql;
  std::string_view digits = server_info;
  if (d.flavor == ServerFlavor::mariadb && digits.starts_with("5.5.5-")) digits.remove_prefix(6);
  d.version = parse_version(digits);
  return d;
}

ServerDialect detect_dialect(const Connection& conn) {
  return parse_server_dialect(conn.server_version());
}

}  // namespace etl::mysql
