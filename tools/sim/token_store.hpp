#pragma once
// Access tokens issued by POST /v3/token. A token is an opaque JWE-looking string (like the
// real "eyJ..." ones) valid for the configured TTL of wall time. Thread-safe.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace etl::walmart::sim {

class TokenStore {
 public:
  TokenStore(std::chrono::seconds ttl, uint64_t seed);

  // Issues a new token valid until now_wall_ms + ttl.
  std::string issue(int64_t now_wall_ms);
  // True if the token was issued here and has not expired at now_wall_ms.
  [[nodiscard]] bool valid(const std::string& token, int64_t now_wall_ms) const;
  [[nodiscard]] std::chrono::seconds ttl() const noexcept { return ttl_; }

 private:
  std::chrono::seconds ttl_;
  uint64_t seed_;
  mutable std::mutex mutex_;
  uint64_t issued_ = 0;
  std::unordered_map<std::string, int64_t> expiry_ms_;  // token -> wall ms it expires at
};

}  // namespace etl::walmart::sim
