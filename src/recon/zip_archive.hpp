#pragma once
// The zip files the reconciliation report travels in (libzip, entirely in memory): reading the
// one CSV a report zip holds, and writing one (the simulator serves reports this way, tests
// build them).
//
// Walmart's report zip holds a single CSV. Which entry is the report: the only entry when there
// is one; otherwise the only entry whose name ends in ".csv" (any case). Anything else (no entry,
// several CSVs) is refused, never guessed. The entry is read with libzip's CRC check and at most
// `max_bytes` of it (a zip can declare a small size and inflate to far more: the bound is on what
// is read, not on what the directory says).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace etl::recon {

struct UnzippedReport {
  std::string entry_name;
  std::string bytes;
  std::optional<std::string> error;  // set: the zip cannot be read as a report (why)
  bool too_large = false;            // the error is that the entry inflates beyond the bound
};

UnzippedReport unzip_report(std::string_view zip_bytes, uint64_t max_bytes);

// True when the bytes start like a zip file (a local file header "PK\3\4", or the end record of
// an empty zip "PK\5\6").
bool looks_like_zip(std::string_view bytes) noexcept;

// A zip holding one entry `entry_name` with `content` (deflated). Throws EtlError (internal) if
// libzip fails, which only a lack of memory can make it do.
std::string make_report_zip(std::string_view entry_name, std::string_view content);

}  // namespace etl::recon
