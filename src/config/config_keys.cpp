// Every configuration key, declared once: its YAML name, the member of the typed config it fills,
// its default, its range or choices, whether it is secret, and what it means. The defaults live
// here and nowhere else (config.hpp's members only start zeroed; each struct's constructor applies
// these). Reading (config_loader.cpp), the environment and --set overrides, check-config's masked
// printing, the unknown-key errors and the README table's test are all derived from these lists;
// adding a key is a member in config.hpp and a line here (the walmart_token section's and its
// accounts' lines are in walmart_keys.cpp, the privacy section's in privacy_keys.cpp).

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

using namespace std::chrono_literals;

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

Fields<KafkaConfig> kafka() {
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
      .show = [](const K& k) { return k.properties.empty() ? quoted("{}") : quoted("{...}"); },
      .set_default = Fields<K>::assign(&K::properties, {})};
  return Fields<K>()
      .list("bootstrap_servers", &K::bootstrap_servers, {"localhost:29092", "localhost:39092"},
            "brokers, host:port")
      .string("topic", &K::topic, "walmart_order_raw",
              "one message per order, key = purchaseOrderId")
      .string("returns_topic", &K::returns_topic, "walmart_return_raw",
              "one message per return order, key = returnOrderId (fetch/stream --data returns)")
      .string("recon_topic", &K::recon_topic, "walmart_recon_raw",
              "settlement reports in chunks, key = account|report date (--data recon)")
      .string("consumer_group", &K::consumer_group, "walmart-etl-stream",
              "the stream's consumer group")
      .integer("topic_partitions", &K::topic_partitions, 3, {1, 10000},
               "partitions when fetch creates the topic")
      .integer("replication_factor", &K::replication_factor, 1, {1, 100},
               "replication when fetch creates the topic")
      .one_of("group_protocol", &K::group_protocol, GroupProtocol::classic,
              EnumNames<GroupProtocol>(kGroupProtocols),
              "the stream's group protocol; consumer is KIP-848 (Kafka >= 4.0, early access)")
      .add(std::move(properties))
      .check([](K& k) {
        if (k.bootstrap_servers.empty())
          throw ConfigError("kafka.bootstrap_servers: expected at least one host:port");
        if (k.topic.empty()) throw ConfigError("kafka.topic: must not be empty");
        if (k.returns_topic.empty()) throw ConfigError("kafka.returns_topic: must not be empty");
        if (k.recon_topic.empty()) throw ConfigError("kafka.recon_topic: must not be empty");
        if (k.consumer_group.empty()) throw ConfigError("kafka.consumer_group: must not be empty");
      });
}

Fields<MysqlConfig> mysql() {
  using M = MysqlConfig;
  return Fields<M>()
      .string("host", &M::host, "127.0.0.1", "server host name or address")
      .integer("port", &M::port, 3306, {1, 65535}, "server TCP port")
      .string("user", &M::user, "root", "login user")
      .secret("password", &M::password, "login password")
      .string("charset", &M::charset, "utf8mb4", "the data contract stores 4-byte UTF-8")
      .allowed("utf8mb4")
      .string("database", &M::database, "ods", "schema holding every table")
      .allowed("a schema name without backticks")
      .string("socket", &M::socket, "", "unix socket instead of host/port")
      .one_of("ssl_mode", &M::ssl_mode, SslMode::preferred, EnumNames<SslMode>(kSslModes),
              "TLS: what the connection requires and verifies")
      .string("ssl_ca", &M::ssl_ca, "", "CA certificate file")
      .string("ssl_cert", &M::ssl_cert, "", "client certificate file")
      .string("ssl_key", &M::ssl_key, "", "client key file")
      .list("auth_plugins", &M::auth_plugins,
            {"mysql_native_password", "client_ed25519", "caching_sha2_password"},
            "client authentication plugins a server may ask for; mysql_clear_password and dialog "
            "send the password as it is")
      .boolean("get_server_public_key", &M::get_server_public_key, false,
               "without TLS, MySQL's caching_sha2_password may fetch the server's RSA key to "
               "encrypt the password (trusts whoever answers)")
      .string("server_public_key", &M::server_public_key, "",
              "the MySQL server's RSA public key (PEM file) for caching_sha2_password without TLS")
      .duration("connect_timeout_s", &M::connect_timeout, 10s, {1, 3600},
                "connect timeout, seconds")
      .duration("read_timeout_s", &M::read_timeout, 60s, {1, 86400}, "read timeout, seconds")
      .duration("write_timeout_s", &M::write_timeout, 60s, {1, 86400}, "write timeout, seconds")
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
      });
}

