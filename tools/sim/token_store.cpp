#include "tools/sim/token_store.hpp"

#include <random>

#include "tools/sim/rng.hpp"

namespace etl::walmart::sim {
namespace {

constexpr uint64_t kDomainToken = 30;
// base64url of {"kid":"walmart-sim","enc":"A256GCM","alg":"dir"}
constexpr const char* kJweHeader =
    "eyJraWQiOiJ3YWxtYXJ0LXNpbSIsImVuYyI6IkEyNTZHQ00iLCJhbGciOiJkaXIifQ";

void append_b64url(std::string& out, uint64_t a, uint64_t b) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int i = 0; i < 10; ++i) out.push_back(kAlphabet[(a >> (6 * i)) & 63]);
  for (int i = 0; i < 10; ++i) out.push_back(kAlphabet[(b >> (6 * i)) & 63]);
}

}  // namespace

TokenStore::TokenStore(std::chrono::seconds ttl, uint64_t seed)
    : ttl_(ttl), seed_(seed ^ std::random_device{}()) {}

std::string TokenStore::issue(int64_t now_wall_ms) {
  std::lock_guard lock(mutex_);
  const uint64_t n = issued_++;
  std::string token = kJweHeader;
  token += "..";
  append_b64url(token, stream_key(seed_, kDomainToken, 4 * n),
                stream_key(seed_, kDomainToken, 4 * n + 1));
  token += '.';
  append_b64url(token, stream_key(seed_, kDomainToken, 4 * n + 2), n);
  token += '.';
  append_b64url(token, stream_key(seed_, kDomainToken, 4 * n + 3),
                static_cast<uint64_t>(now_wall_ms));
  // Bounded memory: forget expired tokens now and then.
  if (expiry_ms_.size() > 1024) {
    std::erase_if(expiry_ms_, [&](const auto& kv) { return kv.second <= now_wall_ms; });
  }
  expiry_ms_[token] = now_wall_ms + ttl_.count() * 1000;
  return token;
}

bool TokenStore::valid(const std::string& token, int64_t now_wall_ms) const {
  std::lock_guard lock(mutex_);
  const auto it = expiry_ms_.find(token);
  return it != expiry_ms_.end() && now_wall_ms < it->second;
}

}  // namespace etl::walmart::sim
