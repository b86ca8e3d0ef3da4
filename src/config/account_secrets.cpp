#include "config/account_secrets.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace etl::config {

namespace {

struct Credential {
  std::string_view key;  // "client_secret"
  std::string WalmartAccount::*value;
  std::string WalmartAccount::*env;
  std::string WalmartAccount::*file;
};

constexpr Credential kCredentials[] = {
    {"client_id", &WalmartAccount::client_id, &WalmartAccount::client_id_env,
     &WalmartAccount::client_id_file},
    {"client_secret", &WalmartAccount::client_secret, &WalmartAccount::client_secret_env,
     &WalmartAccount::client_secret_file},
    {"token", &WalmartAccount::token, &WalmartAccount::token_env, &WalmartAccount::token_file},
};

std::string where(std::string_view name, std::string_view key) {
  return "walmart_token.accounts." + std::string(name) + "." + std::string(key);
}

bool given(const WalmartAccount& a, const Credential& c) {
  return !(a.*c.value).empty() || !(a.*c.env).empty() || !(a.*c.file).empty();
}

// A relative path is a systemd credential's name when systemd passed a credentials directory.
std::filesystem::path credential_path(const std::string& file) {
  std::filesystem::path p(file);
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (p.is_relative() && dir != nullptr && *dir != '\0') return std::filesystem::path(dir) / p;
  return p;
}

std::string read_credential_file(std::string_view name, const Credential& c,
                                 const std::string& file) {
  const auto path = credential_path(file);
  const std::string key = where(name, std::string(c.key) + "_file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(key + ": cannot read " + path.string() + " (" + std::strerror(errno) + ")");
  }
  std::string v{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  if (v.empty()) throw ConfigError(key + ": " + path.string() + " is empty");
  return v;
}

}  // namespace

void check_account_sources(std::string_view name, const WalmartAccount& account) {
  for (const auto& c : kCredentials) {
    const int ways = int{!(account.*c.value).empty()} + int{!(account.*c.env).empty()} +
                     int{!(account.*c.file).empty()};
    if (ways > 1) {
      throw ConfigError(where(name, c.key) + ": given more than one way (" + std::string(c.key) +
                        ", " + std::string(c.key) + "_env, " + std::string(c.key) +
                        "_file); keep one");
    }
  }
  const bool pair = given(account, kCredentials[0]) && given(account, kCredentials[1]);
  if (!pair && !given(account, kCredentials[2])) {
    throw ConfigError("walmart_token.accounts." + std::string(name) +
                      ": expected client_id and client_secret, or token (base64 of id:secret), "
                      "each given as KEY, KEY_env (an environment variable) or KEY_file");
  }
}

WalmartAccount with_resolved_credentials(std::string_view name, const WalmartAccount& account) {
  WalmartAccount out = account;
  for (const auto& c : kCredentials) {
    if (!(account.*c.env).empty()) {
      const std::string& var = account.*c.env;
      const char* v = std::getenv(var.c_str());
      if (v == nullptr || *v == '\0') {
        throw ConfigError(where(name, std::string(c.key) + "_env") + ": environment variable " +
                          var + " is " + (v == nullptr ? "not set" : "empty"));
      }
      out.*c.value = v;
    } else if (!(account.*c.file).empty()) {
      out.*c.value = read_credential_file(name, c, account.*c.file);
    }
  }
  return out;
}

}  // namespace etl::config
