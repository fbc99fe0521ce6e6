// Reads JSON Lines: one JSON value per line; blank lines are skipped.
#pragma once

#include "data/RecordReader.h"

namespace mtm::core {

class ByteStream;

class JsonlReader : public RecordReader
{
public:
    JsonlReader(ByteStream &stream, std::size_t maxRecordBytes);
    bool next(SourceRecord &record) override;

private:
    ByteStream &m_stream;
    std::size_t m_maxRecordBytes;
    std::int64_t m_line = 0;
    std::int64_t m_records = 0;
};

} // namespace mtm::core
