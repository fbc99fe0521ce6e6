// llama.cpp — the runtime inside Ollama and LM Studio — for tests that prove what the app exports: node-llama-cpp
// with its prebuilt linux-x64 CPU build, installed once into the build folder, running
// tests/engine/reference/llama-cpp-run.mjs on a request (see that script for what a request can ask).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace mtm::test {

// The folder node-llama-cpp is installed in; none where node or npm is missing or the install failed (its log is
// npm-install.log in MTM_NPM_CACHE_DIR/llama-cpp).
inline std::optional<std::filesystem::path> llamaCppFolder()
{
    namespace fs = std::filesystem;
    if (std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") != 0)
        return std::nullopt;
    const fs::path folder = fs::path(MTM_NPM_CACHE_DIR) / "llama-cpp";
    fs::create_directories(folder);
    if (!fs::exists(folder / "node_modules/@node-llama-cpp/linux-x64/package.json")) {
        const std::string install =
            "cd '" + folder.string() +
            "' && flock install.lock sh -c 'test -f node_modules/@node-llama-cpp/linux-x64/package.json || "
            "(echo {} > package.json && timeout 900 npm install --no-audit --no-fund --loglevel=error "
            "--omit=optional -E node-llama-cpp@3.21.1 @node-llama-cpp/linux-x64@3.21.1)' > npm-install.log 2>&1";
        if (std::system(install.c_str()) != 0)
            return std::nullopt;
    }
    fs::copy_file(MTM_SOURCE_DIR "/tests/engine/reference/llama-cpp-run.mjs", folder / "llama-cpp-run.mjs",
                  fs::copy_options::overwrite_existing);
    return folder;
}

// llama.cpp's answer to the request, with request.json and answer.json written in workFolder; none when it could
// not load or run the files, with what it said in *failure.
inline std::optional<nlohmann::json> runLlamaCpp(const std::filesystem::path &folder, const nlohmann::json &request,
                                                 const std::filesystem::path &workFolder, std::string *failure)
{
    const std::string requestFile = (workFolder / "request.json").string();
    const std::string answerFile = (workFolder / "answer.json").string();
    std::ofstream(requestFile) << request.dump();
    const std::string run =
        "node '" + (folder / "llama-cpp-run.mjs").string() + "' '" + requestFile + "' > '" + answerFile + "' 2>&1";
    if (std::system(run.c_str()) != 0) {
        std::ifstream log(answerFile);
        std::ostringstream said;
        said << "llama.cpp could not run " << request.dump().substr(0, 300) << ":\n" << log.rdbuf();
        if (failure)
            *failure = said.str();
        return std::nullopt;
    }
    std::ifstream in(answerFile);
    return nlohmann::json::parse(in);
}

} // namespace mtm::test
