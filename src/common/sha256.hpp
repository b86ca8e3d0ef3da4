#pragma once
// SHA-256 of a byte string as 64 lowercase hex digits: the same text MySQL's and MariaDB's
// SHA2(x, 256) returns, so a stored digest can be checked or computed in SQL.

#include <string>
#include <string_view>

namespace etl {

std::string sha256_hex(std::string_view bytes);

}  // namespace etl
