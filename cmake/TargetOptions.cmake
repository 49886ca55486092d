# coordnet_target_defaults(TARGET): warnings and sanitizers as properties of one target,
# never as global flags.
function(coordnet_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wnon-virtual-dtor)
  if(COORDNET_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "COORDNET_FUZZ needs clang (libFuzzer); use the fuzz preset")
    endif()
    # Coverage feedback for libFuzzer in every target; the fuzzers add -fsanitize=fuzzer.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(COORDNET_SANITIZE OR COORDNET_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
