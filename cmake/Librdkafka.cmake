# The librdkafka walmart-etl links, as the target etl_rdkafka.
#
# Default: the static librdkafka 2.8.0 that scripts/build-librdkafka.sh builds from Debian 13's
# source package into .local/librdkafka (configure runs the script; it does nothing when the build
# is present). The binary then depends on no librdkafka.so, only on Debian 12's shared libraries
# (OpenSSL, libsasl2, zstd, lz4, zlib, curl).
#
# -DETL_SYSTEM_LIBRDKAFKA=ON: the system's librdkafka through pkg-config instead, accepted only from
# 2.6.1 on: older clients repeat the client nonce in the SCRAM client-final message, which Kafka
# 4.0 and later refuse, so no SCRAM login would work (Debian 12's 2.0.2 is such a client).
option(ETL_SYSTEM_LIBRDKAFKA
  "Link the system librdkafka (pkg-config rdkafka, >= 2.6.1) instead of building Debian 13's 2.8.0 into .local/" OFF)
set(ETL_LIBRDKAFKA_MIN_VERSION 2.6.1)

if(ETL_SYSTEM_LIBRDKAFKA)
  pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET GLOBAL rdkafka)
  if(RDKAFKA_VERSION VERSION_LESS ETL_LIBRDKAFKA_MIN_VERSION)
    message(FATAL_ERROR
      "ETL_SYSTEM_LIBRDKAFKA=ON found librdkafka ${RDKAFKA_VERSION}; walmart-etl needs "
      "${ETL_LIBRDKAFKA_MIN_VERSION} or later: before 2.6.1 librdkafka repeats the client nonce in "
      "the SCRAM client-final message and Kafka 4.0+ refuses every SCRAM login. Drop "
      "-DETL_SYSTEM_LIBRDKAFKA=ON to build the pinned 2.8.0 (scripts/build-librdkafka.sh).")
  endif()
  add_library(etl_rdkafka INTERFACE)
  target_link_libraries(etl_rdkafka INTERFACE PkgConfig::RDKAFKA)
  set(ETL_RDKAFKA_DESCRIPTION "system librdkafka ${RDKAFKA_VERSION}")
else()
  execute_process(COMMAND ${PROJECT_SOURCE_DIR}/scripts/build-librdkafka.sh --print-prefix
    OUTPUT_VARIABLE prefix OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  execute_process(COMMAND ${PROJECT_SOURCE_DIR}/scripts/build-librdkafka.sh RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "scripts/build-librdkafka.sh failed (its message is above); "
      "-DETL_SYSTEM_LIBRDKAFKA=ON uses a system librdkafka >= ${ETL_LIBRDKAFKA_MIN_VERSION} instead")
  endif()
  # The libraries librdkafka.a needs, from the pkg-config file the script wrote (its Requires and
  # Libs), so this list is kept in one place.
  set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --libs rdkafka
    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config cannot read ${prefix}/lib/pkgconfig/rdkafka.pc")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  list(FILTER flags EXCLUDE REGEX "^-L|^-lrdkafka$")
  add_library(etl_rdkafka STATIC IMPORTED GLOBAL)
  set_target_properties(etl_rdkafka PROPERTIES
    IMPORTED_LOCATION "${prefix}/lib/librdkafka.a"
    INTERFACE_INCLUDE_DIRECTORIES "${prefix}/include"
    INTERFACE_LINK_LIBRARIES "${flags}")
  # A removed or rebuilt library makes the next build configure (and so rebuild it) again.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${prefix}/BUILT-FROM")
  file(READ "${prefix}/BUILT-FROM" built_from)
  string(STRIP "${built_from}" built_from)
  set(ETL_RDKAFKA_DESCRIPTION "${built_from}, static")
endif()
message(STATUS "librdkafka: ${ETL_RDKAFKA_DESCRIPTION}")
