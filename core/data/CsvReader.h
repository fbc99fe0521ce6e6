// Reads CSV as RFC 4180 describes it: quoted fields, doubled quotes, newlines inside quotes, CRLF or LF,
// a header row naming the columns, and a delimiter sniffed among comma, semicolon and tab.
#pragma once

#include "data/RecordReader.h"

#include <string_view>

namespace mtm::core {

class ByteStream;

class CsvReader : public RecordReader
{
public:
    // Reads the header row at once; a file without one fails (see failure()).
    CsvReader(ByteStream &stream, char delimiter, std::size_t maxFieldBytes);

    bool next(SourceRecord &record) override;
    std::vector<std::string> fieldNames() const override { return m_header; }

    // The delimiter that splits the first lines of head most consistently (',' when nothing fits).
    static char sniffDelimiter(std::string_view head);
    static std::string describeDelimiter(char delimiter);

private:
    enum class Row { Read, End, Broken };
    Row readRow(std::vector<std::string> &fields, std::string &problem);
    void endLine(int c); // counts a line break that began with c ('\n' or '\r')

    ByteStream &m_stream;
    char m_delimiter;
    std::size_t m_maxFieldBytes;
    std::vector<std::string> m_header;
    std::int64_t m_line = 1;
    std::int64_t m_rowLine = 0;
    std::int64_t m_rowOffset = 0;
    std::int64_t m_records = 0;
};

} // namespace mtm::core
