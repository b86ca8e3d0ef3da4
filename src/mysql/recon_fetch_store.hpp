#pragma once
// recon::DownloadLedger in MySQL (sql/etl_recon_fetch.sql): when fetch last downloaded each
// reconciliation report of an account. One per thread, like the connection it uses.

#include <optional>
#include <string>
#include <vector>

#include "mysql/connection.hpp"
#include "mysql/server_dialect.hpp"
#include "recon/download_ledger.hpp"

namespace etl::mysql {

class ReconFetchStore final : public recon::DownloadLedger {
 public:
  // Throws EtlError (fatal) when the table does not exist (init-db has not run).
  explicit ReconFetchStore(Connection& conn);

  // Both throw EtlError (classified) when MySQL fails.
  std::optional<int64_t> last_download_ms(const std::string& account,
                                          const std::string& report_date) override;
  // Moves the time forward only (a late writer never makes a report look older).
  void record_download(const std::string& account, const std::string& report_date,
                       int64_t at_ms) override;

  // Every report date of the account downloaded so far.
  std::vector<std::string> fetched_dates(const std::string& account);

 private:
  Connection& conn_;
  ServerDialect dialect_;
};

}  // namespace etl::mysql
