# ep_embed_files(OUT <file.c> NAME <symbol> FILES <f1> <f2> ...)
# Generates a C file holding each input file as a NUL-terminated byte array,
# plus a table { name, data, size } called <symbol>, terminated by a NULL name.
# The migrations and the demo seed ship inside the binary: a deployed server
# needs no schema/ folder beside it, and cannot run with a mismatched one.
function(ep_embed_files)
  cmake_parse_arguments(E "" "OUT;NAME" "FILES" ${ARGN})
  # A ;-list would be split into separate arguments: pass it '|'-joined.
  list(JOIN E_FILES "|" joined)
  add_custom_command(
    OUTPUT ${E_OUT}
    COMMAND ${CMAKE_COMMAND} -DOUT=${E_OUT} -DNAME=${E_NAME} "-DFILES=${joined}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${E_NAME}"
    VERBATIM)
endfunction()
