#pragma once
// The product version of this binary, fixed at build time by cmake/BuildVersion.cmake from
// `git describe` (or the project version outside a git checkout).

namespace etl::cli {

[[nodiscard]] const char* build_version() noexcept;

}  // namespace etl::cli
