# Installation (`cmake --install`, GNUInstallDirs) and the Debian package (CPack: `cmake --build
# build --target package`, or scripts/test-package.sh). What goes where:
#   /usr/bin/walmart-etl
#   /etc/walmart-etl/config.yml, env          configuration files (dpkg conffiles: an upgrade keeps
#                                             edits); env holds the secrets, mode 0600
#   <systemd unit dir>/walmart-etl-*.service  deploy/*.service (DynamicUser=, no system user)
#   /usr/share/walmart-etl/                   the Grafana dashboard, the alert rules, sql/*.sql,
#                                             sql/queries/*.sql (the money queries),
#                                             config.example.yml (every key with its default)
#   /usr/share/man/man1/walmart-etl.1.gz      generated at build time from the commands' --help
#   /usr/share/bash-completion/completions/walmart-etl   the same
#   /usr/share/doc/walmart-etl/               copyright, changelog
# The package's version is the one `walmart-etl --version` prints (read from the built binary
# at build time, cmake/ManPage.cmake).

# A distribution's layout: the prefix /usr, the configuration in /etc/walmart-etl, the units in
# systemd's directory. The units and the documentation name /usr/bin/walmart-etl and
# /etc/walmart-etl, so those stay whatever the prefix; the package is always built for /usr.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(WARNING "CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}: the installed systemd units "
    "start /usr/bin/walmart-etl (the package's path); the Debian package uses /usr anyway")
endif()
include(GNUInstallDirs)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

pkg_get_variable(ETL_SYSTEMD_UNIT_DIR systemd systemdsystemunitdir)
if(NOT ETL_SYSTEMD_UNIT_DIR)
  set(ETL_SYSTEMD_UNIT_DIR /lib/systemd/system)
endif()
set(ETL_CONF_DIR /etc/walmart-etl)
set(ETL_DATA_DIR ${CMAKE_INSTALL_DATADIR}/walmart-etl)
set(ETL_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/walmart-etl)
set(ETL_DOCS_OUT ${PROJECT_BINARY_DIR}/packaging)

# Linked as Debian links its binaries (lintian checks it): relocations read-only after start-up.
target_link_options(walmart-etl PRIVATE LINKER:-z,relro LINKER:-z,now)

set(ETL_PACKAGE_MAINTAINER "walmart-etl maintainers <walmart-etl@example.com>"
  CACHE STRING "Maintainer field of the Debian package")

# The man page, the bash completion and the package's changelog, from the binary's own --help
# and --version, rebuilt whenever the binary is.
find_program(ETL_HELP2MAN help2man)
if(NOT ETL_HELP2MAN)
  message(FATAL_ERROR "help2man is missing (the man page is made from --help at build time): "
    "run scripts/install-deps.sh")
endif()
add_custom_command(
  OUTPUT ${ETL_DOCS_OUT}/walmart-etl.1.gz ${ETL_DOCS_OUT}/walmart-etl.bash-completion
    ${ETL_DOCS_OUT}/changelog.gz ${ETL_DOCS_OUT}/version.txt
  COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:walmart-etl> -DHELP2MAN=${ETL_HELP2MAN}
    -DSRC=${PROJECT_SOURCE_DIR} -DOUT=${ETL_DOCS_OUT}
    "-DMAINTAINER=${ETL_PACKAGE_MAINTAINER}" -P ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
  DEPENDS walmart-etl ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
  COMMENT "man page and bash completion from walmart-etl --help" VERBATIM)
add_custom_target(etl_docs ALL DEPENDS ${ETL_DOCS_OUT}/walmart-etl.1.gz)

