// Why one file of this size: it is the schema of the whole configuration — every key's parsing
// with its YAML path in errors, the environment/--set overrides and the masked printing — kept
// side by side so a key is added in one place. Declaring each key once (and deriving parsing and
// printing from that declaration) is the planned way to shrink it; splitting it by section before
// that would scatter one key over several files.

#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/error.hpp"

extern char** environ;

namespace etl::config {

std::string KafkaConfig::bootstrap_list() const {
  std::string out;
  for (const auto& s : bootstrap_servers) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

namespace {

constexpr std::string_view kEnvPrefix = "WALMART_ETL_";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string join(const std::vector<std::string>& parts, char sep, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (i > from) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> split(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? s.npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + sep.size();
  }
  return out;
}

// Maps whose keys are free-form (not part of our schema): the rest of an override path is the key.
bool is_free_form_map(const std::vector<std::string>& path, size_t depth) {
  return depth == 2 && path[0] == "kafka" && path[1] == "properties";
}

// Turns an override value into a YAML node: flow collections and scalars as YAML would read them.
// A secret (a key is_secret_key() names) and every free-form librdkafka property are taken
// literally: a password may start with '[' or '{'. A value that does not parse is never echoed:
// it may hold a secret under a key that is not itself secret (an account given as a mapping).
YAML::Node parse_override_value(const std::string& where, const std::vector<std::string>& path,
                                const std::string& value) {
  const bool secret = !path.empty() && is_secret_key(path.back());
  const bool free_form = path.size() >= 3 && is_free_form_map(path, 2);
  if (secret || free_form) return YAML::Node(value);
  if (!value.empty() && (value.front() == '[' || value.front() == '{')) {
    try {
      return YAML::Load(value);
    } catch (const YAML::Exception& e) {
      throw ConfigError(where + ": cannot parse the value (" + std::to_string(value.size()) +
                        " characters starting with '" + value.front() + "') as YAML: " + e.msg);
    }
  }
  return YAML::Node(value);
}

// Sets root[path...] = value, creating maps on the way. Key matching is case-insensitive against
// existing keys so that environment variables (upper case) find the file's keys.
void set_path(YAML::Node root, const std::vector<std::string>& path, const YAML::Node& value,
              const std::string& where) {
  if (path.empty() || path[0].empty()) throw ConfigError(where + ": empty key");
  YAML::Node node = root;
  for (size_t i = 0; i < path.size(); ++i) {
    std::string key = path[i];
    const bool last_free = is_free_form_map(path, i);
    if (last_free) key = join(path, '.', i);
    if (key.empty()) throw ConfigError(where + ": empty key segment");
    if (!node.IsMap() && !node.IsNull()) {
      throw ConfigError(where + ": '" + join(path, '.', 0) +
                        "' goes through a value that is not a map");
    }
    std::string match = key;
    if (node.IsMap()) {
      for (const auto& kv : node) {
        const auto existing = kv.first.as<std::string>();
        if (lower(existing) == lower(key)) {
          match = existing;
          break;
        }
      }
    }
    if (last_free || i + 1 == path.size()) {
      node[match] = value;
      return;
    }
    YAML::Node child = node[match];
    if (!child.IsDefined() || child.IsNull()) {
      node[match] = YAML::Node(YAML::NodeType::Map);
    }
    node.reset(node[match]);
  }
}

// ---------------------------------------------------------------------------------------------
// Typed reading with YAML paths in every error.

class Section {
 public:
  Section(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {
    if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
      throw ConfigError(path_ + ": expected a mapping of keys");
    }
  }

  [[nodiscard]] std::string key_path(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  // Returns the child node if present and not null, marking the key as known.
  std::optional<YAML::Node> child(const std::string& key) {
    known_.insert(key);
    if (!node_.IsMap()) return std::nullopt;
    YAML::Node c = node_[key];
    if (!c.IsDefined() || c.IsNull()) return std::nullopt;
    return c;
  }

  void string(const std::string& key, std::string& out) {
    if (auto c = child(key)) out = scalar(*c, key);
  }

  void integer(const std::string& key, int& out, long long min, long long max) {
    if (auto c = child(key)) {
      const std::string text = scalar(*c, key);
      long long v = 0;
      const char* b = text.data();
      const char* e = b + text.size();
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || p != e || text.empty()) {
        throw ConfigError(key_path(key) + ": expected an integer, got '" + text + "'");
      }
      if (v < min || v > max) {
        throw ConfigError(key_path(key) + ": expected an integer in " + std::to_string(min) + ".." +
                          std::to_string(max) + ", got " + text);
      }
      out = static_cast<int>(v);
    }
  }

  template <class Duration>
  void duration(const std::string& key, Duration& out, long long min, long long max) {
    int v = static_cast<int>(out.count());
    integer(key, v, min, max);
    out = Duration(v);
  }

  void boolean(const std::string& key, bool& out) {
    if (auto c = child(key)) {
      const std::string t = lower(scalar(*c, key));
      if (t == "true" || t == "yes" || t == "on" || t == "1") {
        out = true;
      } else if (t == "false" || t == "no" || t == "off" || t == "0") {
        out = false;
      } else {
        throw ConfigError(key_path(key) + ": expected true or false, got '" + t + "'");
      }
    }
  }

  void string_list(const std::string& key, std::vector<std::string>& out) {
    auto c = child(key);
    if (!c) return;
    std::vector<std::string> values;
    if (c->IsSequence()) {
      for (size_t i = 0; i < c->size(); ++i) {
        const YAML::Node item = (*c)[i];
        if (!item.IsScalar()) {
          throw ConfigError(key_path(key) + "[" + std::to_string(i) + "]: expected a string");
        }
        values.push_back(item.as<std::string>());
      }
    } else if (c->IsScalar()) {  // "a,b" from the environment or --set
      for (auto& part : split(c->as<std::string>(), ",")) {
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty()) values.push_back(part);
      }
    } else {
      throw ConfigError(key_path(key) + ": expected a list of strings");
    }
    out = std::move(values);
  }

  void string_map(const std::string& key, std::map<std::string, std::string>& out) {
    auto c = child(key);
    if (!c) return;
    if (!c->IsMap()) throw ConfigError(key_path(key) + ": expected a mapping of strings");
    for (const auto& kv : *c) {
      const auto k = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) {
        throw ConfigError(key_path(key) + "." + k + ": expected a string value");
      }
      out[k] = kv.second.as<std::string>();
    }
  }

  template <class Enum, size_t N>
  void enumeration(const std::string& key, Enum& out,
                   const std::pair<std::string_view, Enum> (&names)[N]) {
    auto c = child(key);
    if (!c) return;
    const std::string t = scalar(*c, key);
    std::string accepted;
    for (const auto& [n, v] : names) {
      if (n == t) {
        out = v;
        return;
      }
      if (!accepted.empty()) accepted += ", ";
      accepted += n;
    }
    throw ConfigError(key_path(key) + ": expected one of " + accepted + ", got '" + t + "'");
  }

  Section section(const std::string& key) {
    auto c = child(key);
    return Section(c ? *c : YAML::Node(), key_path(key));
  }

  [[nodiscard]] const YAML::Node& node() const { return node_; }

  // Every key present in the file but never asked for is an error.
  void reject_unknown() const {
    if (!node_.IsMap()) return;
    for (const auto& kv : node_) {
      const auto k = kv.first.as<std::string>();
      if (!known_.count(k)) {
        std::string accepted;
        for (const auto& n : known_) accepted += (accepted.empty() ? "" : ", ") + n;
        throw ConfigError(key_path(k) + ": unknown key (known keys here: " + accepted + ")");
      }
    }
  }

 private:
  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar())
      throw ConfigError(key_path(key) + ": expected a single value, not a list or mapping");
    return n.as<std::string>();
  }

  YAML::Node node_;
  std::string path_;
  std::set<std::string> known_;
};

