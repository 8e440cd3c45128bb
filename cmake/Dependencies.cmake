# Host libraries as INTERFACE targets. Under emcmake, find_package cannot see host packages and
# -I/usr/include would shadow Emscripten's sysroot (toolchain-notes quirk 2), so header-only
# libraries are reached through a build-dir folder of symlinks that holds only them.
set(GROK_HOSTINC ${CMAKE_BINARY_DIR}/hostinc)
file(MAKE_DIRECTORY ${GROK_HOSTINC})
foreach(dir nlohmann catch2 CLI)
  if(EXISTS /usr/include/${dir} AND NOT EXISTS ${GROK_HOSTINC}/${dir})
    file(CREATE_LINK /usr/include/${dir} ${GROK_HOSTINC}/${dir} SYMBOLIC)
  endif()
endforeach()

find_path(GROK_EIGEN_DIR Eigen/Core PATHS /usr/include/eigen3 NO_CMAKE_FIND_ROOT_PATH REQUIRED)
add_library(grok_eigen INTERFACE)
target_include_directories(grok_eigen SYSTEM INTERFACE ${GROK_EIGEN_DIR})
# Eigen must never allocate behind our back in the hot loop; asserts stay on in debug builds only.
target_compile_definitions(grok_eigen INTERFACE EIGEN_MPL2_ONLY)

add_library(grok_hostinc INTERFACE)
target_include_directories(grok_hostinc SYSTEM INTERFACE ${GROK_HOSTINC})

# zlib reads the gzipped Fashion-MNIST files, natively only: under Emscripten the core is built
# without it (data/fashion_mnist returns "files cannot be read here"), so wasm needs no zlib port.
if(NOT EMSCRIPTEN)
  find_package(ZLIB REQUIRED)
endif()
