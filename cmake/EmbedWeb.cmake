# Bundles web/ with esbuild at build time and embeds the result in the binary as a static
# library `vigie_ui_assets` exposing api/ui_assets.h. Without Node.js or web/node_modules the
# library embeds a page that says plainly that the UI was not built (run scripts/setup).
set(_web ${PROJECT_SOURCE_DIR}/web)
set(_dist ${PROJECT_BINARY_DIR}/web-dist)
set(_gen ${PROJECT_BINARY_DIR}/generated/ui_assets.cpp)
find_program(NODE_PROGRAM node)
file(GLOB_RECURSE _web_srcs CONFIGURE_DEPENDS ${_web}/src/*.ts ${_web}/src/*.css)
if(NODE_PROGRAM AND EXISTS ${_web}/node_modules/esbuild)
  add_custom_command(
    OUTPUT ${_gen}
    COMMAND ${NODE_PROGRAM} ${_web}/build.mjs ${_dist}
    COMMAND ${CMAKE_COMMAND} -DDIST=${_dist} -DOUT=${_gen} -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${_web_srcs} ${_web}/index.html ${_web}/build.mjs ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Bundling the web UI (esbuild) and embedding it"
    VERBATIM)
else()
  message(WARNING "web UI not bundled: node or web/node_modules missing (run scripts/setup)")
  file(MAKE_DIRECTORY ${_dist})
  file(WRITE ${_dist}/index.html
    "<!doctype html><title>vigie</title><p>The vigie web UI was not built into this binary: "
    "Node.js or web/node_modules was missing at build time. Run scripts/setup and rebuild. "
    "The HTTP API under /api/v1/ works without it.</p>")
  add_custom_command(
    OUTPUT ${_gen}
    COMMAND ${CMAKE_COMMAND} -DDIST=${_dist} -DOUT=${_gen} -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    VERBATIM)
endif()
add_library(vigie_ui_assets STATIC ${_gen})
target_include_directories(vigie_ui_assets PUBLIC ${PROJECT_SOURCE_DIR}/src)
