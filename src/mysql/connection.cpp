#include "mysql/connection.hpp"

#include <errmsg.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "common/error.hpp"
#include "mysql/auth_gate.hpp"
#include "mysql/mysql_error.hpp"
#include "mysql/server_greeting.hpp"
#include "mysql/statement_warnings.hpp"

namespace etl::mysql {

namespace {

void set_option(MYSQL* m, mysql_option option, const void* value, const char* name) {
  if (mysql_options(m, option, value) != 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                   fmt::format("cannot set MySQL client option {}", name));
  }
}

// Connector/C 3.3 semantics this relies on: MYSQL_OPT_SSL_ENFORCE only asks for TLS (it falls
// back to plaintext when the server does not offer it, and sends the login packet there); a CA
// file or path turns on chain verification; MYSQL_OPT_SSL_VERIFY_SERVER_CERT verifies the chain
// and the host name. Refusing a server without TLS before the login packet is the gate's job
// (auth_gate.hpp), in every mode from `required` up; the session is checked again after the
// handshake.
void apply_tls_options(MYSQL* m, const config::MysqlConfig& cfg) {
  using config::SslMode;
  if (cfg.ssl_mode == SslMode::disabled) return;
  if (cfg.ssl_mode == SslMode::preferred && cfg.socket.empty()) {
    // A server that offers no TLS is reached without TLS options: asked for TLS, Connector/C
    // falls back to plaintext but keeps the TLS flag, and MySQL's caching_sha2_password would
    // then send the password in clear (server_greeting.hpp).
    const auto offers = server_offers_tls(cfg.host, cfg.port, cfg.connect_timeout);
    if (offers.has_value() && !*offers) {
      spdlog::debug("mysql: {}:{} offers no TLS; ssl_mode preferred connects in plaintext",
                    cfg.host, cfg.port);
      return;
    }
  }
  const my_bool yes = 1;
  set_option(m, MYSQL_OPT_SSL_ENFORCE, &yes, "ssl_enforce");  // ask for TLS whenever offered
  if (!cfg.ssl_key.empty()) set_option(m, MYSQL_OPT_SSL_KEY, cfg.ssl_key.c_str(), "ssl_key");
  if (!cfg.ssl_cert.empty()) set_option(m, MYSQL_OPT_SSL_CERT, cfg.ssl_cert.c_str(), "ssl_cert");
  if (!cfg.ssl_ca.empty()) {
    set_option(m, MYSQL_OPT_SSL_CA, cfg.ssl_ca.c_str(), "ssl_ca");
  } else if (cfg.ssl_mode == SslMode::verify_ca) {
    // No CA configured: verify against the system's trust store.
    set_option(m, MYSQL_OPT_SSL_CAPATH, "/etc/ssl/certs", "ssl_capath");
  }
  const my_bool verify_host = cfg.ssl_mode == SslMode::verify_identity ? 1 : 0;
  set_option(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_host, "ssl_verify_server_cert");
}

// MySQL's caching_sha2_password, on a connection without TLS and for a user whose hash the server
// has not cached, sends the password encrypted with the server's RSA public key. Connector/C 3.3
// reads that key from MYSQL_SERVER_PUBLIC_KEY (a PEM file) and, when none is set, asks the server
// for it: whoever answers on the address could hand out its own key and decrypt the password. So
// without a configured key and without mysql.get_server_public_key, the login gate takes that
// plugin out of the allowed list on a session without TLS (auth_gate.hpp). Over TLS the key is
// never used; MariaDB's own plugins never use it.
void apply_public_key_options(MYSQL* m, const config::MysqlConfig& cfg) {
  if (cfg.server_public_key.empty()) return;
  if (FILE* f = std::fopen(cfg.server_public_key.c_str(), "r")) {
    std::fclose(f);
  } else {
    throw ConfigError(
        fmt::format("mysql.server_public_key: cannot read '{}'", cfg.server_public_key));
  }
  set_option(m, MYSQL_SERVER_PUBLIC_KEY, cfg.server_public_key.c_str(), "server_public_key");
}

std::string_view ssl_mode_name(config::SslMode mode) {
  switch (mode) {
    case config::SslMode::disabled:
      return "disabled";
    case config::SslMode::preferred:
      return "preferred";
    case config::SslMode::required:
      return "required";
    case config::SslMode::verify_ca:
      return "verify_ca";
    case config::SslMode::verify_identity:
      return "verify_identity";
  }
  return "?";
}

bool requires_encryption(config::SslMode mode) {
  return mode == config::SslMode::required || mode == config::SslMode::verify_ca ||
         mode == config::SslMode::verify_identity;
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  if (name.empty() || name.find('`') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    throw ConfigError(fmt::format("invalid MySQL identifier '{}'", name));
  }
  return fmt::format("`{}`", name);
}

Connection Connection::open(const config::MysqlConfig& cfg, UseDatabase use,
                            LocalFiles local_files) {
  MysqlHandle h(mysql_init(nullptr));
  if (!h)
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0, "mysql_init failed: out of memory");
  MYSQL* m = h.get();

