#pragma once
// Where a seller account's credentials come from. Each of client_id, client_secret and token is
// given at most one way: in the configuration itself (the file, a WALMART_ETL_... variable, --set),
// or by name - KEY_env: the environment variable holding it, KEY_file: the file holding it. The
// names work for every account name (a variable name cannot hold '-', and neither '.' nor
// upper-case letters can be addressed by --set or WALMART_ETL_...), and the file form reads systemd
// credentials (LoadCredential=, a relative path is taken under $CREDENTIALS_DIRECTORY) and
// Kubernetes secrets mounted as files. Values are read when an account is used, so a process that
// never calls the API (stream, load, init-db) does not need them.

#include <string_view>

#include "config/config.hpp"

namespace etl::config {

// Throws ConfigError when a credential of account `name` is given in more than one way, or the
// account has neither client_id + client_secret nor token.
void check_account_sources(std::string_view name, const WalmartAccount& account);

// `account` with client_id, client_secret and token read from their variables and files. Throws
// ConfigError naming the key and the variable or file (never a value) when one is unset, empty
// or unreadable. A file's trailing line ends are not part of the value.
WalmartAccount with_resolved_credentials(std::string_view name, const WalmartAccount& account);

}  // namespace etl::config
