#include "mysql/connection.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"
#include "mysql/mysql_error.hpp"

namespace etl::mysql {

namespace {

void set_option(MYSQL* m, mysql_option option, const void* value, const char* name) {
  if (mysql_options(m, option, value) != 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                   fmt::format("cannot set MySQL client option {}", name));
  }
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  if (name.empty() || name.find('`') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    throw ConfigError(fmt::format("invalid MySQL identifier '{}'", name));
  }
  return fmt::format("`{}`", name);
}

Connection Connection::open(const config::MysqlConfig& cfg, UseDatabase use) {
  MysqlHandle h(mysql_init(nullptr));
  if (!h) throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0, "mysql_init failed: out of memory");
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
  const unsigned int local_infile = 1;  // used only with our own callbacks (benchmarks, bulk paths)
  set_option(m, MYSQL_OPT_LOCAL_INFILE, &local_infile, "local_infile");

  if (cfg.ssl_mode != config::SslMode::disabled) {
    const bool want_tls = cfg.ssl_mode != config::SslMode::preferred || !cfg.ssl_ca.empty() ||
                          !cfg.ssl_cert.empty();
    if (want_tls) {
      mysql_ssl_set(m, cfg.ssl_key.empty() ? nullptr : cfg.ssl_key.c_str(),
                    cfg.ssl_cert.empty() ? nullptr : cfg.ssl_cert.c_str(),
                    cfg.ssl_ca.empty() ? nullptr : cfg.ssl_ca.c_str(), nullptr, nullptr);
    }
    if (cfg.ssl_mode == config::SslMode::required || cfg.ssl_mode == config::SslMode::verify_ca ||
        cfg.ssl_mode == config::SslMode::verify_identity) {
      const my_bool yes = 1;
      set_option(m, MYSQL_OPT_SSL_ENFORCE, &yes, "ssl_enforce");
      const my_bool verify = cfg.ssl_mode != config::SslMode::required ? 1 : 0;
      set_option(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify, "ssl_verify_server_cert");
    }
  }

  const std::string where = cfg.socket.empty() ? fmt::format("{}:{}", cfg.host, cfg.port)
                                               : fmt::format("socket {}", cfg.socket);
  std::string describe = fmt::format("{}@{}", cfg.user, where);
  const char* db = use == UseDatabase::configured ? cfg.database.c_str() : nullptr;
  if (!mysql_real_connect(m, cfg.socket.empty() ? cfg.host.c_str() : nullptr, cfg.user.c_str(),
                          cfg.password.c_str(), db, static_cast<unsigned int>(cfg.port),
                          cfg.socket.empty() ? nullptr : cfg.socket.c_str(), 0)) {
    Error e = mysql_error_of(m, fmt::format("cannot connect to MySQL at {} as {}{}", where,
                                            cfg.user, db ? fmt::format(" (database {})", db) : ""));
    throw EtlError(std::move(e));
  }
  Connection c(std::move(h), std::move(describe));
  c.execute(
      "SET SESSION time_zone = '+00:00', "
      "sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
      "NO_ENGINE_SUBSTITUTION'");
  spdlog::debug("mysql: connected to {} (server {})", c.describe_, c.server_version());
  return c;
}

void Connection::execute(std::string_view sql) {
  if (mysql_real_query(handle_.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    throw EtlError(mysql_error_of(handle_.get(), fmt::format("on {}", describe_)));
  }
  // Drain a result if the statement produced one (e.g. a CALL), so the connection stays in sync.
  ResultHandle r(mysql_store_result(handle_.get()));
  (void)r;
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
