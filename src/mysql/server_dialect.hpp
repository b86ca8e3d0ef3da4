#pragma once
// Which server a connection talks to (MariaDB or Oracle MySQL, and its version), and the few
// pieces of SQL the writer words differently for each. Detected once per connection from the
// server's version string.
//
// The one difference the writer meets: an upsert's reference to the row being inserted.
//  - MySQL >= 8.0.19: a row alias, `INSERT … VALUES (…) AS new ON DUPLICATE KEY UPDATE c = new.c`.
//    MySQL deprecated `VALUES(c)` there in 8.0.20 (warning 1287 on every statement) and will
//    remove it.
//  - MariaDB (every version) and older MySQL: `c = VALUES(c)`; MariaDB does not accept the alias.

#include <string>
#include <string_view>

namespace etl::mysql {

class Connection;

enum class ServerFlavor { mariadb, mysql };

struct ServerVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  friend bool operator==(const ServerVersion&, const ServerVersion&) = default;
  // This version is `other` or newer.
  [[nodiscard]] bool at_least(const ServerVersion& other) const;
};

struct ServerDialect {
  ServerFlavor flavor = ServerFlavor::mariadb;
  ServerVersion version;

  // True when the upsert names the inserted row through the alias `new` (MySQL >= 8.0.19).
  [[nodiscard]] bool row_alias() const;
  // What follows the VALUES list before ON DUPLICATE KEY UPDATE: " AS new" or "".
  [[nodiscard]] std::string_view after_values() const;
  // The inserted row's value of `column` inside ON DUPLICATE KEY UPDATE: `new.c` or `VALUES(c)`.
  [[nodiscard]] std::string inserted(std::string_view column) const;
  // "MariaDB 10.11.6", "MySQL 9.7.4", for logs.
  [[nodiscard]] std::string describe() const;
};

// From the server's version string as the client library reports it: "10.11.6-MariaDB-0+deb12u1",
// "5.5.5-10.11.6-MariaDB" (the prefix MariaDB sends to old clients), "9.7.4-2", "8.0.36-0ubuntu…".
// Unparseable digits leave the version at 0.0.0 (the dialect then takes the oldest wording).
ServerDialect parse_server_dialect(std::string_view server_info);

// The dialect of the server behind `conn`.
ServerDialect detect_dialect(const Connection& conn);

}  // namespace etl::mysql
