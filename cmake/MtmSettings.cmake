# The compile settings every target of the project shares, on one INTERFACE target.
set(CMAKE_CXX_EXTENSIONS OFF)
add_library(mtm_settings INTERFACE)
target_compile_features(mtm_settings INTERFACE cxx_std_17)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(mtm_settings INTERFACE -Wall -Wextra -Wpedantic)
endif()
target_compile_definitions(mtm_settings INTERFACE MTM_VERSION="${PROJECT_VERSION}")
