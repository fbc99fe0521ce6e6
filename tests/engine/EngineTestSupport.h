// Helpers for the engine tests: a temporary folder, raw file writing, and where the shared test data is.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace mtm::test {

// A folder under the system's temporary directory, removed with its contents at the end of the test.
class TemporaryFolder
{
public:
    TemporaryFolder()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "mtm-engine-test-XXXXXX").string();
        m_path = ::mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TemporaryFolder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    std::string file(const std::string &name) const { return m_path + "/" + name; }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

inline void writeBytes(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// ../shared/testdata beside the project, or an empty string when it is not there.
inline std::string testDataDirectory()
{
    const std::string path = MTM_TESTDATA_DIR;
    return std::filesystem::is_directory(path) ? path : std::string();
}

#define MTM_REQUIRE_TESTDATA(dir)                                                                                      \
    const std::string dir = ::mtm::test::testDataDirectory();                                                          \
    if (dir.empty())                                                                                                   \
        GTEST_SKIP() << "the shared test data (" MTM_TESTDATA_DIR ") is not there";

} // namespace mtm::test
