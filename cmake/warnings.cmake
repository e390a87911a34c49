# Applied per target, never through CMAKE_C_FLAGS, so that imported
# dependencies' headers are not held to our rules.
function(ep_target_defaults target)
  set_target_properties(${target} PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON
                                             C_EXTENSIONS OFF)
  target_compile_definitions(${target} PRIVATE _POSIX_C_SOURCE=200809L)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wstrict-prototypes -Wformat=2 -Wvla)
  if(EP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  ep_target_sanitize(${target})
endfunction()
