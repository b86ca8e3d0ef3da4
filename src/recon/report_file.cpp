#include "recon/report_file.hpp"

#include <fmt/format.h>

#include "common/sha256.hpp"
#include "recon/zip_archive.hpp"

namespace etl::recon {

CheckedReport check_report_file(std::string_view bytes, uint64_t max_csv_bytes) {
  CheckedReport out;
  std::string unzipped;
  std::string_view csv = bytes;
  if (looks_like_zip(bytes)) {
    out.zipped = true;
    UnzippedReport u = unzip_report(bytes, max_csv_bytes);
    if (u.error) {
      out.parsed.issue =
          ReconIssue{u.too_large ? ReconProblem::too_large : ReconProblem::unreadable, *u.error,
                     std::nullopt, std::nullopt};
      return out;
    }
    out.entry_name = std::move(u.entry_name);
    unzipped = std::move(u.bytes);
    csv = unzipped;
  } else if (bytes.size() > max_csv_bytes) {
    out.parsed.issue = ReconIssue{ReconProblem::too_large,
                                  fmt::format("the report is larger than {} bytes", max_csv_bytes),
                                  std::nullopt, std::nullopt};
    return out;
  }
  out.csv_sha256 = sha256_hex(csv);
  out.parsed = parse_recon_csv(csv);
  return out;
}

}  // namespace etl::recon
