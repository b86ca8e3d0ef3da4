#pragma once
// Where the HMAC key of the `hash` field policy comes from (config.hpp, PrivacyConfig): at most
// one of privacy.hash_secret (the file, WALMART_ETL_PRIVACY__HASH_SECRET, --set),
// privacy.hash_secret_env (the name of an environment variable holding it) or
// privacy.hash_secret_file (a file holding it; relative: under $CREDENTIALS_DIRECTORY, so systemd
// credentials and mounted Kubernetes secrets work). Unlike an account's credentials it is read when
// the configuration is loaded: every command that writes orders needs it, and check-config then
// proves it is there.

#include "config/config.hpp"

namespace etl::config {

// The fewest bytes a hash key may have: 256 bits, the size of the HMAC-SHA-256 output (e.g.
// `openssl rand -hex 32`, 64 characters, or 32 raw bytes).
inline constexpr size_t kMinHashKeyBytes = 32;

// Sets p.resolved_key from hash_secret, hash_secret_env or hash_secret_file. Throws ConfigError
// naming the key (never the value) when the key is given more than one way, when a variable or file
// is unset, empty or unreadable, when the key is shorter than kMinHashKeyBytes, or when a policy is
// `hash` and no key is given at all - never a silent `keep`.
void resolve_hash_secret(PrivacyConfig& p);

// True when any field's policy is `hash`.
[[nodiscard]] bool any_hash_policy(const PrivacyConfig& p) noexcept;

}  // namespace etl::config
