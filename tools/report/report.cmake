# The HTML report (`corridor report`): included from tools/CMakeLists.txt.
# `npm ci` installs the pinned libraries (package-lock.json) into the build tree when they are
# missing, tools/report/build.mjs inlines them with the page into one template, and the template is
# compiled into corridor_app, so the `corridor` executable needs no Node.js at run time.
# Without node/npm (or with -DCORRIDOR_WITH_REPORT=OFF) the page is left out: `corridor report`
# then says so and the browser tests skip.
set(CORRIDOR_REPORT_SRC ${CMAKE_CURRENT_LIST_DIR})
set(report_npm ${PROJECT_BINARY_DIR}/tools/report-npm)
set(report_gen ${PROJECT_BINARY_DIR}/tools/report-gen)
option(CORRIDOR_WITH_REPORT "Build the HTML report page of corridor report (needs node and npm to build)" ON)
find_program(CORRIDOR_NODE node)
find_program(CORRIDOR_NPM npm)

if(CORRIDOR_WITH_REPORT AND CORRIDOR_NODE AND CORRIDOR_NPM)
  add_custom_command(
    OUTPUT ${report_npm}/node_modules/.package-lock.json
    COMMAND ${CMAKE_COMMAND} -E make_directory ${report_npm}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CORRIDOR_REPORT_SRC}/package.json ${CORRIDOR_REPORT_SRC}/package-lock.json ${report_npm}
    COMMAND ${CORRIDOR_NPM} ci --no-audit --no-fund --loglevel=error
    WORKING_DIRECTORY ${report_npm}
    DEPENDS ${CORRIDOR_REPORT_SRC}/package.json ${CORRIDOR_REPORT_SRC}/package-lock.json
    COMMENT "npm ci: report page libraries (tools/report/package-lock.json)"
    VERBATIM)
  file(GLOB report_page_sources CONFIGURE_DEPENDS ${CORRIDOR_REPORT_SRC}/src/*)
  add_custom_command(
    OUTPUT ${report_gen}/report_template.cpp ${report_gen}/report_template.html
    COMMAND ${CORRIDOR_NODE} ${CORRIDOR_REPORT_SRC}/build.mjs --modules ${report_npm}/node_modules --out ${report_gen}
    DEPENDS ${report_npm}/node_modules/.package-lock.json ${CORRIDOR_REPORT_SRC}/build.mjs ${report_page_sources}
    COMMENT "Building the report page template"
    VERBATIM)
  set(report_template_cpp ${report_gen}/report_template.cpp)
  set(CORRIDOR_REPORT_NODE_MODULES ${report_npm}/node_modules CACHE INTERNAL "node_modules of the report page and its tests")
else()
  if(CORRIDOR_WITH_REPORT)
    message(WARNING "node or npm not found: corridor is built without the HTML report page (corridor report will say so)")
  endif()
  set(report_template_cpp ${report_gen}/report_template_stub.cpp)
  file(WRITE ${report_template_cpp}
    "#include <string_view>\nnamespace corridor::app::detail {\nstd::string_view report_template() { return {}; }\n}\n")
  set(CORRIDOR_REPORT_NODE_MODULES "" CACHE INTERNAL "node_modules of the report page and its tests")
endif()

target_sources(corridor_app PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../app/report.cpp ${report_template_cpp})
