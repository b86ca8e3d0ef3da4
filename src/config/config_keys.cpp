// Every configuration key, declared once: its YAML name, the member of the typed config it fills
// (its initializer in config.hpp is the default, unless stated here), its range or choices, whether
// it is secret, and what it means. Reading (config_loader.cpp), the environment and --set
// overrides, check-config's masked printing, the unknown-key errors and the README table's test
// are all derived from these lists; adding a key is a member in config.hpp and a line here (the
// privacy section's lines are in privacy_keys.cpp).

#include <algorithm>
#include <iterator>
#include <map>

#include "common/error.hpp"
#include "config/account_secrets.hpp"
#include "config/config_loader.hpp"
#include "config/config_text.hpp"
#include "config/key_schema.hpp"

namespace etl::config {

namespace schema {

namespace {

constexpr std::pair<std::string_view, SslMode> kSslModes[] = {
    {"disabled", SslMode::disabled},
    {"preferred", SslMode::preferred},
    {"required", SslMode::required},
    {"verify_ca", SslMode::verify_ca},
    {"verify_identity", SslMode::verify_identity}};
constexpr std::pair<std::string_view, GroupProtocol> kGroupProtocols[] = {
    {"classic", GroupProtocol::classic}, {"consumer", GroupProtocol::consumer}};
constexpr std::pair<std::string_view, ResetPolicy> kResetPolicies[] = {
    {"earliest", ResetPolicy::earliest}, {"latest", ResetPolicy::latest}};
constexpr std::pair<std::string_view, RawArchive> kRawArchives[] = {
    {"compressed", RawArchive::compressed}, {"plain", RawArchive::plain}, {"off", RawArchive::off}};
constexpr std::pair<std::string_view, DataLossPolicy> kDataLossPolicies[] = {
    {"continue", DataLossPolicy::continue_from_earliest}, {"stop", DataLossPolicy::stop}};
constexpr std::string_view kDataSets[] = {"orders", "returns", "recon"};
constexpr std::string_view kShipNodeTypes[] = {"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"};
constexpr std::string_view kLogLevels[] = {"trace",   "debug", "info",     "warn",
                                           "warning", "error", "critical", "off"};

Section kafka_section() {
  using K = KafkaConfig;
  Field<K> properties{
      .name = "properties",
      .type = "mapping",
      .description = "any librdkafka property (SASL/SSL, tuning); secret ones are masked",
      .read = [](YamlSection& y, K& k) { y.string_map("properties", k.properties); },
      .print =
          [](YAML::Emitter& out, const K& k) {
            out << YAML::BeginMap;
            for (const auto& [name, v] : k.properties) {
              out << YAML::Key << name << YAML::Value << (is_secret_key(name) ? masked(v) : v);
            }
            out << YAML::EndMap;
          },
      .show = [](const K& k) { return k.properties.empty() ? quoted("{}") : quoted("{...}"); }};
  return Fields<K>()
      .list("bootstrap_servers", &K::bootstrap_servers, "brokers, host:port")
      .string("topic", &K::topic, "one message per order, key = purchaseOrderId")
      .string("returns_topic", &K::returns_topic,
              "one message per return order, key = returnOrderId (fetch/stream --data returns)")
      .string("recon_topic", &K::recon_topic,
              "settlement reports in chunks, key = account|report date (--data recon)")
      .string("consumer_group", &K::consumer_group, "the stream's consumer group")
      .integer("topic_partitions", &K::topic_partitions, 1, 10000,
               "partitions when fetch creates the topic")
      .integer("replication_factor", &K::replication_factor, 1, 100,
               "replication when fetch creates the topic")
      .one_of("group_protocol", &K::group_protocol, EnumNames<GroupProtocol>(kGroupProtocols),
              "the stream's group protocol; consumer is KIP-848 (Kafka >= 4.0, early access)")
      .add(std::move(properties))
      .check([](K& k) {
        if (k.bootstrap_servers.empty())
          throw ConfigError("kafka.bootstrap_servers: expected at least one host:port");
        if (k.topic.empty()) throw ConfigError("kafka.topic: must not be empty");
        if (k.returns_topic.empty()) throw ConfigError("kafka.returns_topic: must not be empty");
        if (k.recon_topic.empty()) throw ConfigError("kafka.recon_topic: must not be empty");
        if (k.consumer_group.empty()) throw ConfigError("kafka.consumer_group: must not be empty");
      })
      .section("kafka", &Config::kafka);
}

Section mysql_section() {
  using M = MysqlConfig;
  return Fields<M>()
      .string("host", &M::host, "server host name or address")
      .integer("port", &M::port, 1, 65535, "server TCP port")
      .string("user", &M::user, "login user")
      .secret("password", &M::password, "login password")
      .string("charset", &M::charset, "the data contract stores 4-byte UTF-8")
      .allowed("utf8mb4")
      .string("database", &M::database, "schema holding every table")
      .allowed("a schema name without backticks")
      .string("socket", &M::socket, "unix socket instead of host/port")
      .one_of("ssl_mode", &M::ssl_mode, EnumNames<SslMode>(kSslModes),
              "TLS: what the connection requires and verifies")
      .string("ssl_ca", &M::ssl_ca, "CA certificate file")
      .string("ssl_cert", &M::ssl_cert, "client certificate file")
      .string("ssl_key", &M::ssl_key, "client key file")
      .list("auth_plugins", &M::auth_plugins,
            "client authentication plugins a server may ask for; mysql_clear_password and dialog "
            "send the password as it is")
      .boolean("get_server_public_key", &M::get_server_public_key,
               "without TLS, MySQL's caching_sha2_password may fetch the server's RSA key to "
               "encrypt the password (trusts whoever answers)")
      .string("server_public_key", &M::server_public_key,
              "the MySQL server's RSA public key (PEM file) for caching_sha2_password without TLS")
      .duration("connect_timeout_s", &M::connect_timeout, 1, 3600, "connect timeout, seconds")
      .duration("read_timeout_s", &M::read_timeout, 1, 86400, "read timeout, seconds")
      .duration("write_timeout_s", &M::write_timeout, 1, 86400, "write timeout, seconds")
      .check([](M& m) {
        if (m.database.empty() || m.database.find('`') != std::string::npos) {
          throw ConfigError("mysql.database: expected a schema name without backticks");
        }
        if (m.auth_plugins.empty()) {
          throw ConfigError("mysql.auth_plugins: expected at least one plugin name");
        }
        for (size_t i = 0; i < m.auth_plugins.size(); ++i) {
          // Connector/C matches the list by substring: plain lower-case words only.
          const std::string& name = m.auth_plugins[i];
          if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
                                  std::string::npos) {
            throw ConfigError("mysql.auth_plugins[" + std::to_string(i) +
                              "]: expected a client plugin name (lower-case letters, digits, _), "
                              "got '" +
                              name + "'");
          }
        }
        if (m.charset != "utf8mb4") {
          throw ConfigError(
              "mysql.charset: expected utf8mb4 (the data contract stores 4-byte UTF-8), got '" +
              m.charset + "'");
        }
      })
      .section("mysql", &Config::mysql);
}

// walmart_token.accounts: NAME -> one account, each read with account_fields().
Field<WalmartConfig> accounts_field() {
  std::vector<KeyInfo> entry_keys;
  for (const auto& f : account_fields()) {
    entry_keys.push_back({.path = "walmart_token.accounts.NAME." + f.name,
                          .type = f.type,
                          .allowed = f.allowed,
                          .default_text = "—",
                          .secret = f.secret,
                          .description = f.description});
  }
  return {
      .name = "accounts",
      .type = "mapping",
      .description = "seller accounts by name",
      .read =
          [](YamlSection& y, WalmartConfig& w) {
            auto accounts = y.child("accounts");
            if (!accounts) return;
            if (!accounts->IsMap())
              throw ConfigError(
                  "walmart_token.accounts: expected a mapping NAME: {client_id, client_secret} or "
                  "NAME: {token}");
            for (const auto& kv : *accounts) {
              const auto name = kv.first.as<std::string>();
              YamlSection a(kv.second, "walmart_token.accounts." + name);
              WalmartAccount acc;
              for (const auto& f : account_fields()) f.read(a, acc);
              a.reject_unknown();
              check_account_sources(name, acc);
              w.accounts[name] = std::move(acc);
            }
            // Names are exact (the tables compare them byte for byte), but the environment and
            // --set find an account ignoring letter case: two names that differ only by case
            // could not be told apart there, and are far more likely a typo than two sellers.
            std::map<std::string, std::string> by_lower_case;
            for (const auto& entry : w.accounts) {
              const auto [seen, fresh] =
                  by_lower_case.emplace(text::lower(entry.first), entry.first);
              if (fresh) continue;
              std::string why = "walmart_token.accounts: '";
              why.append(seen->second).append("' and '").append(entry.first);
              why +=
                  "' differ only by letter case; give two sellers two names (names differing "
                  "by an accent or a sign are distinct)";
              throw ConfigError(why);
            }
          },
      .print =
          [](YAML::Emitter& out, const WalmartConfig& w) {
            out << YAML::BeginMap;
            for (const auto& [name, a] : w.accounts) {
              out << YAML::Key << name << YAML::Value << YAML::BeginMap;
              for (const auto& f : account_fields()) {
                if (f.present && !f.present(a)) continue;
                out << YAML::Key << f.name << YAML::Value;
                f.print(out, a);
              }
              out << YAML::EndMap;
            }
            out << YAML::EndMap;
          },
      .show = [](const WalmartConfig& w) { return quoted(w.accounts.empty() ? "{}" : "{...}"); },
      .entry_keys = std::move(entry_keys)};
}

Section walmart_section() {
  using W = WalmartConfig;
  return Fields<W>()
      .string("base_url", &W::base_url, "API base URL")
      .allowed("an http:// or https:// URL")
      .string("service_name", &W::service_name, "sent as WM_SVC.NAME")
      .string("default_account", &W::default_account,
              "account used without --account (the only one if empty)")
      .allowed("one of walmart_token.accounts")
      .duration("token_refresh_margin_s", &W::token_refresh_margin, 0, 3600,
                "refresh the access token this long before expiry, seconds")
      .add(accounts_field())
      .check([](W& w) {
        if (w.base_url.rfind("http://", 0) != 0 && w.base_url.rfind("https://", 0) != 0) {
          throw ConfigError("walmart_token.base_url: expected an http:// or https:// URL, got '" +
                            w.base_url + "'");
        }
        while (!w.base_url.empty() && w.base_url.back() == '/') w.base_url.pop_back();
        if (!w.default_account.empty() && !w.accounts.contains(w.default_account)) {
          throw ConfigError("walmart_token.default_account: '" + w.default_account +
                            "' is not one of walmart_token.accounts");
        }
      })
      .section("walmart_token", &Config::walmart_token);
}

Section fetch_section() {
  using F = FetchConfig;
  return Fields<F>("fetch")
      .list_of("data", &F::data, kDataSets, {"orders"},
               "the data sets fetch moves: orders, returns, recon (fetch --data)")
      .list_of("ship_node_types", &F::ship_node_types, kShipNodeTypes,
               {std::begin(kShipNodeTypes), std::end(kShipNodeTypes)},
               "which fulfilment types' orders are fetched")
      .integer("limit", &F::limit, 1, 200, "page size (the API's maximum is 200)")
      .duration("window_minutes", &F::window, 1, 60LL * 24 * 31,
                "widest first window; windows are split by their totalCount")
      .integer("max_orders_per_query", &F::max_orders_per_query, 1, 1000000,
               "the API's per-query cap")
      .integer("requests_per_minute", &F::requests_per_minute, 0, 1000000,
               "client-side rate limit; 0 = none")
      .integer("concurrency", &F::concurrency, 1, 64, "windows in flight (per account)")
      .integer("account_concurrency", &F::account_concurrency, 1, 256,
               "accounts fetched at the same time by one run")
      .integer("max_retries", &F::max_retries, 0, 1000,
               "per request (429, 5xx, timeouts, dropped connections)")
      .duration("backoff_initial_ms", &F::backoff_initial, 1, 600000, "first retry backoff, ms")
      .duration("backoff_max_ms", &F::backoff_max, 1, 3600000, "longest retry backoff, ms")
      .duration("connect_timeout_ms", &F::connect_timeout, 1, 600000, "HTTP connect timeout, ms")
      .duration("request_timeout_ms", &F::request_timeout, 1, 3600000, "HTTP request timeout, ms")
      .integer("max_response_mb", &F::max_response_mb, 1, 4096,
               "largest answer accepted (after decompression)")
      .duration("since_last_overlap_minutes", &F::since_last_overlap, 0, 60LL * 24 * 7,
                "overlap re-read by --since-last")
      .duration("produce_flush_timeout_ms", &F::produce_flush_timeout, 1, 3600000,
                "wait for Kafka acknowledgements at the end, ms")
      .integer("metrics_port", &F::metrics_port, 0, 65535,
               "fetch --follow's /metrics and /healthz port; 0 disables them")
      .string("metrics_bind", &F::metrics_bind, "address fetch's metrics endpoint listens on")
      .duration("unhealthy_after_s", &F::unhealthy_after, 0, 60LL * 60 * 24 * 30,
                "fetch --follow's /healthz is 503 while an account has not completed a cycle "
                "for this long, seconds; 0 = never")
      .section("fetch", &Config::fetch);
}

Section stream_section() {
  using S = StreamConfig;
  return Fields<S>()
      .integer("batch_size", &S::batch_size, 1, 100000, "most rows per MySQL transaction")
      .duration("batch_interval_ms", &S::batch_interval, 1, 3600000,
                "longest a message waits for its batch, ms")
      .boolean("group_commit", &S::group_commit,
               "write what has arrived as soon as the previous transaction committed")
      .one_of("raw_archive", &S::raw_archive, EnumNames<RawArchive>(kRawArchives),
              "how walmart_order_raw keeps each order's JSON")
      .integer("max_retries", &S::max_retries, 0, 1000,
               "quick retries per batch before the capped backoff")
      .integer("parallelism", &S::parallelism, 1, 64, "workers (MySQL connections) per process")
      .one_of("reset", &S::reset, EnumNames<ResetPolicy>(kResetPolicies),
              "start of a partition with no stored offset")
      .one_of("on_data_loss", &S::on_data_loss, EnumNames<DataLossPolicy>(kDataLossPolicies),
              "when retention deleted unread messages")
      .integer("metrics_port", &S::metrics_port, 0, 65535,
               "/metrics and /healthz port; 0 disables them")
      .string("metrics_bind", &S::metrics_bind, "address the metrics endpoint listens on")
      .duration("retry_backoff_initial_ms", &S::retry_backoff_initial, 1, 600000,
                "first MySQL retry backoff, ms")
      .duration("retry_backoff_max_ms", &S::retry_backoff_max, 1, 3600000,
                "longest MySQL retry backoff, ms")
      .duration("status_interval_s", &S::status_interval, 1, 3600, "status line period, seconds")
      .integer("max_pending_messages", &S::max_pending_messages, 1, 10000000,
               "per worker; consumption pauses above it")
      .duration("shutdown_timeout_s", &S::shutdown_timeout, 1, 3600,
                "SIGINT/SIGTERM: longest wait for the pending batch, seconds")
      .string("default_account", &S::default_account,
              "account of a message without an account header; empty = such a message is a "
              "dead letter")
      .check([](S& s) {
        size_t chars = 0;
        for (unsigned char c : s.default_account) {
          chars += (c & 0xC0) != 0x80 ? 1 : 0;
          if (c < 0x20 || c == 0x7f) {
            throw ConfigError(
                "stream.default_account: expected an account name without control characters");
          }
        }
        if (chars > 100) {
          throw ConfigError(
              "stream.default_account: expected at most 100 characters (the account column), "
              "got " +
              std::to_string(chars));
        }
      })
      .section("stream", &Config::stream);
}

Section logging_section() {
  using L = LoggingConfig;
  return Fields<L>()
      .string("dir", &L::dir, "logs/<command>.log; empty = console only")
      .string("level", &L::level, "least severe level logged; -v = debug, -vv = trace")
      .allowed("trace, debug, info, warn, warning, error, critical, off")
      .check([](L& l) {
        if (std::find(std::begin(kLogLevels), std::end(kLogLevels), l.level) ==
            std::end(kLogLevels)) {
          throw ConfigError(
              "logging.level: expected one of trace, debug, info, warn, error, critical, off; "
              "got '" +
              l.level + "'");
        }
      })
      .section("logging", &Config::logging);
}

}  // namespace

std::string shown_list(const std::vector<std::string>& v) {
  std::string items;
  for (const auto& item : v) items += (items.empty() ? "" : ", ") + item;
  return quoted("[" + items + "]");
}

// An account's KEY_env / KEY_file (account_secrets.hpp): a name, not a secret; printed only when
// set.
Field<WalmartAccount> credential_source(const std::string& name, std::string WalmartAccount::*m,
                                        const std::string& description) {
  Field<WalmartAccount> f = Fields<WalmartAccount>().string(name, m, description).fields.back();
  f.present = [m](const WalmartAccount& a) { return !(a.*m).empty(); };
  return f;
}

const std::vector<Field<WalmartAccount>>& account_fields() {
  using A = WalmartAccount;
  static const std::vector<Field<A>> fields =
      Fields<A>()
          .string("client_id", &A::client_id, "client credentials of the seller account")
          .secret("client_secret", &A::client_secret, "client credentials of the seller account")
          .secret("token", &A::token, "or the ready-made Basic credential, base64(id:secret)")
          .add(credential_source("client_id_env", &A::client_id_env,
                                 "environment variable holding client_id"))
          .add(credential_source("client_secret_env", &A::client_secret_env,
                                 "environment variable holding client_secret"))
          .add(credential_source("token_env", &A::token_env, "environment variable holding token"))
          .add(credential_source("client_id_file", &A::client_id_file,
                                 "file holding client_id (relative: under $CREDENTIALS_DIRECTORY)"))
          .add(credential_source(
              "client_secret_file", &A::client_secret_file,
              "file holding client_secret (relative: under $CREDENTIALS_DIRECTORY)"))
          .add(credential_source("token_file", &A::token_file,
                                 "file holding token (relative: under $CREDENTIALS_DIRECTORY)"))
          .optional_integer("requests_per_minute", &A::requests_per_minute, 0, 1000000,
                            "this seller's own client-side rate limit (Walmart throttles per "
                            "seller); unset: fetch.requests_per_minute, 0 = none")
          .fields;
  return fields;
}

const std::vector<Section>& sections() {
  static const std::vector<Section> all = {kafka_section(),  mysql_section(),  walmart_section(),
                                           fetch_section(),  stream_section(), logging_section(),
                                           privacy_section()};
  return all;
}

}  // namespace schema

std::vector<KeyInfo> declared_keys() {
  const Config defaults;
  std::vector<KeyInfo> out;
  for (const auto& section : schema::sections()) {
    for (const auto& f : section.fields) {
      if (!f.entry_keys.empty()) {
        out.insert(out.end(), f.entry_keys.begin(), f.entry_keys.end());
        continue;
      }
      out.push_back({.path = section.name + "." + f.name,
                     .type = f.type,
                     .allowed = f.allowed,
                     .default_text = f.show(defaults),
                     .secret = f.secret,
                     .description = f.description,
                     .choices = f.choices});
    }
  }
  return out;
}

std::optional<bool> declared_secret(const std::vector<std::string>& path) {
  for (const auto& key : declared_keys()) {
    const auto declared = text::split(key.path, ".");
    if (declared.size() != path.size()) continue;
    bool same = true;
    for (size_t i = 0; i < path.size() && same; ++i) {
      same = declared[i] == "NAME" || declared[i] == text::lower(path[i]);
    }
    if (same) return key.secret;
  }
  return std::nullopt;
}

}  // namespace etl::config
