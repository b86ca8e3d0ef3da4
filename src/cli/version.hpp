#pragma once
// What `walmart-etl --version` prints: the product version, the librdkafka and MySQL client
// library versions actually linked (asked of the libraries at run time), and the build type.

#include <string>

namespace etl::cli {

[[nodiscard]] std::string version_text();

}  // namespace etl::cli
