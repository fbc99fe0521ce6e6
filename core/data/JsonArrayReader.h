// Reads a JSON file that holds an array of records, or an object with one array of records
// ({"data": [...]}), one record at a time, so that memory stays bounded for any file size.
#pragma once

#include "data/RecordReader.h"

namespace mtm::core {

class ByteStream;

class JsonArrayReader : public RecordReader
{
public:
    JsonArrayReader(ByteStream &stream, std::size_t maxRecordBytes);
    bool next(SourceRecord &record) override;

    // The key of the array inside a top-level object; empty for a top-level array.
    const std::string &arrayKey() const { return m_arrayKey; }

private:
    bool start();
    bool finish();
    // Walks the members of the top-level object: before the array of records, stops inside it; after it,
    // checks that no second array of records follows and consumes the closing brace.
    bool walkObjectMembers(bool afterValue);
    int skipWhitespace(); // returns the next byte without consuming it
    int take();           // get() that counts lines
    // Copies (or, with out == nullptr, skips) one JSON value; false when the file ends inside it.
    bool readValue(std::string *out, std::size_t limit, bool &tooLong);
    bool readString(std::string *out, std::size_t limit, bool &tooLong);
    bool skipRestOfContainer(); // after an opening bracket or brace; false when the file ends first

    ByteStream &m_stream;
    std::size_t m_maxRecordBytes;
    std::int64_t m_line = 1;
    std::int64_t m_records = 0;
    enum class State { NotStarted, InArray, Done } m_state = State::NotStarted;
    bool m_wrapped = false;
    std::string m_arrayKey;
};

} // namespace mtm::core
