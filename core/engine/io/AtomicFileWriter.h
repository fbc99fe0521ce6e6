// Writes a file under a temporary name beside it and renames it into place on commit(), flushing the file
// before and its folder after (engine/io/DurableFiles.h), so that readers never see half a file, and a failure,
// a crash or a power loss leaves the previous file untouched.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace mtm::engine {

class AtomicFileWriter
{
public:
    explicit AtomicFileWriter(std::string path); // throws EngineError
    ~AtomicFileWriter();                         // removes the temporary file unless committed
    AtomicFileWriter(const AtomicFileWriter &) = delete;
    AtomicFileWriter &operator=(const AtomicFileWriter &) = delete;

    void write(const void *data, std::size_t size); // throws EngineError (disk full, ...)
    void write(const std::string &bytes) { write(bytes.data(), bytes.size()); }
    void commit(); // flushes to disk and renames into place; throws EngineError

private:
    std::string m_path;
    std::string m_temporaryPath;
    std::FILE *m_file = nullptr;
};

// A whole file of these bytes, written as AtomicFileWriter writes one. Throws EngineError.
void writeFileAtomically(const std::string &path, const std::string &bytes);

} // namespace mtm::engine
