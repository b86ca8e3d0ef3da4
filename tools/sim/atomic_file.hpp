#pragma once
// Writes a file so that readers never see it half-written: into PATH.tmp.<pid>, then rename().
// Scripts and tests poll for --port-file / --dump files, so this matters.

#include <functional>
#include <ostream>
#include <string>

namespace etl::walmart::sim {

// Throws EtlError(io) with the path and errno text on failure.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& fill);

}  // namespace etl::walmart::sim
