# Uses ccache when present, so that a rebuild in a fresh build tree comes from the cache.
find_program(MTM_CCACHE ccache)
if(MTM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    # The torch precompiled header would otherwise defeat the cache: let ccache trust its content.
    set(CMAKE_CXX_COMPILER_LAUNCHER
        "${CMAKE_COMMAND}" -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "${MTM_CCACHE}")
endif()
