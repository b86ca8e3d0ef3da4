#include "config/privacy_key.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace etl::config {

namespace {

std::filesystem::path credential_path(const std::string& file) {
  std::filesystem::path p(file);
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (p.is_relative() && dir != nullptr && *dir != '\0') return std::filesystem::path(dir) / p;
  return p;
}

std::string read_key_file(const std::string& file) {
  const auto path = credential_path(file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError("privacy.hash_secret_file: cannot read " + path.string() + " (" +
                      std::strerror(errno) + ")");
  }
  std::string v{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // A file written by `echo` or an editor ends with a line end that is not part of the key.
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  if (v.empty()) throw ConfigError("privacy.hash_secret_file: " + path.string() + " is empty");
  return v;
}

}  // namespace

bool any_hash_policy(const PrivacyConfig& p) noexcept {
  for (const FieldPolicy f : {p.customer_email_id, p.phone, p.recipient_name, p.address1,
                              p.address2, p.city, p.postal_code, p.pickup_persons}) {
    if (f == FieldPolicy::hash) return true;
  }
  return false;
}

void resolve_hash_secret(PrivacyConfig& p) {
  const int ways = int{!p.hash_secret.empty()} + int{!p.hash_secret_env.empty()} +
                   int{!p.hash_secret_file.empty()};
  if (ways > 1) {
    throw ConfigError(
        "privacy.hash_secret: given more than one way (hash_secret, hash_secret_env, "
        "hash_secret_file); keep "
        "one");
  }
  if (!p.hash_secret_env.empty()) {
    const char* v = std::getenv(p.hash_secret_env.c_str());
    if (v == nullptr || *v == '\0') {
      throw ConfigError("privacy.hash_secret_env: environment variable " + p.hash_secret_env +
                        " is " + (v == nullptr ? "not set" : "empty"));
    }
    p.resolved_key = v;
  } else if (!p.hash_secret_file.empty()) {
    p.resolved_key = read_key_file(p.hash_secret_file);
  } else {
    p.resolved_key = p.hash_secret;
  }
  if (p.resolved_key.empty()) {
    if (any_hash_policy(p)) {
      throw ConfigError(
          "privacy.hash_secret: a field's policy is hash, but no key is given "
          "(privacy.hash_secret, "
          "WALMART_ETL_PRIVACY__HASH_SECRET, privacy.hash_secret_env or privacy.hash_secret_file)");
    }
    return;
  }
  if (p.resolved_key.size() < kMinHashKeyBytes) {
    throw ConfigError("privacy.hash_secret: expected at least " + std::to_string(kMinHashKeyBytes) +
                      " bytes (e.g. `openssl rand -hex 32`), got " +
                      std::to_string(p.resolved_key.size()));
  }
}

}  // namespace etl::config