constexpr std::pair<std::string_view, SslMode> kSslModes[] = {
    {"disabled", SslMode::disabled},
    {"preferred", SslMode::preferred},
    {"required", SslMode::required},
    {"verify_ca", SslMode::verify_ca},
    {"verify_identity", SslMode::verify_identity}};
constexpr std::pair<std::string_view, ResetPolicy> kResetPolicies[] = {
    {"earliest", ResetPolicy::earliest}, {"latest", ResetPolicy::latest}};
constexpr std::pair<std::string_view, RawArchive> kRawArchives[] = {
    {"compressed", RawArchive::compressed}, {"plain", RawArchive::plain}, {"off", RawArchive::off}};
constexpr std::pair<std::string_view, DataLossPolicy> kDataLossPolicies[] = {
    {"continue", DataLossPolicy::continue_from_earliest}, {"stop", DataLossPolicy::stop}};
constexpr std::string_view kShipNodeTypes[] = {"SellerFulfilled", "WFSFulfilled", "3PLFulfilled"};
constexpr std::string_view kLogLevels[] = {"trace",   "debug", "info",     "warn",
                                           "warning", "error", "critical", "off"};

template <class T, size_t N>
std::string_view name_of(const std::pair<std::string_view, T> (&names)[N], T v) {
  for (const auto& [n, x] : names) {
    if (x == v) return n;
  }
  return "?";
}

