#pragma once
// When each report of an account was last downloaded, and the rule it serves: Walmart regenerates
// reconciliation reports periodically and asks clients not to download a report more often than
// once every two hours. The client (walmart/recon_client.hpp) asks a ledger before it sends a
// download and records each one; fetch keeps the ledger in MySQL (mysql/recon_fetch_store.hpp), so
// the rule holds across runs and processes, and it also tells which report dates were fetched.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace etl::recon {

inline constexpr int64_t kMinDownloadIntervalMs = int64_t{2} * 3'600'000;

class DownloadLedger {
 public:
  DownloadLedger() = default;
  virtual ~DownloadLedger() = default;
  DownloadLedger(const DownloadLedger&) = delete;
  DownloadLedger& operator=(const DownloadLedger&) = delete;
  DownloadLedger(DownloadLedger&&) = delete;
  DownloadLedger& operator=(DownloadLedger&&) = delete;

  // Epoch milliseconds of the last download of (account, report date as the API names it).
  virtual std::optional<int64_t> last_download_ms(const std::string& account,
                                                  const std::string& report_date) = 0;
  virtual void record_download(const std::string& account, const std::string& report_date,
                               int64_t at_ms) = 0;
};

// A ledger that lives as long as the process (tests, a single run).
class MemoryDownloadLedger final : public DownloadLedger {
 public:
  std::optional<int64_t> last_download_ms(const std::string& account,
                                          const std::string& report_date) override;
  void record_download(const std::string& account, const std::string& report_date,
                       int64_t at_ms) override;

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, int64_t> last_;
};

// When a report last downloaded at `last_ms` may be downloaded again; nullopt: now.
std::optional<int64_t> download_deferred_until(std::optional<int64_t> last_ms,
                                               int64_t now_ms) noexcept;

}  // namespace etl::recon
