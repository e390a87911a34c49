# AddressSanitizer + UBSan, aborting on the first report so ctest sees a failure.
function(ep_target_sanitize target)
  if(EP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                                             -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  # Coverage instrumentation for libFuzzer in every library the targets use.
  if(EP_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
