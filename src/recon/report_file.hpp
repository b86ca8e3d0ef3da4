#pragma once
// A reconciliation report as it is downloaded or saved: a zip holding the CSV (what the API
// serves) or the CSV itself. Detects which, unzips, checks and fingerprints it. Pure.

#include <cstdint>
#include <string>
#include <string_view>

#include "recon/recon_report.hpp"

namespace etl::recon {

// The largest CSV a report may inflate to. A report of every order line of two weeks of a very
// large seller stays far below this; the bound protects memory from a malformed or hostile zip.
inline constexpr uint64_t kMaxReportCsvBytes = uint64_t{1} << 30;

struct CheckedReport {
  bool zipped = false;
  std::string entry_name;   // the CSV's name inside the zip (empty for a plain CSV)
  std::string csv_sha256;   // SHA-256 (hex) of the CSV text: equal for equal content, whatever
                            // zip it came in (a zip's bytes change with its timestamps)
  ReconParseResult parsed;  // the report, or the issue that keeps it from being written
};

CheckedReport check_report_file(std::string_view bytes,
                                uint64_t max_csv_bytes = kMaxReportCsvBytes);

}  // namespace etl::recon