constexpr long long kIntMax = 2147483647;

Config read_config(const YAML::Node& root) {
  Config cfg;
  Section top(root, "");

  {
    Section s = top.section("kafka");
    auto& k = cfg.kafka;
    s.string_list("bootstrap_servers", k.bootstrap_servers);
    s.string("topic", k.topic);
    s.string("consumer_group", k.consumer_group);
    s.integer("topic_partitions", k.topic_partitions, 1, 10000);
    s.integer("replication_factor", k.replication_factor, 1, 100);
    s.string_map("properties", k.properties);
    s.reject_unknown();
    if (k.bootstrap_servers.empty())
      throw ConfigError("kafka.bootstrap_servers: expected at least one host:port");
    if (k.topic.empty()) throw ConfigError("kafka.topic: must not be empty");
    if (k.consumer_group.empty()) throw ConfigError("kafka.consumer_group: must not be empty");
  }
  {
    Section s = top.section("mysql");
    auto& m = cfg.mysql;
    s.string("host", m.host);
    s.integer("port", m.port, 1, 65535);
    s.string("user", m.user);
    s.string("password", m.password);
    s.string("charset", m.charset);
    s.string("database", m.database);
    s.string("socket", m.socket);
    s.enumeration("ssl_mode", m.ssl_mode, kSslModes);
    s.string("ssl_ca", m.ssl_ca);
    s.string("ssl_cert", m.ssl_cert);
    s.string("ssl_key", m.ssl_key);
    s.duration("connect_timeout_s", m.connect_timeout, 1, 3600);
    s.duration("read_timeout_s", m.read_timeout, 1, 86400);
    s.duration("write_timeout_s", m.write_timeout, 1, 86400);
    s.reject_unknown();
    if (m.database.empty() || m.database.find('`') != std::string::npos) {
      throw ConfigError("mysql.database: expected a schema name without backticks");
    }
    if (m.charset != "utf8mb4") {
      throw ConfigError(
          "mysql.charset: expected utf8mb4 (the data contract stores 4-byte UTF-8), got '" +
          m.charset + "'");
    }
  }
  {
    Section s = top.section("walmart_token");
    auto& w = cfg.walmart_token;
    s.string("base_url", w.base_url);
    s.string("service_name", w.service_name);
    s.string("default_account", w.default_account);
    s.duration("token_refresh_margin_s", w.token_refresh_margin, 0, 3600);
    if (auto accounts = s.child("accounts")) {
      if (!accounts->IsMap())
        throw ConfigError(
            "walmart_token.accounts: expected a mapping NAME: {client_id, client_secret} or NAME: "
            "{token}");
      for (const auto& kv : *accounts) {
        const auto name = kv.first.as<std::string>();
        Section a(kv.second, "walmart_token.accounts." + name);
        WalmartAccount acc;
        a.string("client_id", acc.client_id);
        a.string("client_secret", acc.client_secret);
        a.string("token", acc.token);
        int rpm = -1;
        a.integer("requests_per_minute", rpm, 0, 1000000);
        if (rpm >= 0) acc.requests_per_minute = rpm;
        a.reject_unknown();
        const bool pair = !acc.client_id.empty() && !acc.client_secret.empty();
        if (!pair && acc.token.empty()) {
          throw ConfigError(
              "walmart_token.accounts." + name +
              ": expected client_id and client_secret, or token (base64 of id:secret)");
        }
        w.accounts[name] = std::move(acc);
      }
    }
    s.reject_unknown();
    if (w.base_url.rfind("http://", 0) != 0 && w.base_url.rfind("https://", 0) != 0) {
      throw ConfigError("walmart_token.base_url: expected an http:// or https:// URL, got '" +
                        w.base_url + "'");
    }
    while (!w.base_url.empty() && w.base_url.back() == '/') w.base_url.pop_back();
    if (!w.default_account.empty() && !w.accounts.count(w.default_account)) {
      throw ConfigError("walmart_token.default_account: '" + w.default_account +
                        "' is not one of walmart_token.accounts");
    }
  }
  {
    Section s = top.section("fetch");
    auto& f = cfg.fetch;
    s.string_list("ship_node_types", f.ship_node_types);
    s.integer("limit", f.limit, 1, 200);
    s.duration("window_minutes", f.window, 1, 60 * 24 * 31);
    s.integer("max_orders_per_query", f.max_orders_per_query, 1, 1000000);
    s.integer("requests_per_minute", f.requests_per_minute, 0, 1000000);
    s.integer("concurrency", f.concurrency, 1, 64);
    s.integer("account_concurrency", f.account_concurrency, 1, 256);
    s.integer("max_retries", f.max_retries, 0, 1000);
    s.duration("backoff_initial_ms", f.backoff_initial, 1, 600000);
    s.duration("backoff_max_ms", f.backoff_max, 1, 3600000);
    s.duration("connect_timeout_ms", f.connect_timeout, 1, 600000);
    s.duration("request_timeout_ms", f.request_timeout, 1, 3600000);
    s.integer("max_response_mb", f.max_response_mb, 1, 4096);
    s.duration("since_last_overlap_minutes", f.since_last_overlap, 0, 60 * 24 * 7);
    s.duration("produce_flush_timeout_ms", f.produce_flush_timeout, 1, 3600000);
    s.reject_unknown();
    if (f.ship_node_types.empty())
      throw ConfigError(
          "fetch.ship_node_types: expected at least one of SellerFulfilled, WFSFulfilled, "
          "3PLFulfilled");
    for (size_t i = 0; i < f.ship_node_types.size(); ++i) {
      if (std::find(std::begin(kShipNodeTypes), std::end(kShipNodeTypes), f.ship_node_types[i]) ==
          std::end(kShipNodeTypes)) {
        throw ConfigError("fetch.ship_node_types[" + std::to_string(i) +
                          "]: expected SellerFulfilled, WFSFulfilled or 3PLFulfilled, got '" +
                          f.ship_node_types[i] + "'");
      }
    }
  }
  {
    Section s = top.section("stream");
    auto& st = cfg.stream;
    s.integer("batch_size", st.batch_size, 1, 100000);
    s.duration("batch_interval_ms", st.batch_interval, 1, 3600000);
    s.boolean("group_commit", st.group_commit);
    s.enumeration("raw_archive", st.raw_archive, kRawArchives);
    s.integer("max_retries", st.max_retries, 0, 1000);
    s.integer("parallelism", st.parallelism, 1, 64);
    s.enumeration("reset", st.reset, kResetPolicies);
    s.enumeration("on_data_loss", st.on_data_loss, kDataLossPolicies);
    s.integer("metrics_port", st.metrics_port, 0, 65535);
    s.string("metrics_bind", st.metrics_bind);
    s.duration("retry_backoff_initial_ms", st.retry_backoff_initial, 1, 600000);
    s.duration("retry_backoff_max_ms", st.retry_backoff_max, 1, 3600000);
    s.duration("status_interval_s", st.status_interval, 1, 3600);
    s.integer("max_pending_messages", st.max_pending_messages, 1, 10000000);
    s.duration("shutdown_timeout_s", st.shutdown_timeout, 1, 3600);
    s.string("default_account", st.default_account);
    s.reject_unknown();
    size_t chars = 0;
    for (unsigned char c : st.default_account) {
      chars += (c & 0xC0) != 0x80 ? 1 : 0;
      if (c < 0x20 || c == 0x7f) {
        throw ConfigError(
            "stream.default_account: expected an account name without control "
            "characters");
      }
    }
    if (chars > 100) {
      throw ConfigError(
          "stream.default_account: expected at most 100 characters (the account "
          "column), got " +
          std::to_string(chars));
    }
  }
  {
    Section s = top.section("logging");
    s.string("dir", cfg.logging.dir);
    s.string("level", cfg.logging.level);
    s.reject_unknown();
    if (std::find(std::begin(kLogLevels), std::end(kLogLevels), cfg.logging.level) ==
        std::end(kLogLevels)) {
      throw ConfigError(
          "logging.level: expected one of trace, debug, info, warn, error, critical, off; got '" +
          cfg.logging.level + "'");
    }
  }
  top.reject_unknown();
  return cfg;
}

