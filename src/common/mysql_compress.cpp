#include "common/mysql_compress.hpp"

#include <zlib.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace etl {

namespace {
// Level 1: JSON still shrinks about 6-8x, at a fraction of the CPU of the default level.
constexpr int kLevel = Z_BEST_SPEED;
}  // namespace

std::string mysql_compress(std::string_view data) {
  if (data.empty()) return {};
  if (data.size() >= std::numeric_limits<uint32_t>::max()) {
    throw std::length_error("mysql_compress: input of 4 GiB or more");
  }
  uLongf bound = compressBound(static_cast<uLong>(data.size()));
  std::string out(4 + bound, '\0');
  const auto n = static_cast<uint32_t>(data.size());
  out[0] = static_cast<char>(n & 0xff);
  out[1] = static_cast<char>((n >> 8) & 0xff);
  out[2] = static_cast<char>((n >> 16) & 0xff);
  out[3] = static_cast<char>((n >> 24) & 0xff);
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data() + 4), &bound,
                           reinterpret_cast<const Bytef*>(data.data()),
                           static_cast<uLong>(data.size()), kLevel);
  if (rc != Z_OK) throw std::runtime_error("mysql_compress: zlib compress2 failed");
  out.resize(4 + bound);
  return out;
}

std::string mysql_uncompress(std::string_view packed) {
  if (packed.empty()) return {};
  if (packed.size() < 5)
    throw std::runtime_error("mysql_uncompress: shorter than a length and a zlib stream");
  const auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(packed[i]));
  };
  const uint32_t n = byte(0) | (byte(1) << 8) | (byte(2) << 16) | (byte(3) << 24);
  std::string out(n, '\0');
  uLongf size = n;
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                            reinterpret_cast<const Bytef*>(packed.data() + 4),
                            static_cast<uLong>(packed.size() - 4));
  if (rc != Z_OK || size != n) throw std::runtime_error("mysql_uncompress: not a COMPRESS() value");
  return out;
}

}  // namespace etl
