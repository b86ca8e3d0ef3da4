#pragma once
// The typed configuration. Each key (YAML name, default, range or choices, secret or not,
// meaning) is declared once in config_keys.cpp (privacy_keys.cpp for the privacy section), from
// which reading, overrides, printing and the defaults are derived. The members here carry no
// value of their own: `{}` only zeroes a scalar, and each struct's constructor (key_defaults.cpp)
// applies the declared defaults, so every struct built anywhere starts from them.
// config/config.yml, the environment (WALMART_ETL_<SECTION>__<KEY>=value) and --set key.path=value
// override the defaults, in that order. See config_loader.hpp and the README's "Configuration".

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace etl::config {

// The stream's consumer group protocol: classic (JoinGroup/SyncGroup, the members assign), or
// consumer (KIP-848: the broker assigns, Kafka 4.0 and later; early access in librdkafka 2.8).
enum class GroupProtocol { classic, consumer };

struct KafkaConfig {
  KafkaConfig();  // the declared defaults

  std::vector<std::string> bootstrap_servers;
  std::string topic;
  // The topics of the other data sets (docs/architecture.md, "Data sets"): one message per return
  // order (key returnOrderId), and the settlement reports in chunks (key "account|report date").
  std::string returns_topic;
  std::string recon_topic;
  std::string consumer_group;
  int topic_partitions{};
  int replication_factor{};
  GroupProtocol group_protocol{};
  // Passed to librdkafka as is (SASL/SSL, tuning). Our defaults are applied first, these next,
  // then the invariants the pipeline relies on (e.g. enable.auto.commit=false).
  std::map<std::string, std::string> properties;

  [[nodiscard]] std::string bootstrap_list() const;  // "a:1,b:2"
};

enum class SslMode { disabled, preferred, required, verify_ca, verify_identity };

struct MysqlConfig {
  MysqlConfig();  // the declared defaults

  std::string host;
  int port{};
  std::string user;
  std::string password;  // secret
  std::string charset;
  std::string database;
  std::string socket;  // optional unix socket; when set, host/port are not used
  SslMode ssl_mode{};
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
  // Client authentication plugins a server may make the client use (MARIADB_OPT_RESTRICTED_AUTH).
  // mysql_clear_password and dialog send the password as it is: only when listed here.
  std::vector<std::string> auth_plugins;
  // MySQL's caching_sha2_password over a connection without TLS needs the server's RSA public key
  // to send the password encrypted: from this PEM file, or fetched from the server only when
  // get_server_public_key allows it (an impostor could hand out its own key).
  bool get_server_public_key{};
  std::string server_public_key;
  std::chrono::seconds connect_timeout{};
  std::chrono::seconds read_timeout{};
  std::chrono::seconds write_timeout{};
};

struct WalmartAccount {
  WalmartAccount();  // the declared defaults
  // An account with these credentials, every other key at its declared default.
  WalmartAccount(std::string id, std::string secret, std::string basic_token);

  std::string client_id;
  std::string client_secret;  // secret
  // The original project's ready-made credential: base64(client_id:client_secret), used as
  // "Authorization: Basic <token>". Either this or client_id + client_secret.
  std::string token;  // secret
  // Or where each of them is read when the account is used (account_secrets.hpp): the name of an
  // environment variable, or a file (relative: under $CREDENTIALS_DIRECTORY when set).
  std::string client_id_env;
  std::string client_secret_env;
  std::string token_env;
  std::string client_id_file;
  std::string client_secret_file;
  std::string token_file;
  // Walmart throttles per seller: this account's own client-side limit. Unset:
  // fetch.requests_per_minute. 0 = none (the server's 429s and token counts set the pace).
  std::optional<int> requests_per_minute;
};

struct WalmartConfig {
  WalmartConfig();  // the declared defaults

  std::string base_url;
  std::string service_name;
  std::string default_account;  // empty: the only account, if exactly one is configured
  std::map<std::string, WalmartAccount> accounts;
  std::chrono::seconds token_refresh_margin{};

  // The account a command works for when none is named: default_account, else the only
  // configured account; empty when neither (the caller says what to do about it). The one place
  // this rule is written.
  [[nodiscard]] std::string implied_account() const {
    if (!default_account.empty()) return default_account;
    return accounts.size() == 1 ? accounts.begin()->first : std::string();
  }
};

struct FetchConfig {
  FetchConfig();  // the declared defaults

  std::vector<std::string> data;  // the data sets fetch moves (orders, returns, recon)
  std::vector<std::string> ship_node_types;
  int limit{};                    // page size, 1..200
  std::chrono::minutes window{};  // first windows are at most this wide
  int max_orders_per_query{};     // the API's cap; windows above it are split
  int requests_per_minute{};      // client-side token bucket; 0 = unlimited
  int concurrency{};              // windows in flight (per account)
  int account_concurrency{};      // accounts fetched at the same time by one run
  int max_retries{};              // per request, for 5xx / timeouts / dropped connections
  std::chrono::milliseconds backoff_initial{};
  std::chrono::milliseconds backoff_max{};
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds request_timeout{};
  int max_response_mb{};  // a larger answer (after decompression) fails its request
  // --since-last re-reads this much before the watermark.
  std::chrono::minutes since_last_overlap{};
  std::chrono::milliseconds produce_flush_timeout{};
  // fetch --follow's /metrics and /healthz; port 0 disables them.
  int metrics_port{};
  std::string metrics_bind;
  // fetch --follow's /healthz is 503 while an account has not completed a cycle for this long;
  // 0: never.
  std::chrono::seconds unhealthy_after{};
};

enum class ResetPolicy { earliest, latest };
// How walmart_order_raw keeps each order's JSON: compressed (COMPRESS() format, readable through
// UNCOMPRESS() and the walmart_order_raw_json view), plain text, or not at all.
enum class RawArchive { compressed, plain, off };
enum class DataLossPolicy { continue_from_earliest, stop };

struct StreamConfig {
  StreamConfig();  // the declared defaults

  int batch_size{};                            // most rows per MySQL transaction
  std::chrono::milliseconds batch_interval{};  // longest a message waits for its batch
  // Group commit: a worker writes whatever has arrived as soon as its previous transaction has
  // committed (one order at a time when traffic is light, batch_size under backlog). false: wait
  // for batch_size rows or batch_interval.
  bool group_commit{};
  RawArchive raw_archive{};
  int max_retries{};    // per batch at short backoff, then capped backoff
  int parallelism{};    // workers, each with its own MySQL connection
  ResetPolicy reset{};  // where a partition with no stored offset starts
  DataLossPolicy on_data_loss{};
  int metrics_port{};  // 0 disables the HTTP endpoint
  std::string metrics_bind;
  std::chrono::milliseconds retry_backoff_initial{};
  std::chrono::milliseconds retry_backoff_max{};
  std::chrono::seconds status_interval{};
  int max_pending_messages{};  // per worker; consumption pauses above it
  // SIGINT/SIGTERM: how long the stream may take to write what is pending before it gives up on
  // it (read again on the next start) and exits 1.
  std::chrono::seconds shutdown_timeout{};
  // The account of a message without an `account` header (older producers, other tools). Empty:
  // such a message goes to the dead letter, so no row is ever written without its seller.
  std::string default_account;
};

struct LoggingConfig {
  LoggingConfig();  // the declared defaults

  std::string dir;
  std::string level;
};

// What is written of one personal field of an order (docs/data-model.md, "Personal data"):
// as received, as a keyed hash (HMAC-SHA-256 under privacy.hash_secret, 64 hex digits), or NULL.
enum class FieldPolicy { keep, hash, drop };

struct PrivacyConfig {
  PrivacyConfig();  // the declared defaults

  // One policy per personal field of the order JSON (the JSON path in the comment).
  FieldPolicy customer_email_id{};  // customerEmailId
  FieldPolicy phone{};              // shippingInfo.phone
  FieldPolicy recipient_name{};     // shippingInfo.postalAddress.name
  FieldPolicy address1{};           // shippingInfo.postalAddress.address1
  FieldPolicy address2{};           // shippingInfo.postalAddress.address2
  FieldPolicy city{};               // shippingInfo.postalAddress.city
  FieldPolicy postal_code{};        // shippingInfo.postalAddress.postalCode
  FieldPolicy pickup_persons{};     // pickupPersons (the whole list)
  // The HMAC key of `hash` (secret): given here (or WALMART_ETL_PRIVACY__HASH_SECRET), or by name -
  // the environment variable holding it, or a file (relative: under $CREDENTIALS_DIRECTORY).
  // Read when the configuration is loaded; required (at least 32 bytes) when a policy is `hash`.
  std::string hash_secret;  // secret
  std::string hash_secret_env;
  std::string hash_secret_file;
  // Not a key: the HMAC key itself, from whichever of the three gave it (privacy_key.hpp).
  std::string resolved_key;
  // walmart-etl purge: archive rows (by load_time) and dead letters (by created_at) older than
  // this many days are deleted; 0 keeps them forever.
  int raw_retention_days{};
  int dead_letter_retention_days{};
  // fetch applies the policies to each order before producing it, so Kafka holds no clear value
  // of a field whose policy is hash or drop (off: Kafka holds the orders as received).
  bool apply_before_kafka{};
};

// Every section at its declared defaults (their constructors); the loader fills it from the
// file, the environment and --set.
struct Config {
  KafkaConfig kafka;
  MysqlConfig mysql;
  WalmartConfig walmart_token;
  FetchConfig fetch;
  StreamConfig stream;
  LoggingConfig logging;
  PrivacyConfig privacy;
  std::string source_path;  // the file it was loaded from ("" = defaults only); not a key
};

}  // namespace etl::config
