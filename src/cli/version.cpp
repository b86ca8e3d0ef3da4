#include "cli/version.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <mariadb_version.h>
#include <mysql.h>

#include <string>

#include "cli/build_version.hpp"

#ifndef ETL_BUILD_TYPE
#define ETL_BUILD_TYPE "unspecified"
#endif

namespace etl::cli {

std::string version_text() {
  // rd_kafka_version_str() and mysql_get_client_info() report the code that runs, which for a
  // shared library can differ from the headers this file was compiled with (then both are said).
  const std::string mysql_runtime = mysql_get_client_info();
  const std::string mysql_built = MARIADB_PACKAGE_VERSION;
  return fmt::format(
      "walmart-etl {}\n"
      "librdkafka {}\n"
      "MySQL client library: MariaDB Connector/C {}{}\n"
      "build type: {}",
      build_version(), rd_kafka_version_str(), mysql_runtime,
      mysql_runtime == mysql_built ? "" : " (built with " + mysql_built + ")", ETL_BUILD_TYPE);
}

}  // namespace etl::cli
