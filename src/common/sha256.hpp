#pragma once
// SHA-256 digests as 64 lowercase hex digits. sha256_hex gives the same text MySQL's and
// MariaDB's SHA2(x, 256) returns, so a stored digest can be checked or computed in SQL;
// hmac_sha256_hex is the keyed form (RFC 2104), the hash of the `hash` privacy policy.

#include <string>
#include <string_view>

namespace etl {

std::string sha256_hex(std::string_view bytes);

std::string hmac_sha256_hex(std::string_view key, std::string_view value);

}  // namespace etl
