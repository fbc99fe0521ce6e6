# Checks that the engine headers the core includes pull in no LibTorch header, so that core and UI files compile
# without torch. Run by CTest: cmake -DCOMPILER=... -DSOURCE_DIR=... -DINCLUDES="a;b" -P this file.
set(headers
    core/engine/EngineError.h
    core/engine/io/UntrustedJson.h
    core/engine/chat/ChatTemplate.h
    core/engine/train/LoraSettings.h
    core/engine/train/TrainingEstimate.h
    core/engine/train/Trainer.h
    core/engine/train/TrainingConfig.h
    core/engine/train/TrainingPlan.h
    core/engine/train/TrainingProgress.h
    core/engine/train/TrainingResult.h
    core/jobs/FineTuneRun.h
    core/jobs/TrainingRequest.h)
set(include_flags "-I${SOURCE_DIR}/core")
foreach(directory IN LISTS INCLUDES)
    list(APPEND include_flags "-I${directory}")
endforeach()
foreach(header IN LISTS headers)
    # -H lists every header the compiler opens; a torch, c10 or ATen path among them fails the check.
    execute_process(
        COMMAND "${COMPILER}" -std=c++17 -fPIC -fsyntax-only -H -x c++ ${include_flags} "${SOURCE_DIR}/${header}"
        RESULT_VARIABLE status
        ERROR_VARIABLE opened)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "${header} does not compile on its own:\n${opened}")
    endif()
    string(REGEX MATCH "[^\n]*/(torch|c10|ATen)/[^\n]*" torch_header "${opened}")
    if(torch_header)
        message(FATAL_ERROR "${header} includes a LibTorch header: ${torch_header}")
    endif()
endforeach()
message(STATUS "The engine headers that core uses are free of LibTorch.")
