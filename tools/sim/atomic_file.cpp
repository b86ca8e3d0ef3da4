#include "tools/sim/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/error.hpp"

namespace etl::walmart::sim {

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& fill) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, errno,
                     "cannot create " + tmp + ": " + std::strerror(errno));
    }
    fill(out);
    out.flush();
    if (!out) {
      const int err = errno;
      std::remove(tmp.c_str());
      throw EtlError(ErrorClass::fatal, ErrorOrigin::io, err,
                     "cannot write " + tmp + ": " + std::strerror(err));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw EtlError(ErrorClass::fatal, ErrorOrigin::io, err,
                   "cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
}

}  // namespace etl::walmart::sim
