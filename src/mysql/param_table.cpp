#include "mysql/param_table.hpp"

#include <cstring>

#include "common/utc_time.hpp"

namespace etl::mysql {

namespace {

constexpr char kNone = 0;  // STMT_INDICATOR_NONE, my_bool false
constexpr char kNull = 1;  // STMT_INDICATOR_NULL, my_bool true
static_assert(STMT_INDICATOR_NONE == kNone && STMT_INDICATOR_NULL == kNull);

// "-12345678.90": exact, from hundredths.
unsigned long format_cents(int64_t cents, char* out) noexcept {
  char tmp[24];
  const bool neg = cents < 0;
  // Work in unsigned to handle INT64_MIN without overflow.
  uint64_t v = neg ? (~static_cast<uint64_t>(cents) + 1) : static_cast<uint64_t>(cents);
  int n = 0;
  const unsigned frac = static_cast<unsigned>(v % 100);
  v /= 100;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  unsigned long pos = 0;
  if (neg) out[pos++] = '-';
  while (n > 0) out[pos++] = tmp[--n];
  out[pos++] = '.';
  out[pos++] = static_cast<char>('0' + frac / 10);
  out[pos++] = static_cast<char>('0' + frac % 10);
  return pos;
}

enum_field_types field_type(ParamType t) noexcept {
  switch (t) {
    case ParamType::int64:
      return MYSQL_TYPE_LONGLONG;
    case ParamType::int32:
      return MYSQL_TYPE_LONG;
    case ParamType::text:
      return MYSQL_TYPE_STRING;
    case ParamType::cents:
      return MYSQL_TYPE_NEWDECIMAL;
    case ParamType::datetime:
      return MYSQL_TYPE_STRING;
  }
  return MYSQL_TYPE_STRING;
}

}  // namespace

ParamTable::ParamTable(const std::vector<ParamType>& types) {
  cols_.reserve(types.size());
  for (ParamType t : types) cols_.push_back(Column{t, {}, {}, {}, {}, {}, {}});
}

void ParamTable::clear() noexcept {
  for (auto& c : cols_) {
    c.i64.clear();
    c.i32.clear();
    c.ptr.clear();
    c.len.clear();
    c.formatted.clear();
    c.null.clear();
  }
  rows_ = 0;
  text_ready_ = true;
}

void ParamTable::reserve(size_t rows) {
  for (auto& c : cols_) {
    c.null.reserve(rows);
    switch (c.type) {
      case ParamType::int64:
        c.i64.reserve(rows);
        break;
      case ParamType::int32:
        c.i32.reserve(rows);
        break;
      case ParamType::cents:
      case ParamType::datetime:
        c.formatted.reserve(rows);
        [[fallthrough]];
      case ParamType::text:
        c.ptr.reserve(rows);
        c.len.reserve(rows);
        break;
    }
  }
}

void ParamTable::add_row() {
  for (auto& c : cols_) {
    c.null.push_back(kNull);
    switch (c.type) {
      case ParamType::int64:
        c.i64.push_back(0);
        break;
      case ParamType::int32:
        c.i32.push_back(0);
        break;
      case ParamType::cents:
      case ParamType::datetime:
        c.formatted.emplace_back();
        [[fallthrough]];
      case ParamType::text:
        c.ptr.push_back("");
        c.len.push_back(0);
        break;
    }
  }
  ++rows_;
  text_ready_ = false;
}

void ParamTable::set_int64(size_t col, std::optional<int64_t> v) noexcept {
  Column& c = cols_[col];
  if (!v) return;
  c.i64.back() = *v;
  c.null.back() = kNone;
}

void ParamTable::set_int32(size_t col, std::optional<int32_t> v) noexcept {
  Column& c = cols_[col];
  if (!v) return;
  c.i32.back() = *v;
  c.null.back() = kNone;
}

void ParamTable::set_text(size_t col, std::optional<std::string_view> v) noexcept {
  Column& c = cols_[col];
  if (!v) return;
  c.ptr.back() = v->data() != nullptr ? v->data() : "";
  c.len.back() = static_cast<unsigned long>(v->size());
  c.null.back() = kNone;
}

void ParamTable::set_cents(size_t col, std::optional<int64_t> cents) noexcept {
  Column& c = cols_[col];
  if (!cents) return;
  c.len.back() = format_cents(*cents, c.formatted.back().data());
  c.null.back() = kNone;
}

void ParamTable::set_datetime(size_t col, std::optional<int64_t> epoch_seconds) noexcept {
  Column& c = cols_[col];
  if (!epoch_seconds) return;
  // The mapping only produces instants inside the column's range. A year outside 0..9999 has no
  // DATETIME text: it is sent as text the server rejects (a row-level error, so the order goes to
  // the dead letter) rather than silently as NULL.
  if (!format_sql_datetime(*epoch_seconds, c.formatted.back().data())) {
    std::memcpy(c.formatted.back().data(), "out-of-range", 12);
    c.len.back() = 12;
  } else {
    c.len.back() = 19;
  }
  c.null.back() = kNone;
}

size_t ParamTable::wire_bytes(size_t row) const noexcept {
  size_t n = 0;
  for (const auto& c : cols_) {
    n += 1;  // indicator / null bitmap
    if (c.null[row] == kNull) continue;
    switch (c.type) {
      case ParamType::int64:
        n += 8;
        break;
      case ParamType::int32:
        n += 4;
        break;
      default:
        n += c.len[row] + 9;
        break;
    }
  }
  return n;
}

void ParamTable::append_load_data_row(size_t row, std::string& out) const {
  for (size_t i = 0; i < cols_.size(); ++i) {
    const Column& c = cols_[i];
    if (i != 0) out += '\t';
    if (c.null[row] == kNull) {
      out += "\\N";
      continue;
    }
    switch (c.type) {
      case ParamType::int64:
        out += std::to_string(c.i64[row]);
        break;
      case ParamType::int32:
        out += std::to_string(c.i32[row]);
        break;
      case ParamType::cents:
      case ParamType::datetime:
        out.append(c.formatted[row].data(), c.len[row]);
        break;
      case ParamType::text:
        for (size_t k = 0; k < c.len[row]; ++k) {
          const char ch = c.ptr[row][k];
          switch (ch) {
            case '\t':
              out += "\\t";
              break;
            case '\n':
              out += "\\n";
              break;
            case '\r':
              out += "\\r";
              break;
            case '\\':
              out += "\\\\";
              break;
            case '\0':
              out += "\\0";
              break;
            default:
              out += ch;
              break;
          }
        }
        break;
    }
  }
  out += '\n';
}

void ParamTable::finish_text() {
  if (text_ready_) return;
  for (auto& c : cols_) {
    if (c.type != ParamType::cents && c.type != ParamType::datetime) continue;
    for (size_t r = 0; r < rows_; ++r) c.ptr[r] = c.formatted[r].data();
  }
  text_ready_ = true;
}

void ParamTable::bind_array(std::vector<MYSQL_BIND>& binds, size_t first) {
  finish_text();
  binds.assign(cols_.size(), MYSQL_BIND{});
  for (size_t i = 0; i < cols_.size(); ++i) {
    Column& c = cols_[i];
    MYSQL_BIND& b = binds[i];
    b.buffer_type = field_type(c.type);
    b.u.indicator = c.null.data() + first;
    switch (c.type) {
      case ParamType::int64:
        b.buffer = c.i64.data() + first;
        break;
      case ParamType::int32:
        b.buffer = c.i32.data() + first;
        break;
      default:
        // Variable-length types: an array of pointers, with a parallel array of lengths.
        b.buffer = c.ptr.data() + first;
        b.length = c.len.data() + first;
        break;
    }
  }
}

void ParamTable::bind_rows(std::vector<MYSQL_BIND>& binds, size_t first, size_t n) {
  finish_text();
  const size_t cols = cols_.size();
  binds.assign(n * cols, MYSQL_BIND{});
  for (size_t r = 0; r < n; ++r) {
    const size_t row = first + r;
    for (size_t i = 0; i < cols; ++i) {
      Column& c = cols_[i];
      MYSQL_BIND& b = binds[r * cols + i];
      b.buffer_type = field_type(c.type);
      b.is_null = reinterpret_cast<my_bool*>(&c.null[row]);
      switch (c.type) {
        case ParamType::int64:
          b.buffer = &c.i64[row];
          break;
        case ParamType::int32:
          b.buffer = &c.i32[row];
          break;
        default:
          b.buffer = const_cast<char*>(c.ptr[row]);
          b.buffer_length = c.len[row];
          b.length = &c.len[row];
          break;
      }
    }
  }
}

}  // namespace etl::mysql