# The schema the preinst compares with the installed one's on an upgrade: sql/*.sql in name
# order, as `cat ./*.sql | sha256sum` sees them.
file(GLOB etl_sql_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sql/*.sql)
list(SORT etl_sql_files)
set(etl_sql_text "")
foreach(f IN LISTS etl_sql_files)
  file(READ ${f} text)
  string(APPEND etl_sql_text "${text}")
endforeach()
string(SHA256 ETL_SCHEMA_SHA256 "${etl_sql_text}")
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/preinst.in ${ETL_DOCS_OUT}/debian/preinst
  @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
  WORLD_EXECUTE)

install(TARGETS walmart-etl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/config.production.yml DESTINATION ${ETL_CONF_DIR}
  RENAME config.yml)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/env DESTINATION ${ETL_CONF_DIR}
  PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/walmart-etl-stream.service
  ${PROJECT_SOURCE_DIR}/deploy/walmart-etl-stream-returns.service
  ${PROJECT_SOURCE_DIR}/deploy/walmart-etl-fetch.service
  ${PROJECT_SOURCE_DIR}/deploy/walmart-etl-fetch-shard@.service
  ${PROJECT_SOURCE_DIR}/deploy/walmart-etl-purge.service
  ${PROJECT_SOURCE_DIR}/deploy/walmart-etl-purge.timer
  DESTINATION ${ETL_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/grafana-dashboard.json
  ${PROJECT_SOURCE_DIR}/deploy/prometheus-alerts.yml DESTINATION ${ETL_DATA_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/config/config.yml DESTINATION ${ETL_DATA_DIR}
  RENAME config.example.yml)
install(FILES ${etl_sql_files} DESTINATION ${ETL_DATA_DIR}/sql)
file(GLOB etl_query_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sql/queries/*.sql)
install(FILES ${etl_query_files} DESTINATION ${ETL_DATA_DIR}/sql/queries)
install(FILES ${ETL_DOCS_OUT}/walmart-etl.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ETL_DOCS_OUT}/walmart-etl.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME walmart-etl)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${ETL_DOCS_OUT}/changelog.gz
  DESTINATION ${ETL_DOC_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian-overrides
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME walmart-etl)

# The Debian package: walmart-etl_<version>_<arch>.deb.
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE etl_deb_arch
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME walmart-etl)
set(CPACK_PACKAGE_VENDOR "walmart-etl")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Walmart Marketplace orders into MySQL through Kafka")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "walmart-etl fetches orders from the Walmart Marketplace API (OAuth
client credentials, pagination, throttling) into Kafka, one message per
order, and streams them as a consumer group into MySQL or MariaDB: one row
per order line with every charge and the raw JSON, exactly once. Several
seller accounts share one operational data store.

The package installs the binary, systemd units for the stream and for
fetch --follow (one process, or one shard per machine), a configuration to
start from in /etc/walmart-etl, a Grafana dashboard and Prometheus alert
rules. It enables and starts no service.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ETL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${etl_deb_arch})
# Depends: the shared libraries the binary links, as dpkg-shlibdeps names their packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The production config trusts the system's CA bundle for Kafka's TLS.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)
file(WRITE ${ETL_DOCS_OUT}/debian/conffiles "${ETL_CONF_DIR}/config.yml\n${ETL_CONF_DIR}/env\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${ETL_DOCS_OUT}/debian/conffiles
  ${ETL_DOCS_OUT}/debian/preinst ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
  ${PROJECT_SOURCE_DIR}/packaging/debian/prerm ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The version is known only once the binary is built: cmake/PackageVersion.cmake, run by cpack,
# reads it (and names the file after it).
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(ETL_PACKAGE_VERSION_FILE ${ETL_DOCS_OUT}/version.txt)
set(ETL_PACKAGE_ARCH ${etl_deb_arch})
configure_file(${PROJECT_SOURCE_DIR}/cmake/PackageVersion.cmake.in
  ${ETL_DOCS_OUT}/PackageVersion.cmake @ONLY)
set(CPACK_PROJECT_CONFIG_FILE ${ETL_DOCS_OUT}/PackageVersion.cmake)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/package)
include(CPack)