Fields<FetchConfig> fetch() {
  using F = FetchConfig;
  return Fields<F>("fetch")
      .list_of("data", &F::data, {"orders"}, kDataSets,
               "the data sets fetch moves: orders, returns, recon (fetch --data)")
      .list_of("ship_node_types", &F::ship_node_types,
               {std::begin(kShipNodeTypes), std::end(kShipNodeTypes)}, kShipNodeTypes,
               "which fulfilment types' orders are fetched")
      .integer("limit", &F::limit, 200, {1, 200}, "page size (the API's maximum is 200)")
      .duration("window_minutes", &F::window, 7 * 24h, {1, 60LL * 24 * 31},
                "widest first window; windows are split by their totalCount")
      .integer("max_orders_per_query", &F::max_orders_per_query, 10000, {1, 1000000},
               "the API's per-query cap")
      .integer("requests_per_minute", &F::requests_per_minute, 600, {0, 1000000},
               "client-side rate limit; 0 = none")
      .integer("concurrency", &F::concurrency, 4, {1, 64}, "windows in flight (per account)")
      .integer("account_concurrency", &F::account_concurrency, 4, {1, 256},
               "accounts fetched at the same time by one run")
      .integer("max_retries", &F::max_retries, 6, {0, 1000},
               "per request (429, 5xx, timeouts, dropped connections)")
      .duration("backoff_initial_ms", &F::backoff_initial, 500ms, {1, 600000},
                "first retry backoff, ms")
      .duration("backoff_max_ms", &F::backoff_max, 30s, {1, 3600000}, "longest retry backoff, ms")
      .duration("connect_timeout_ms", &F::connect_timeout, 5s, {1, 600000},
                "HTTP connect timeout, ms")
      .duration("request_timeout_ms", &F::request_timeout, 60s, {1, 3600000},
                "HTTP request timeout, ms")
      // 200 orders of ~50 KB, with 3x headroom.
      .integer("max_response_mb", &F::max_response_mb, 32, {1, 4096},
               "largest answer accepted (after decompression)")
      .duration("since_last_overlap_minutes", &F::since_last_overlap, 10min, {0, 60LL * 24 * 7},
                "overlap re-read by --since-last")
      .duration("produce_flush_timeout_ms", &F::produce_flush_timeout, 60s, {1, 3600000},
                "wait for Kafka acknowledgements at the end, ms")
      .integer("metrics_port", &F::metrics_port, 9109, {0, 65535},
               "fetch --follow's /metrics and /healthz port; 0 disables them")
      .string("metrics_bind", &F::metrics_bind, "127.0.0.1",
              "address fetch's metrics endpoint listens on")
      .duration("unhealthy_after_s", &F::unhealthy_after, 1h, {0, 60LL * 60 * 24 * 30},
                "fetch --follow's /healthz is 503 while an account has not completed a cycle "
                "for this long, seconds; 0 = never");
}

