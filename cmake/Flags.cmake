# Target-scoped flags. Numerics: no fast-math, no FMA contraction, so native and wasm round alike
# (bit-identical seeds -> weights) and results do not depend on the compiler's mood. -fno-math-errno
# only stops sqrt and friends from setting errno, which lets loops over them vectorize; every result
# is the same IEEE value.
function(grok_target_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -ffp-contract=off -fno-math-errno)
  if(EMSCRIPTEN)
    # Eigen's SSE path through Emscripten's SSE->wasm-SIMD headers (toolchain-notes quirk 3).
    target_compile_options(${target} PRIVATE -msimd128 -msse2
      "SHELL:-isystem ${PROJECT_SOURCE_DIR}/wasm/shim"
      "SHELL:-include ${PROJECT_SOURCE_DIR}/wasm/shim/eigen_prelude.h")
  else()
    if(GROK_NATIVE_ARCH)
      target_compile_options(${target} PRIVATE -march=native)
    endif()
    if(GROK_PYTHON)
      # The libraries link into the Python extension too. -fno-semantic-interposition keeps GCC
      # inlining across functions as without -fPIC (nothing here is meant to be interposed).
      set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
      if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -fno-semantic-interposition)
      endif()
    endif()
    if(GROK_SANITIZE)
      target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                             -fno-sanitize-recover=undefined)
      target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
    if(GROK_FUZZ)  # coverage for libFuzzer in every target; the fuzz executables add -fsanitize=fuzzer
      # Line tables are all a sanitizer's report needs for file:line frames; full debug info (-g) cost
      # ~10% more compile time on the heaviest files (token_mlp.cpp: 64 -> 58 s).
      target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                             -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only)
      target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
  endif()
endfunction()

# Unity builds: a clean build of every target parses Eigen, nlohmann/json, CLI11 and Catch2 once per
# batch of sources instead of once per file (a clean native build: 6.7 -> 4.3 min on 2 cores; wasm
# 583 -> 370 s of compile; the sanitizer preset 1180 -> 941 s of CPU, 10.5 -> 8.2 min), which is most
# of ./scripts/test's time. Results are the same bits: no fast-math and no FP contraction, so
# inlining across a batch cannot change a sum. -DGROK_UNITY_BUILD=OFF builds file by file (quicker
# rebuilds of one file while editing).
option(GROK_UNITY_BUILD "Compile sources in batches (faster clean builds)" ON)
function(grok_unity target batch)
  if(GROK_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch})
  endif()
endfunction()
