#pragma once
// Column-major storage of prepared-statement parameters for many rows, bound two ways:
//  - bind_array():  MariaDB bulk array binding (STMT_ATTR_ARRAY_SIZE), one MYSQL_BIND per column
//                   pointing at that column's arrays;
//  - bind_rows():   one MYSQL_BIND per (row, column) for a multi-row `INSERT ... VALUES
//  (...),(...)`.
// Both read the same storage, so the two write paths send identical values.
//
// Values are always bound, never formatted into SQL. Text parameters are views: the caller keeps
// the viewed bytes alive until the statement has executed. DECIMAL(10,2) cents and UTC instants
// are formatted here ("123.45", "2024-05-01 14:23:11") into storage owned by the table.

#include <mysql.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etl::mysql {

enum class ParamType : uint8_t {
  int64,     // BIGINT
  int32,     // INT
  text,      // VARCHAR/TEXT/BLOB (bytes as given)
  cents,     // DECIMAL(10,2) from hundredths
  datetime,  // DATETIME/TIMESTAMP from epoch seconds (the session is UTC)
};

class ParamTable {
 public:
  explicit ParamTable(const std::vector<ParamType>& types);

  void clear() noexcept;
  void reserve(size_t rows);
  [[nodiscard]] size_t rows() const noexcept { return rows_; }
  [[nodiscard]] size_t columns() const noexcept { return cols_.size(); }

  // Starts a new row; then set every column of it with the setters below (in any order).
  // Columns not set stay NULL.
  void add_row();
  void set_int64(size_t col, std::optional<int64_t> v) noexcept;
  void set_int32(size_t col, std::optional<int32_t> v) noexcept;
  void set_text(size_t col, std::optional<std::string_view> v) noexcept;
  void set_cents(size_t col, std::optional<int64_t> cents) noexcept;
  void set_datetime(size_t col, std::optional<int64_t> epoch_seconds) noexcept;

  // Approximate bytes one row takes on the wire (to keep a statement under max_allowed_packet).
  [[nodiscard]] size_t wire_bytes(size_t row) const noexcept;

  // Appends row `row` in LOAD DATA's default text format (tab-separated, backslash escapes, \N for
  // NULL, '\n' at the end): the same values the statements bind. Used to measure the server's
  // LOAD DATA ceiling with identical rows.
  void append_load_data_row(size_t row, std::string& out) const;

  // Fills `binds` (size columns()) for bulk execution of rows [first, first + n): each bind points
  // at the column's arrays from `first`. The caller sets STMT_ATTR_ARRAY_SIZE = n.
  void bind_array(std::vector<MYSQL_BIND>& binds, size_t first);
  // Fills `binds` (size n * columns()) for a multi-row statement over rows [first, first + n).
  void bind_rows(std::vector<MYSQL_BIND>& binds, size_t first, size_t n);

 private:
  struct Column {
    ParamType type;
    std::vector<int64_t> i64;
    std::vector<int32_t> i32;
    std::vector<const char*> ptr;  // text (and formatted cents/datetime, see finish_text)
    std::vector<unsigned long> len;
    std::vector<std::array<char, 24>> formatted;  // cents / datetime text
    std::vector<char> null;  // STMT_INDICATOR_NULL (1) or STMT_INDICATOR_NONE (0);
                             // also a valid my_bool is_null array
  };
  // Points ptr[] at formatted[] for the cents/datetime columns (formatted may have moved).
  void finish_text();

  std::vector<Column> cols_;
  size_t rows_ = 0;
  bool text_ready_ = true;
};

}  // namespace etl::mysql
