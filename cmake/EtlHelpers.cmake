# etl_add_test(NAME <name> LABEL <unit|integration|e2e|fuzz> SOURCES <...> LIBS <...> [TIMEOUT <s>]
#               [NEEDS_BINARY] [SERVERS <mariadb|mysql>...])
# NEEDS_BINARY: the test runs the walmart-etl executable (path in the ETL_BINARY_PATH macro).
# One labelled ctest executable per call. Integration and e2e tests get the environment that
# scripts/test.sh exports (ETL_TEST_MYSQL_HOST/PORT/USER/PASSWORD/SSL_CA: the database server under
# test; see tests/support/test_env.hpp).
# SERVERS: the test talks to a database. It is registered once per server, as <name>_<server>,
# labelled with its tier and the server, with ETL_TEST_SERVER=<server> in its environment (the
# test checks that ETL_TEST_MYSQL_* point at that kind of server). scripts/test.sh runs `-L mariadb`
# and `-L mysql` each with that server's ETL_TEST_MYSQL_*.
set(ETL_DB_SERVERS mariadb mysql)
function(etl_add_test)
  cmake_parse_arguments(T "NEEDS_BINARY" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS;SERVERS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${T_NAME} PRIVATE
    ETL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ETL_BINARY_PATH="$<TARGET_FILE:walmart-etl>")
  if(T_NEEDS_BINARY)
    add_dependencies(${T_NAME} walmart-etl)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  if(NOT T_SERVERS)
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    return()
  endif()
  foreach(server ${T_SERVERS})
    if(NOT server IN_LIST ETL_DB_SERVERS)
      message(FATAL_ERROR "etl_add_test(${T_NAME}): unknown server '${server}' (${ETL_DB_SERVERS})")
    endif()
    add_test(NAME ${T_NAME}_${server} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME}_${server} PROPERTIES LABELS "${T_LABEL};${server}"
      TIMEOUT ${T_TIMEOUT} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      ENVIRONMENT "ETL_TEST_SERVER=${server}")
  endforeach()
endfunction()
