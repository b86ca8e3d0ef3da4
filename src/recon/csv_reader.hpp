#pragma once
// A CSV reader for the reconciliation report (RFC 4180, plus what real files do): fields
// separated by ',', records ended by CRLF, LF or a lone CR; a field in double quotes may hold
// ',', line breaks and '""' (one quote); a UTF-8 byte order mark before the first field is
// skipped. A quote inside an unquoted field is kept as a character (`12" ruler`: files written
// without quoting rules exist, and reading the quote literally loses nothing); text after a
// closing quote other than a separator (`"ab"c`) is an error, since no reading of it is safe.
//
// Pure and bounded: it reads from memory, and a field longer than kMaxFieldBytes or a record
// with more than kMaxFields fields is an error rather than an unbounded allocation.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::recon {

class CsvReader {
 public:
  static constexpr size_t kMaxFieldBytes = size_t{1} << 20;
  static constexpr size_t kMaxFields = 4096;

  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields` (replacing its content). False at the end of the text or
  // on an error (then error() is set and every later call returns false). A blank line is a
  // record with one empty field.
  bool next(std::vector<std::string>& fields);

  // The 1-based physical line the last record returned (or the failed one) started on.
  [[nodiscard]] size_t line() const noexcept { return record_line_; }
  [[nodiscard]] const std::optional<std::string>& error() const noexcept { return error_; }

 private:
  bool fail(std::string message);
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;  // the line pos_ is on
  size_t record_line_ = 0;
  std::optional<std::string> error_;
};

}  // namespace etl::recon