void apply_overrides(YAML::Node& root, const LoadOptions& options) {
  for (const auto& [name, value] : options.env) {
    if (name.rfind(kEnvPrefix, 0) != 0) continue;
    const std::string rest = name.substr(kEnvPrefix.size());
    if (rest == "CONFIG") continue;
    std::vector<std::string> path = split(lower(rest), "__");
    if (path.size() >= 3 && path[0] == "kafka" && path[1] == "properties") {
      // librdkafka property names use dots; environment names cannot: SASL_PASSWORD ->
      // sasl.password
      std::string prop = join(path, '.', 2);
      std::replace(prop.begin(), prop.end(), '_', '.');
      path.resize(2);
      path.push_back(prop);
    }
    set_path(root, path, parse_override_value(name, path, value), "environment variable " + name);
  }
  for (const auto& s : options.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--set '" + s + "': expected key.path=value");
    }
    const std::string key = s.substr(0, eq);
    const std::vector<std::string> path = split(key, ".");
    set_path(root, path, parse_override_value("--set " + key, path, s.substr(eq + 1)),
             "--set " + key);
  }
}

Config finish(YAML::Node root, const LoadOptions& options, std::string source) {
  if (root.IsNull() || !root.IsDefined()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap())
    throw ConfigError((source.empty() ? std::string("config") : source) +
                      ": expected a mapping of sections at the top level");
  apply_overrides(root, options);
  Config cfg = read_config(root);
  cfg.source_path = std::move(source);
  return cfg;
}

}  // namespace

