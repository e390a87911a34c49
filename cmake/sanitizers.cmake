# AddressSanitizer + UBSan, aborting on the first report so ctest sees a failure.
function(ep_target_sanitize target)
  if(EP_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                                             -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
