// Tests of the durable-write rule: a folder replaced in place is never absent, and its old contents go.
#include "EngineTestSupport.h"

#include "engine/EngineError.h"
#include "engine/io/DurableFiles.h"

#include <atomic>
#include <thread>

namespace mtm::engine {
namespace {

namespace fs = std::filesystem;

TEST(DurableFiles, AReplacedFolderIsAlwaysThereWholeForReaders)
{
    test::TemporaryFolder dir;
    const std::string target = dir.file("model");
    fs::create_directory(target);
    test::writeBytes(target + "/weights", "version 0");

    // A reader looks at the folder all the time while it is replaced 300 times; deleting the old folder before
    // moving the new one in (as outputs and checkpoints were replaced) leaves moments with nothing there.
    std::atomic<bool> done{false};
    std::atomic<int> missing{0};
    std::thread reader([&] {
        while (!done) {
            std::error_code error;
            if (!fs::exists(target + "/weights", error))
                ++missing;
        }
    });
    for (int version = 1; version <= 300; ++version) {
        const std::string staging = dir.file(".model.partial");
        fs::create_directory(staging);
        test::writeBytes(staging + "/weights", "version " + std::to_string(version));
        replaceFolder(staging, target);
        ASSERT_FALSE(fs::exists(staging));
    }
    done = true;
    reader.join();
    EXPECT_EQ(missing, 0);
    std::ifstream in(target + "/weights");
    std::string content;
    std::getline(in, content);
    EXPECT_EQ(content, "version 300");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(DurableFiles, AFolderMovesInWhereThereWasNone)
{
    test::TemporaryFolder dir;
    fs::create_directory(dir.file("new"));
    test::writeBytes(dir.file("new/file"), "content");
    replaceFolder(dir.file("new"), dir.file("placed"));
    EXPECT_TRUE(fs::exists(dir.file("placed/file")));
    EXPECT_FALSE(fs::exists(dir.file("new")));
}

TEST(DurableFiles, FailuresNameThePath)
{
    test::TemporaryFolder dir;
    try {
        syncFile(dir.file("absent"));
        ADD_FAILURE() << "syncing a missing file succeeded";
    } catch (const EngineError &error) {
        EXPECT_NE(std::string(error.what()).find(dir.file("absent")), std::string::npos) << error.what();
    }
}

} // namespace
} // namespace mtm::engine
