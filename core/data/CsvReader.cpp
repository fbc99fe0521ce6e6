#include "data/CsvReader.h"

#include "data/ByteStream.h"

#include <algorithm>
#include <set>

namespace mtm::core {

CsvReader::CsvReader(ByteStream &stream, char delimiter, std::size_t maxFieldBytes)
    : m_stream(stream)
    , m_delimiter(delimiter)
    , m_maxFieldBytes(maxFieldBytes)
{
    std::string problem;
    if (readRow(m_header, problem) != Row::Read) {
        if (!failure())
            fail(1, 0, "the file holds no header row");
        return;
    }
    if (!problem.empty()) {
        fail(m_rowLine, m_rowOffset, "the header row is malformed: " + problem);
        return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < m_header.size(); ++i) {
        std::string &name = m_header[i];
        const auto first = name.find_first_not_of(" \t");
        const auto last = name.find_last_not_of(" \t");
        name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
        if (name.empty())
            name = "column " + std::to_string(i + 1);
        if (!seen.insert(name).second) {
            fail(m_rowLine, m_rowOffset,
                 "the header names the column '" + name + "' twice; give each column its own name");
            return;
        }
    }
}

void CsvReader::endLine(int c)
{
    if (c == '\r' && m_stream.peek() == '\n')
        m_stream.get();
    ++m_line;
}

CsvReader::Row CsvReader::readRow(std::vector<std::string> &fields, std::string &problem)
{
    fields.clear();
    problem.clear();
    for (;;) { // blank lines between records are not records
        const int c = m_stream.peek();
        if (c == -1)
            return Row::End;
        if (c != '\n' && c != '\r')
            break;
        endLine(m_stream.get());
    }
    m_rowLine = m_line;
    m_rowOffset = m_stream.position();

    enum class State { FieldStart, Unquoted, Quoted, AfterQuote } state = State::FieldStart;
    std::string field;
    std::int64_t quoteLine = 0;
    bool fieldTooLong = false;
    auto append = [&](char c) {
        if (field.size() < m_maxFieldBytes)
            field.push_back(c);
        else
            fieldTooLong = true;
    };
    auto endField = [&] {
        if (fieldTooLong && problem.empty())
            problem = "field " + std::to_string(fields.size() + 1) + " is longer than " +
                      std::to_string(m_maxFieldBytes) + " bytes";
        if (fields.size() < kMaxFields)
            fields.push_back(std::move(field));
        else if (problem.empty())
            problem = "it has more than " + std::to_string(kMaxFields) + " fields";
        field.clear();
        fieldTooLong = false;
        state = State::FieldStart;
    };

    for (;;) {
        const int c = m_stream.get();
        switch (state) {
        case State::FieldStart:
            if (c == '"') {
                state = State::Quoted;
                quoteLine = m_line;
                break;
            }
            state = State::Unquoted;
            [[fallthrough]];
        case State::Unquoted:
            if (c == -1) {
                endField();
                return Row::Read;
            }
            if (c == m_delimiter) {
                endField();
            } else if (c == '\n' || c == '\r') {
                endLine(c);
                endField();
                return Row::Read;
            } else {
                append(static_cast<char>(c)); // a stray quote inside an unquoted field is kept as text
            }
            break;
        case State::Quoted:
            if (c == -1) {
                fail(quoteLine, m_rowOffset,
                     "the quoted field that starts on line " + std::to_string(quoteLine) +
                         " is never closed: its closing quote is missing, so the rest of the file cannot be read");
                return Row::Broken;
            }
            if (c == '"') {
                state = State::AfterQuote;
            } else if (c == '\n' || c == '\r') {
                endLine(c);
                append('\n'); // line breaks inside values become \n, whatever the file used
            } else {
                append(static_cast<char>(c));
            }
            break;
        case State::AfterQuote:
            if (c == '"') {
                append('"');
                state = State::Quoted;
            } else if (c == m_delimiter) {
                endField();
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c != -1)
                    endLine(c);
                endField();
                return Row::Read;
            } else if (c == ' ' || c == '\t') {
                // spaces after a closing quote are padding
            } else {
                if (problem.empty())
                    problem = "field " + std::to_string(fields.size() + 1) +
                              " has text after its closing quote (a quote inside a quoted field must be doubled: \"\")";
                append(static_cast<char>(c));
                state = State::Unquoted;
            }
            break;
        }
    }
}

bool CsvReader::next(SourceRecord &record)
{
    if (failure())
        return false;
    std::string problem;
    const Row row = readRow(record.fields, problem);
    if (row != Row::Read)
        return false;
    record.number = ++m_records;
    record.line = m_rowLine;
    record.byteOffset = m_rowOffset;
    record.byteEnd = m_stream.position();
    record.json.clear();
    record.readProblem = problem;
    auto &fields = record.fields;
    if (fields.size() > m_header.size() &&
        std::all_of(fields.begin() + static_cast<long>(m_header.size()), fields.end(),
                    [](const std::string &value) { return value.empty(); }))
        fields.resize(m_header.size()); // trailing delimiters
    if (record.readProblem.empty() && fields.size() != m_header.size()) {
        record.readProblem = "the row has " + std::to_string(fields.size()) + " fields but the header has " +
                             std::to_string(m_header.size()) + " (is a delimiter or a quote missing?)";
    }
    return true;
}

char CsvReader::sniffDelimiter(std::string_view head)
{
    char best = ',';
    double bestScore = -1;
    for (const char candidate : {',', ';', '\t'}) {
        std::vector<int> counts;
        int count = 0;
        bool quoted = false;
        for (std::size_t i = 0; i < head.size() && counts.size() < 20; ++i) {
            const char c = head[i];
            if (c == '"')
                quoted = !quoted;
            else if (!quoted && c == candidate)
                ++count;
            else if (!quoted && c == '\n') {
                counts.push_back(count);
                count = 0;
            }
        }
        if (counts.empty())
            counts.push_back(count); // a single line without a newline
        if (counts.front() == 0)
            continue;
        const auto agreeing = std::count(counts.begin(), counts.end(), counts.front());
        const double score = 1000.0 * double(agreeing) / double(counts.size()) + counts.front();
        if (score > bestScore) {
            bestScore = score;
            best = candidate;
        }
    }
    return best;
}

std::string CsvReader::describeDelimiter(char delimiter)
{
    switch (delimiter) {
    case ',':
        return "comma-separated";
    case ';':
        return "semicolon-separated";
    case '\t':
        return "tab-separated";
    }
    return std::string("separated by '") + delimiter + "'";
}

} // namespace mtm::core