  const unsigned int connect_s = static_cast<unsigned int>(cfg.connect_timeout.count());
  const unsigned int read_s = static_cast<unsigned int>(cfg.read_timeout.count());
  const unsigned int write_s = static_cast<unsigned int>(cfg.write_timeout.count());
  set_option(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_s, "connect_timeout");
  set_option(m, MYSQL_OPT_READ_TIMEOUT, &read_s, "read_timeout");
  set_option(m, MYSQL_OPT_WRITE_TIMEOUT, &write_s, "write_timeout");
  set_option(m, MYSQL_SET_CHARSET_NAME, cfg.charset.c_str(), "charset");
  const my_bool no = 0;
  set_option(m, MYSQL_OPT_RECONNECT, &no, "reconnect");  // we reconnect ourselves, knowingly
  // LOAD DATA LOCAL INFILE lets the server name any file the client can read and receive its
  // bytes. Nothing in walmart-etl uses it, so the capability is neither advertised nor honoured:
  // a server (or an impostor on the MySQL address) that asks for a file gets an error.
  const unsigned int local_infile = local_files == LocalFiles::allow_for_benchmarks ? 1 : 0;
  set_option(m, MYSQL_OPT_LOCAL_INFILE, &local_infile, "local_infile");
  apply_tls_options(m, cfg);
  apply_public_key_options(m, cfg);

  AuthGate gate(m, requires_encryption(cfg.ssl_mode), !cfg.socket.empty(), cfg.auth_plugins,
                cfg.get_server_public_key);

  const std::string where = cfg.socket.empty() ? fmt::format("{}:{}", cfg.host, cfg.port)
                                               : fmt::format("socket {}", cfg.socket);
  std::string describe = fmt::format("{}@{}", cfg.user, where);
  const char* db = use == UseDatabase::configured ? cfg.database.c_str() : nullptr;
  if (!mysql_real_connect(m, cfg.socket.empty() ? cfg.host.c_str() : nullptr, cfg.user.c_str(),
                          cfg.password.c_str(), db, static_cast<unsigned int>(cfg.port),
                          cfg.socket.empty() ? nullptr : cfg.socket.c_str(), 0)) {
    Error e = mysql_error_of(m, fmt::format("cannot connect to MySQL at {} as {}{}", where,
                                            cfg.user, db ? fmt::format(" (database {})", db) : ""));
    if (gate.refusal() == GateRefusal::no_tls_offered) {
      // Nothing was sent: the server (or whatever answers on that address) did not offer TLS.
      throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                     fmt::format("MySQL at {} does not offer TLS, but mysql.ssl_mode is {}: "
                                 "refused before logging in (no user name or password sent)",
                                 where, ssl_mode_name(cfg.ssl_mode)));
    }
    if (e.code == CR_PLUGIN_NOT_ALLOWED) {
      // Connector/C names the wrong plugin in its own text; say what was refused and why.
      e.cls = ErrorClass::fatal;
      e.message = fmt::format(
          "cannot connect to MySQL at {} as {}: the server asked for an authentication plugin "
          "that is not allowed here (allowed{}: {}); nothing that reveals the password was sent. "
          "mysql_clear_password and dialog send the password as it is: list them in "
          "mysql.auth_plugins only for a server reached over verified TLS{}",
          where, cfg.user,
          gate.narrowed() ? " on this session without TLS, where caching_sha2_password and "
                            "sha256_password would send the password under a key the server "
                            "chooses"
                          : "",
          gate.allowed_plugins(),
          gate.narrowed() ? ". If this is MySQL without TLS: its caching_sha2_password needs the "
                            "server's RSA public key; turn TLS on (best), or set "
                            "mysql.server_public_key to its PEM file, or "
                            "mysql.get_server_public_key: true to fetch it (trusts whoever "
                            "answers)"
                          : "");
    } else if (e.code == CR_SSL_CONNECTION_ERROR) {
      // TLS could not be established (the server's certificate does not verify against ssl_ca, or
      // does not name the host): a configuration problem, not something a retry fixes.
      e.cls = ErrorClass::fatal;
      e.message += fmt::format(" (TLS, mysql.ssl_mode {}: check mysql.ssl_ca and mysql.host)",
                               ssl_mode_name(cfg.ssl_mode));
    }
    throw EtlError(std::move(e));
  }
  if (requires_encryption(cfg.ssl_mode) && mysql_get_ssl_cipher(m) == nullptr) {
    throw EtlError(
        ErrorClass::fatal, ErrorOrigin::mysql, 0,
        fmt::format("MySQL at {} did not negotiate TLS, but mysql.ssl_mode is {}: refusing "
                    "to run any statement in plaintext",
                    where, ssl_mode_name(cfg.ssl_mode)));
  }
  Connection c(std::move(h), std::move(describe));
  c.execute(
      "SET SESSION time_zone = '+00:00', "
      "sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
      "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
  spdlog::debug("mysql: connected to {} (server {})", c.describe_, c.server_version());
  return c;
}

