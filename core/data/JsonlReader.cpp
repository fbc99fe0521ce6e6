#include "data/JsonlReader.h"

#include "data/ByteStream.h"

namespace mtm::core {

JsonlReader::JsonlReader(ByteStream &stream, std::size_t maxRecordBytes)
    : m_stream(stream)
    , m_maxRecordBytes(maxRecordBytes)
{}

bool JsonlReader::next(SourceRecord &record)
{
    for (;;) {
        const std::int64_t start = m_stream.position();
        bool tooLong = false;
        if (!m_stream.readLine(record.json, m_maxRecordBytes, tooLong))
            return false;
        ++m_line;
        if (!record.json.empty() && record.json.back() == '\r')
            record.json.pop_back();
        if (!tooLong && record.json.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        record.number = ++m_records;
        record.line = m_line;
        record.byteOffset = start;
        record.byteEnd = m_stream.position();
        record.fields.clear();
        record.readProblem = tooLong ? "the line is longer than " + std::to_string(m_maxRecordBytes) + " bytes" : "";
        return true;
    }
}

} // namespace mtm::core