std::map<std::string, std::string> environment_overrides_from_process() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    if (kv.rfind(kEnvPrefix, 0) != 0) continue;
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(kv.substr(0, eq));
    if (name == "WALMART_ETL_CONFIG" || name.find("__") == std::string::npos) continue;
    out[name] = std::string(kv.substr(eq + 1));
  }
  return out;
}

Config load_config_from_string(const std::string& yaml, const LoadOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw ConfigError("YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return finish(root, options, "");
}

Config load_config(const LoadOptions& options) {
  if (options.path.empty()) return finish(YAML::Node(), options, "");
  std::error_code ec;
  if (!std::filesystem::exists(options.path, ec)) {
    if (options.path_required) {
      throw ConfigError(options.path +
                        ": config file not found (use --config PATH, or copy config/config.yml)");
    }
    return finish(YAML::Node(), options, "");
  }
  std::ifstream in(options.path);
  if (!in) throw ConfigError(options.path + ": cannot read config file");
  std::stringstream buf;
  buf << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(buf.str());
  } catch (const YAML::ParserException& e) {
    throw ConfigError(options.path + ": YAML syntax error at line " +
                      std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  try {
    return finish(root, options, options.path);
  } catch (const YAML::Exception& e) {
    throw ConfigError(options.path + ": " + e.msg);
  }
}

bool is_secret_key(const std::string& key) {
  const std::string k = lower(key);
  return k.find("password") != std::string::npos || k.find("secret") != std::string::npos ||
         k == "token" || k.find("sasl.oauthbearer.config") != std::string::npos ||
         k.find("ssl.key.pem") != std::string::npos;
}

std::string to_masked_yaml(const Config& cfg) {
  auto mask = [](const std::string& v) { return v.empty() ? std::string() : std::string("***"); };
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "kafka" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "bootstrap_servers" << YAML::Value << YAML::Flow
      << cfg.kafka.bootstrap_servers;
  out << YAML::Key << "topic" << YAML::Value << cfg.kafka.topic;
  out << YAML::Key << "consumer_group" << YAML::Value << cfg.kafka.consumer_group;
  out << YAML::Key << "topic_partitions" << YAML::Value << cfg.kafka.topic_partitions;
  out << YAML::Key << "replication_factor" << YAML::Value << cfg.kafka.replication_factor;
  out << YAML::Key << "properties" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : cfg.kafka.properties) {
    out << YAML::Key << k << YAML::Value << (is_secret_key(k) ? mask(v) : v);
  }
  out << YAML::EndMap << YAML::EndMap;

  const auto& m = cfg.mysql;
  out << YAML::Key << "mysql" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "host" << YAML::Value << m.host;
  out << YAML::Key << "port" << YAML::Value << m.port;
  out << YAML::Key << "user" << YAML::Value << m.user;
  out << YAML::Key << "password" << YAML::Value << mask(m.password);
  out << YAML::Key << "charset" << YAML::Value << m.charset;
  out << YAML::Key << "database" << YAML::Value << m.database;
  out << YAML::Key << "socket" << YAML::Value << m.socket;
  out << YAML::Key << "ssl_mode" << YAML::Value << std::string(name_of(kSslModes, m.ssl_mode));
  out << YAML::Key << "ssl_ca" << YAML::Value << m.ssl_ca;
  out << YAML::Key << "ssl_cert" << YAML::Value << m.ssl_cert;
  out << YAML::Key << "ssl_key" << YAML::Value << m.ssl_key;
  out << YAML::Key << "connect_timeout_s" << YAML::Value << m.connect_timeout.count();
  out << YAML::Key << "read_timeout_s" << YAML::Value << m.read_timeout.count();
  out << YAML::Key << "write_timeout_s" << YAML::Value << m.write_timeout.count();
  out << YAML::EndMap;

  const auto& w = cfg.walmart_token;
  out << YAML::Key << "walmart_token" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "base_url" << YAML::Value << w.base_url;
  out << YAML::Key << "service_name" << YAML::Value << w.service_name;
  out << YAML::Key << "default_account" << YAML::Value << w.default_account;
  out << YAML::Key << "token_refresh_margin_s" << YAML::Value << w.token_refresh_margin.count();
  out << YAML::Key << "accounts" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, a] : w.accounts) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "client_id" << YAML::Value << a.client_id;
    out << YAML::Key << "client_secret" << YAML::Value << mask(a.client_secret);
    out << YAML::Key << "token" << YAML::Value << mask(a.token);
    if (a.requests_per_minute) {
      out << YAML::Key << "requests_per_minute" << YAML::Value << *a.requests_per_minute;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;

  const auto& f = cfg.fetch;
  out << YAML::Key << "fetch" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "ship_node_types" << YAML::Value << YAML::Flow << f.ship_node_types;
  out << YAML::Key << "limit" << YAML::Value << f.limit;
  out << YAML::Key << "window_minutes" << YAML::Value << f.window.count();
  out << YAML::Key << "max_orders_per_query" << YAML::Value << f.max_orders_per_query;
  out << YAML::Key << "requests_per_minute" << YAML::Value << f.requests_per_minute;
  out << YAML::Key << "concurrency" << YAML::Value << f.concurrency;
  out << YAML::Key << "account_concurrency" << YAML::Value << f.account_concurrency;
  out << YAML::Key << "max_retries" << YAML::Value << f.max_retries;
  out << YAML::Key << "backoff_initial_ms" << YAML::Value << f.backoff_initial.count();
  out << YAML::Key << "backoff_max_ms" << YAML::Value << f.backoff_max.count();
  out << YAML::Key << "connect_timeout_ms" << YAML::Value << f.connect_timeout.count();
  out << YAML::Key << "request_timeout_ms" << YAML::Value << f.request_timeout.count();
  out << YAML::Key << "max_response_mb" << YAML::Value << f.max_response_mb;
  out << YAML::Key << "since_last_overlap_minutes" << YAML::Value << f.since_last_overlap.count();
  out << YAML::Key << "produce_flush_timeout_ms" << YAML::Value << f.produce_flush_timeout.count();
  out << YAML::EndMap;

  const auto& s = cfg.stream;
  out << YAML::Key << "stream" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "batch_size" << YAML::Value << s.batch_size;
  out << YAML::Key << "batch_interval_ms" << YAML::Value << s.batch_interval.count();
  out << YAML::Key << "group_commit" << YAML::Value << s.group_commit;
  out << YAML::Key << "raw_archive" << YAML::Value
      << std::string(name_of(kRawArchives, s.raw_archive));
  out << YAML::Key << "max_retries" << YAML::Value << s.max_retries;
  out << YAML::Key << "parallelism" << YAML::Value << s.parallelism;
  out << YAML::Key << "reset" << YAML::Value << std::string(name_of(kResetPolicies, s.reset));
  out << YAML::Key << "on_data_loss" << YAML::Value
      << std::string(name_of(kDataLossPolicies, s.on_data_loss));
  out << YAML::Key << "metrics_port" << YAML::Value << s.metrics_port;
  out << YAML::Key << "metrics_bind" << YAML::Value << s.metrics_bind;
  out << YAML::Key << "retry_backoff_initial_ms" << YAML::Value << s.retry_backoff_initial.count();
  out << YAML::Key << "retry_backoff_max_ms" << YAML::Value << s.retry_backoff_max.count();
  out << YAML::Key << "status_interval_s" << YAML::Value << s.status_interval.count();
  out << YAML::Key << "max_pending_messages" << YAML::Value << s.max_pending_messages;
  out << YAML::Key << "shutdown_timeout_s" << YAML::Value << s.shutdown_timeout.count();
  out << YAML::Key << "default_account" << YAML::Value << s.default_account;
  out << YAML::EndMap;

  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "dir" << YAML::Value << cfg.logging.dir;
  out << YAML::Key << "level" << YAML::Value << cfg.logging.level;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace etl::config