void Connection::execute(std::string_view sql) {
  if (mysql_real_query(handle_.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    throw EtlError(mysql_error_of(handle_.get(), fmt::format("on {}", describe_)));
  }
  // Drain a result if the statement produced one (e.g. a CALL), so the connection stays in sync.
  ResultHandle r(mysql_store_result(handle_.get()));
  r.reset();
  check_statement_warnings(handle_.get(), mysql_warning_count(handle_.get()), sql);
}

std::vector<Row> Connection::query(std::string_view sql) {
  if (mysql_real_query(handle_.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    throw EtlError(mysql_error_of(handle_.get(), fmt::format("on {}", describe_)));
  }
  ResultHandle r(mysql_store_result(handle_.get()));
  std::vector<Row> rows;
  if (!r) {
    if (mysql_field_count(handle_.get()) != 0) {
      throw EtlError(mysql_error_of(handle_.get(), fmt::format("reading result on {}", describe_)));
    }
    check_statement_warnings(handle_.get(), mysql_warning_count(handle_.get()), sql);
    return rows;
  }
  const unsigned int n = mysql_num_fields(r.get());
  while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
    const unsigned long* lengths = mysql_fetch_lengths(r.get());
    Row out;
    out.reserve(n);
    for (unsigned int i = 0; i < n; ++i) {
      if (row[i] == nullptr) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(row[i], lengths[i]));
      }
    }
    rows.push_back(std::move(out));
  }
  r.reset();
  check_statement_warnings(handle_.get(), mysql_warning_count(handle_.get()), sql);
  return rows;
}

std::string Connection::quote(std::string_view value) {
  std::string out;
  out.resize(value.size() * 2 + 3);
  out[0] = '\'';
  const unsigned long n = mysql_real_escape_string(handle_.get(), out.data() + 1, value.data(),
                                                   static_cast<unsigned long>(value.size()));
  out.resize(n + 1);
  out.push_back('\'');
  return out;
}

void Connection::commit() {
  if (mysql_commit(handle_.get()) != 0) {
    throw EtlError(mysql_error_of(handle_.get(), fmt::format("COMMIT on {}", describe_)));
  }
}

void Connection::rollback() noexcept {
  if (mysql_rollback(handle_.get()) != 0) {
    spdlog::warn("mysql: ROLLBACK on {} failed: {} (connection will be reopened)", describe_,
                 mysql_error(handle_.get()));
  }
}

bool Connection::is_mariadb() const noexcept {
  const char* info = mysql_get_server_info(handle_.get());
  return info != nullptr && std::string_view(info).find("MariaDB") != std::string_view::npos;
}

std::string Connection::server_version() const {
  const char* info = mysql_get_server_info(handle_.get());
  return info ? info : "";
}

}  // namespace etl::mysql
