#pragma once
// The byte format of MySQL's and MariaDB's COMPRESS(): the uncompressed length as 4 bytes, low
// byte first, then a zlib stream of the data; the empty string stays empty. Both servers' built-in
// UNCOMPRESS() reads it back, so a compressed column stays readable in plain SQL.

#include <string>
#include <string_view>

namespace etl {

// Throws std::length_error for inputs of 4 GiB or more (the length field is 32 bits).
std::string mysql_compress(std::string_view data);
// Throws std::runtime_error when `packed` is not in that format.
std::string mysql_uncompress(std::string_view packed);

}  // namespace etl
