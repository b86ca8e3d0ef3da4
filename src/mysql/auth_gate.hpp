#pragma once
// What the client may give a MySQL server while logging in, decided before the first byte of a
// credential leaves the process.
//
// Connector/C sends its login packet (user name, database, the first plugin's answer to the
// server's challenge) from inside the first authentication plugin, and it refuses a server without
// TLS before that packet only in verify_identity. The gate is a client authentication plugin of our
// own that runs first on every connection Connection::open makes:
//  - when the session must be encrypted and the server's greeting does not offer TLS, it stops
//    there: nothing has been sent, not even the user name;
//  - otherwise it sends a login packet that carries no credential (TLS starts first when asked
//    for), so a real server answers with a switch to the account's own plugin;
//  - that plugin must be in mysql.auth_plugins (MARIADB_OPT_RESTRICTED_AUTH), and on a session
//    that ended up without TLS, caching_sha2_password and sha256_password are taken out of that
//    list (on TCP): without TLS they would ask the server for an RSA key and send the password
//    encrypted with whatever key it returns, i.e. to the impostor (unless a key file pins the key,
//    or mysql.get_server_public_key says the operator accepts that).

#include <mysql.h>
#include <mysql/plugin_auth.h>

#include <string>
#include <vector>

namespace etl::mysql {

// Name the gate registers under; it is also what a server sees as the client's first plugin.
inline constexpr const char* kAuthGatePlugin = "walmart_etl_auth_gate";

// Plugins that, on a session without TLS, hand the password to whoever holds the RSA key the
// server sends, unless a server public key file pins it (MYSQL_SERVER_PUBLIC_KEY).
bool sends_password_under_server_key(const std::string& plugin) noexcept;

// Why the gate stopped a login, readable after mysql_real_connect failed.
enum class GateRefusal { none, no_tls_offered };

// Installs the gate on one handle for one mysql_real_connect call on the calling thread (the
// gate reads its policy from a thread-local pointer: Connector/C gives plugins no user data).
class AuthGate {
 public:
  // Throws EtlError (fatal) when Connector/C refuses the options or the plugin.
  // `unix_socket`: the session runs over a local socket, which Connector/C (like the servers)
  // treats as a secure transport; the plugins are then not narrowed.
  // `may_fetch_server_key` (mysql.get_server_public_key): the RSA plugins stay allowed without TLS,
  // fetching the server's key.
  AuthGate(MYSQL* m, bool require_tls, bool unix_socket,
           const std::vector<std::string>& allowed_plugins, bool may_fetch_server_key);
  ~AuthGate();
  AuthGate(const AuthGate&) = delete;
  AuthGate& operator=(const AuthGate&) = delete;
  AuthGate(AuthGate&&) = delete;
  AuthGate& operator=(AuthGate&&) = delete;

  [[nodiscard]] GateRefusal refusal() const noexcept { return refusal_; }
  // The configured plugins the session allowed in the end, comma-separated.
  [[nodiscard]] std::string allowed_plugins() const;
  // True when the session ended up without TLS and the list was narrowed for it.
  [[nodiscard]] bool narrowed() const noexcept { return narrowed_; }
  // True once the gate ran (the server's greeting was read and judged).
  [[nodiscard]] bool ran() const noexcept { return ran_; }

  // Called by the plugin; not for other use.
  int authenticate(MYSQL_PLUGIN_VIO* vio, MYSQL* m) noexcept;

 private:
  MYSQL* mysql_;
  bool require_tls_;
  bool unix_socket_;
  bool may_fetch_server_key_;
  std::string plaintext_list_;
  std::string active_list_;
  GateRefusal refusal_ = GateRefusal::none;
  bool narrowed_ = false;
  bool ran_ = false;
  AuthGate* previous_;
};

}  // namespace etl::mysql
