# etl_add_test(NAME <name> LABEL <unit|integration|e2e|fuzz> SOURCES <...> LIBS <...> [TIMEOUT <s>]
#               [NEEDS_BINARY])
# NEEDS_BINARY: the test runs the walmart-etl executable (path in the ETL_BINARY_PATH macro).
# One labelled ctest executable per call. Integration and e2e tests get the environment that
# scripts/test.sh exports (ETL_TEST_MYSQL_HOST/PORT/USER/PASSWORD; see tests/support/test_env.hpp).
function(etl_add_test)
  cmake_parse_arguments(T "NEEDS_BINARY" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${T_NAME} PRIVATE
    ETL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ETL_BINARY_PATH="$<TARGET_FILE:walmart-etl>")
  if(T_NEEDS_BINARY)
    add_dependencies(${T_NAME} walmart-etl)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABEL}" TIMEOUT ${T_TIMEOUT}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()