Fields<StreamConfig> stream() {
  using S = StreamConfig;
  return Fields<S>()
      .integer("batch_size", &S::batch_size, 2000, {1, 100000}, "most rows per MySQL transaction")
      .duration("batch_interval_ms", &S::batch_interval, 1s, {1, 3600000},
                "longest a message waits for its batch, ms")
      .boolean("group_commit", &S::group_commit, true,
               "write what has arrived as soon as the previous transaction committed")
      .one_of("raw_archive", &S::raw_archive, RawArchive::compressed,
              EnumNames<RawArchive>(kRawArchives), "how walmart_order_raw keeps each order's JSON")
      .integer("max_retries", &S::max_retries, 3, {0, 1000},
               "quick retries per batch before the capped backoff")
      .integer("parallelism", &S::parallelism, 2, {1, 64},
               "workers (MySQL connections) per process")
      .one_of("reset", &S::reset, ResetPolicy::earliest, EnumNames<ResetPolicy>(kResetPolicies),
              "start of a partition with no stored offset")
      .one_of("on_data_loss", &S::on_data_loss, DataLossPolicy::continue_from_earliest,
              EnumNames<DataLossPolicy>(kDataLossPolicies),
              "when retention deleted unread messages")
      .integer("metrics_port", &S::metrics_port, 9108, {0, 65535},
               "/metrics and /healthz port; 0 disables them")
      .string("metrics_bind", &S::metrics_bind, "127.0.0.1",
              "address the metrics endpoint listens on")
      .duration("retry_backoff_initial_ms", &S::retry_backoff_initial, 200ms, {1, 600000},
                "first MySQL retry backoff, ms")
      .duration("retry_backoff_max_ms", &S::retry_backoff_max, 30s, {1, 3600000},
                "longest MySQL retry backoff, ms")
      .duration("status_interval_s", &S::status_interval, 10s, {1, 3600},
                "status line period, seconds")
      .integer("max_pending_messages", &S::max_pending_messages, 20000, {1, 10000000},
               "per worker; consumption pauses above it")
      .duration("shutdown_timeout_s", &S::shutdown_timeout, 30s, {1, 3600},
                "SIGINT/SIGTERM: longest wait for the pending batch, seconds")
      .string("default_account", &S::default_account, "",
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
      });
}

Fields<LoggingConfig> logging() {
  using L = LoggingConfig;
  return Fields<L>()
      .string("dir", &L::dir, "logs", "logs/<command>.log; empty = console only")
      .string("level", &L::level, "info", "least severe level logged; -v = debug, -vv = trace")
      .allowed("trace, debug, info, warn, warning, error, critical, off")
      .check([](L& l) {
        if (std::find(std::begin(kLogLevels), std::end(kLogLevels), l.level) ==
            std::end(kLogLevels)) {
          throw ConfigError(
              "logging.level: expected one of trace, debug, info, warn, error, critical, off; "
              "got '" +
              l.level + "'");
        }
      });
}

}  // namespace

std::string shown_list(const std::vector<std::string>& v) {
  std::string items;
  for (const auto& item : v) items += (items.empty() ? "" : ", ") + item;
  return quoted("[" + items + "]");
}

const Fields<KafkaConfig>& kafka_keys() {
  static const Fields<KafkaConfig> keys = kafka();
  return keys;
}
const Fields<MysqlConfig>& mysql_keys() {
  static const Fields<MysqlConfig> keys = mysql();
  return keys;
}
const Fields<FetchConfig>& fetch_keys() {
  static const Fields<FetchConfig> keys = fetch();
  return keys;
}
const Fields<StreamConfig>& stream_keys() {
  static const Fields<StreamConfig> keys = stream();
  return keys;
}
const Fields<LoggingConfig>& logging_keys() {
  static const Fields<LoggingConfig> keys = logging();
  return keys;
}

const std::vector<Section>& sections() {
  static const std::vector<Section> all = {
      kafka_keys().section("kafka", &Config::kafka),
      mysql_keys().section("mysql", &Config::mysql),
      walmart_keys().section("walmart_token", &Config::walmart_token),
      fetch_keys().section("fetch", &Config::fetch),
      stream_keys().section("stream", &Config::stream),
      logging_keys().section("logging", &Config::logging),
      privacy_keys().section("privacy", &Config::privacy)};
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
