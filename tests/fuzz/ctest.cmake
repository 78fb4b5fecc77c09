# Included from tests/CMakeLists.txt: runs every fuzzer for 60 s (tests/fuzz/run.sh) in a
# separate clang build tree. Skipped (exit 77) when clang is missing.
add_test(NAME fuzz.all COMMAND ${CMAKE_CURRENT_LIST_DIR}/run.sh 60)
set_tests_properties(fuzz.all PROPERTIES
  SKIP_RETURN_CODE 77
  TIMEOUT 3600
  RUN_SERIAL TRUE
  LABELS fuzz)
