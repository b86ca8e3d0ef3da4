#include "mysql/auth_gate.hpp"

#include <fmt/format.h>
#include <mysql/plugin_auth.h>

#include <mutex>

#include "common/error.hpp"

namespace etl::mysql {

namespace {

// CLIENT_SSL in the server's greeting: the server is willing to start TLS.
constexpr unsigned long kServerOffersTls = 2048;

// An authentication plugin as <mysql/client_plugin.h> declares it (MYSQL_CLIENT_PLUGIN_HEADER,
// from <mysql.h>, then authenticate_user). That header cannot be included with Debian's
// libmariadb-dev (it includes a header the package does not ship), hence its two constants here.
constexpr int kAuthenticationPluginType = 2;               // MYSQL_CLIENT_AUTHENTICATION_PLUGIN
constexpr unsigned int kAuthenticationInterface = 0x0100;  // ..._PLUGIN_INTERFACE_VERSION
struct AuthPlugin {
  MYSQL_CLIENT_PLUGIN_HEADER
  int (*authenticate_user)(MYSQL_PLUGIN_VIO* vio, MYSQL* mysql);
};

// The gate of the connection being opened on this thread, if any.
thread_local AuthGate* current_gate = nullptr;

int gate_authenticate(MYSQL_PLUGIN_VIO* vio, MYSQL* m) {
  if (current_gate == nullptr) return CR_ERROR;  // a handle opened without a gate: refuse
  return current_gate->authenticate(vio, m);
}

// Connector/C keeps registered plugins for the life of the process; a function-local static gives
// it a stable address.
AuthPlugin& gate_plugin() {
  static AuthPlugin plugin = {
      kAuthenticationPluginType,
      kAuthenticationInterface,
      kAuthGatePlugin,
      "walmart-etl",
      "refuses a login the configuration does not allow before any credential is sent",
      {1, 0, 0},
      "project licence",
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      gate_authenticate};
  return plugin;
}

void register_gate_once(MYSQL* m) {
  static std::once_flag once;
  static bool registered = false;
  static std::string failure;
  std::call_once(once, [m] {
    registered = mysql_client_register_plugin(
                     m, reinterpret_cast<st_mysql_client_plugin*>(&gate_plugin())) != nullptr;
    if (!registered) failure = mysql_error(m);
  });
  if (!registered) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                   fmt::format("cannot register the MySQL login gate: {}", failure));
  }
}

std::string join(const std::vector<std::string>& names, bool drop_server_key_plugins) {
  std::string out = kAuthGatePlugin;
  for (const auto& n : names) {
    if (drop_server_key_plugins && sends_password_under_server_key(n)) continue;
    out += ',';
    out += n;
  }
  return out;
}

void set_restricted(MYSQL* m, const std::string& list) {
  if (mysql_optionsv(m, MARIADB_OPT_RESTRICTED_AUTH, list.c_str()) != 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                   "cannot set MySQL client option restricted_auth");
  }
}

bool server_key_pinned(MYSQL* m) {
  const char* path = nullptr;
  return mysql_get_optionv(m, MYSQL_SERVER_PUBLIC_KEY, &path) == 0 && path != nullptr &&
         *path != '\0';
}

}  // namespace

bool sends_password_under_server_key(const std::string& plugin) noexcept {
  return plugin == "caching_sha2_password" || plugin == "sha256_password";
}

AuthGate::AuthGate(MYSQL* m, bool require_tls, bool unix_socket,
                   const std::vector<std::string>& allowed_plugins, bool may_fetch_server_key)
    : mysql_(m),
      require_tls_(require_tls),
      unix_socket_(unix_socket),
      may_fetch_server_key_(may_fetch_server_key),
      plaintext_list_(join(allowed_plugins, true)),
      active_list_(join(allowed_plugins, false)),
      previous_(current_gate) {
  register_gate_once(m);
  // Connector/C checks every plugin it is about to run (the first one and each one a server
  // switches to) against this list by substring; config validation keeps the names plain words.
  set_restricted(m, active_list_);
  if (mysql_optionsv(m, MYSQL_DEFAULT_AUTH, kAuthGatePlugin) != 0) {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 0,
                   "cannot set MySQL client option default_auth");
  }
  current_gate = this;
}

AuthGate::~AuthGate() { current_gate = previous_; }

std::string AuthGate::allowed_plugins() const {
  const std::string prefix = std::string(kAuthGatePlugin) + ",";
  return active_list_.rfind(prefix, 0) == 0 ? active_list_.substr(prefix.size()) : "none";
}

int AuthGate::authenticate(MYSQL_PLUGIN_VIO* vio, MYSQL* m) noexcept {
  if (m != mysql_) return CR_ERROR;
  ran_ = true;
  if (require_tls_ && (m->server_capabilities & kServerOffersTls) == 0) {
    // Nothing has been written yet: the server has not seen the user name, let alone an answer
    // to its challenge.
    refusal_ = GateRefusal::no_tls_offered;
    return CR_ERROR;
  }
  // The first write makes Connector/C start TLS (when asked for and offered) and then send the
  // login packet with this plugin's name and an empty answer: no credential.
  static const unsigned char nothing[1] = {0};
  if (vio->write_packet(vio, nothing, 0) != 0) return CR_ERROR;
  if (!unix_socket_ && !may_fetch_server_key_ && mysql_get_ssl_cipher(m) == nullptr &&
      !server_key_pinned(m)) {
    try {
      set_restricted(m, plaintext_list_);
      narrowed_ = plaintext_list_ != active_list_;
      active_list_ = plaintext_list_;
    } catch (...) {
      return CR_ERROR;
    }
  }
  return CR_OK;
}

}  // namespace etl::mysql
