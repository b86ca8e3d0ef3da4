#include "recon/csv_reader.hpp"

#include <fmt/format.h>

namespace etl::recon {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::fail(std::string message) {
  error_ = fmt::format("CSV line {}: {}", record_line_, message);
  return false;
}

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (error_ || pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::string field;
  // Consumes a record end at pos_ (CRLF, LF or CR); true when there was one.
  const auto take_line_end = [this]() {
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      return true;
    }
    return false;
  };
  for (;;) {
    field.clear();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      for (;;) {
        if (pos_ >= text_.size()) return fail("a quoted field is not closed before the end");
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n' || (c == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n'))) {
          ++line_;
        }
        field += c;
        ++pos_;
        if (field.size() > kMaxFieldBytes) {
          return fail(fmt::format("a field is longer than {} bytes", kMaxFieldBytes));
        }
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
        return fail("text after the closing quote of a field");
      }
    } else {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' &&
             text_[pos_] != '\n') {
        ++pos_;
      }
      if (pos_ - start > kMaxFieldBytes) {
        return fail(fmt::format("a field is longer than {} bytes", kMaxFieldBytes));
      }
      field.assign(text_.substr(start, pos_ - start));
    }
    if (fields.size() == kMaxFields) {
      return fail(fmt::format("a record has more than {} fields", kMaxFields));
    }
    fields.push_back(std::move(field));
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    take_line_end();
    return true;
  }
}

}  // namespace etl::recon
