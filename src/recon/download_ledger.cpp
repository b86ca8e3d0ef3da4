#include "recon/download_ledger.hpp"

namespace etl::recon {

std::optional<int64_t> MemoryDownloadLedger::last_download_ms(const std::string& account,
                                                              const std::string& report_date) {
  const std::lock_guard lock(mutex_);
  const auto it = last_.find({account, report_date});
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

void MemoryDownloadLedger::record_download(const std::string& account,
                                           const std::string& report_date, int64_t at_ms) {
  const std::lock_guard lock(mutex_);
  last_[{account, report_date}] = at_ms;
}

std::optional<int64_t> download_deferred_until(std::optional<int64_t> last_ms,
                                               int64_t now_ms) noexcept {
  if (!last_ms) return std::nullopt;
  const int64_t allowed = *last_ms + kMinDownloadIntervalMs;
  if (now_ms >= allowed) return std::nullopt;
  return allowed;
}

}  // namespace etl::recon
