// The record readers' common interface: records one at a time, with where each starts in the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mtm::core {

// Columns of a CSV row, or field names gathered from JSON records, beyond which a file is not a dataset of
// training examples (which have a few fields of text); reading stops collecting there, so that a header of
// millions of empty columns costs neither minutes nor gigabytes.
inline constexpr std::size_t kMaxFields = 10000;

// One record as read from the file, before its fields are interpreted.
struct SourceRecord
{
    std::int64_t number = 0;         // 1-based position among the file's records
    std::int64_t line = 0;           // the line on which it starts
    std::int64_t byteOffset = 0;     // offset of its first byte in the file
    std::int64_t byteEnd = 0;        // offset just past its last byte
    std::vector<std::string> fields; // CSV: the values in header order
    std::string json;                // JSON and JSONL: the record's JSON text
    // A problem found while reading it (bad quoting, wrong number of fields); the record cannot be used.
    std::string readProblem;
};

// Why reading stopped before the end of the file.
struct ReadFailure
{
    std::int64_t line = 0;
    std::int64_t byteOffset = 0;
    std::string message;
};

class RecordReader
{
public:
    virtual ~RecordReader() = default;
    // The next record; false at the end, or when the file's structure broke (see failure()).
    virtual bool next(SourceRecord &record) = 0;
    // The field names a CSV header gives; empty for JSON, whose records name their own fields.
    virtual std::vector<std::string> fieldNames() const { return {}; }
    const std::optional<ReadFailure> &failure() const { return m_failure; }

protected:
    void fail(std::int64_t line, std::int64_t byteOffset, std::string message)
    {
        if (!m_failure)
            m_failure = ReadFailure{line, byteOffset, std::move(message)};
    }

private:
    std::optional<ReadFailure> m_failure;
};

} // namespace mtm::core
