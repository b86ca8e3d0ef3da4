#pragma once
// Whether a MySQL or MariaDB server offers TLS, read from its greeting: the first packet a server
// sends on a new TCP connection, before the client says anything (so nothing of the login leaves
// the client). Used by ssl_mode `preferred` (connection.cpp): with TLS requested, Connector/C 3.3
// keeps the TLS capability flag set even when it falls back to plaintext against a server that
// offers none, and MySQL's caching_sha2_password then sends the password in clear. Knowing
// beforehand that the server offers no TLS, the connection is opened without TLS options, and the
// plugin encrypts the password with the server's RSA key instead (or refuses: see
// mysql.get_server_public_key).

#include <chrono>
#include <optional>
#include <string>

namespace etl::mysql {

// true/false from the greeting's capability flags; nullopt when no greeting could be read within
// `timeout` (unreachable, not a MySQL server): the caller connects as usual and reports that.
std::optional<bool> server_offers_tls(const std::string& host, int port,
                                      std::chrono::milliseconds timeout);

}  // namespace etl::mysql
