#include "mysql/recon_fetch_store.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace etl::mysql {

ReconFetchStore::ReconFetchStore(Connection& conn) : conn_(conn), dialect_(detect_dialect(conn)) {
  const auto rows = conn_.query(
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
      "TABLE_NAME = 'etl_recon_fetch'");
  if (rows.empty() || rows[0].at(0).value_or("0") == "0") {
    throw EtlError(ErrorClass::fatal, ErrorOrigin::mysql, 1146,
                   fmt::format("table etl_recon_fetch does not exist on {}: run `walmart-etl "
                               "init-db` first",
                               conn_.describe()));
  }
}

std::optional<int64_t> ReconFetchStore::last_download_ms(const std::string& account,
                                                         const std::string& report_date) {
  const auto rows =
      conn_.query(fmt::format("SELECT last_download_ms FROM etl_recon_fetch WHERE account = {} AND "
                              "report_date = {}",
                              conn_.quote(account), conn_.quote(report_date)));
  if (rows.empty() || !rows[0].at(0)) return std::nullopt;
  return std::stoll(*rows[0][0]);
}

void ReconFetchStore::record_download(const std::string& account, const std::string& report_date,
                                      int64_t at_ms) {
  // updated_at is set first, while last_download_ms still holds the stored value.
  const ServerDialect& d = dialect_;
  conn_.execute(fmt::format(
      "INSERT INTO etl_recon_fetch (account, report_date, last_download_ms, updated_at) VALUES "
      "({0}, {1}, {2}, UTC_TIMESTAMP()){3} ON DUPLICATE KEY UPDATE updated_at = IF({4} > "
      "etl_recon_fetch.last_download_ms, {5}, etl_recon_fetch.updated_at), last_download_ms = "
      "GREATEST(etl_recon_fetch.last_download_ms, {4})",
      conn_.quote(account), conn_.quote(report_date), at_ms, d.after_values(),
      d.inserted("last_download_ms"), d.inserted("updated_at")));
}

std::vector<std::string> ReconFetchStore::fetched_dates(const std::string& account) {
  std::vector<std::string> out;
  for (const auto& row : conn_.query(fmt::format(
           "SELECT report_date FROM etl_recon_fetch WHERE account = {} ORDER BY report_date",
           conn_.quote(account)))) {
    if (row.at(0)) out.push_back(*row[0]);
  }
  return out;
}

}  // namespace etl::mysql
