# vigie_component(NAME <name> [DIR <dir>] [DEPS <targets...>] [PRIVATE_DEPS <targets...>] [EXTRA_GLOBS <globs>])
# Declares library target vigie_<name> from every .cpp in the component's folder (non-recursive)
# plus any EXTRA_GLOBS relative to it (for private subfolders). Includes are rooted at src/.
function(vigie_component)
  cmake_parse_arguments(C "" "NAME" "DEPS;PRIVATE_DEPS;EXTRA_GLOBS" ${ARGN})
  set(_globs "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  foreach(g IN LISTS C_EXTRA_GLOBS)
    list(APPEND _globs "${CMAKE_CURRENT_SOURCE_DIR}/${g}")
  endforeach()
  file(GLOB _srcs CONFIGURE_DEPENDS ${_globs})
  if(NOT _srcs)
    # A component whose sources are still being written: keep the tree configurable.
    set(_empty ${CMAKE_CURRENT_BINARY_DIR}/vigie_${C_NAME}_empty.cpp)
    file(WRITE ${_empty} "// ${C_NAME}: no sources yet\n")
    set(_srcs ${_empty})
  endif()
  add_library(vigie_${C_NAME} STATIC ${_srcs})
  target_include_directories(vigie_${C_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(vigie_${C_NAME} PUBLIC ${C_DEPS} PRIVATE ${C_PRIVATE_DEPS})
  vigie_warnings(vigie_${C_NAME})
endfunction()

function(vigie_warnings target)
  # -Wno-restrict: g++ 12 reports bogus overlaps in inlined std::string concatenation at -O3
  # (GCC bug 105329); the warning is off rather than the code contorted around it.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-restrict)
  if(VIGIE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# vigie_unit_test(<component> DEPS <targets...>): one gtest binary per tests/unit/<component>,
# built from every .cpp there, each test discovered by ctest.
function(vigie_unit_test component)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  string(REPLACE "/" "_" _name "${component}")
  file(GLOB _srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  if(NOT _srcs)
    return()
  endif()
  add_executable(unit_${_name} ${_srcs})
  target_link_libraries(unit_${_name} PRIVATE ${T_DEPS} vigie_testlib GTest::gmock_main)
  target_compile_definitions(unit_${_name} PRIVATE
    VIGIE_SOURCE_DIR="${PROJECT_SOURCE_DIR}" VIGIE_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/tests/testdata")
  vigie_warnings(unit_${_name})
  include(GoogleTest)
  gtest_discover_tests(unit_${_name} TEST_PREFIX "${component}." DISCOVERY_TIMEOUT 60)
endfunction()
