#include "data/JsonArrayReader.h"

#include "data/ByteStream.h"

namespace mtm::core {
namespace {

std::string quoted(const std::string &key)
{
    return "'" + key + "'";
}

} // namespace

JsonArrayReader::JsonArrayReader(ByteStream &stream, std::size_t maxRecordBytes)
    : m_stream(stream)
    , m_maxRecordBytes(maxRecordBytes)
{}

int JsonArrayReader::take()
{
    const int c = m_stream.get();
    if (c == '\n')
        ++m_line;
    return c;
}

int JsonArrayReader::skipWhitespace()
{
    for (;;) {
        const int c = m_stream.peek();
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return c;
        take();
    }
}

bool JsonArrayReader::readString(std::string *out, std::size_t limit, bool &tooLong)
{
    // The opening quote has been read (and copied).
    for (;;) {
        const int c = take();
        if (c == -1)
            return false;
        if (out) {
            if (out->size() < limit)
                out->push_back(static_cast<char>(c));
            else
                tooLong = true;
        }
        if (c == '"')
            return true;
        if (c == '\\') {
            const int escaped = take();
            if (escaped == -1)
                return false;
            if (out && out->size() < limit)
                out->push_back(static_cast<char>(escaped));
        }
    }
}

bool JsonArrayReader::readValue(std::string *out, std::size_t limit, bool &tooLong)
{
    auto keep = [&](int c) {
        if (!out)
            return;
        if (out->size() < limit)
            out->push_back(static_cast<char>(c));
        else
            tooLong = true;
    };
    int c = take();
    if (c == -1)
        return false;
    keep(c);
    if (c == '"')
        return readString(out, limit, tooLong);
    if (c != '{' && c != '[') {
        // A scalar: up to the next delimiter.
        for (;;) {
            c = m_stream.peek();
            if (c == -1 || c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
                return true;
            keep(take());
        }
    }
    int depth = 1;
    while (depth > 0) {
        c = take();
        if (c == -1)
            return false;
        keep(c);
        if (c == '"') {
            if (!readString(out, limit, tooLong))
                return false;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

bool JsonArrayReader::skipRestOfContainer()
{
    bool tooLong = false;
    int depth = 1;
    while (depth > 0) {
        const int c = take();
        if (c == -1)
            return false;
        if (c == '"') {
            if (!readString(nullptr, 0, tooLong))
                return false;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

bool JsonArrayReader::walkObjectMembers(bool afterValue)
{
    bool tooLong = false;
    for (;;) {
        int c = skipWhitespace();
        if (c == '}') {
            take();
            if (m_arrayKey.empty()) {
                fail(m_line, m_stream.position(),
                     "the JSON object holds no array of records; expected an array of objects, or an object with "
                     "one such array (like {\"data\": [...]})");
                return false;
            }
            return true; // the object is closed after its array of records
        }
        if (afterValue) {
            if (c != ',') {
                fail(m_line, m_stream.position(), "invalid JSON: expected ',' or '}' in the top-level object");
                return false;
            }
            take();
            c = skipWhitespace();
        }
        std::string key;
        if (c != '"' || (take(), !readString(&key, 4096, tooLong)) || skipWhitespace() != ':') {
            fail(m_line, m_stream.position(), "invalid JSON: expected \"key\": value in the top-level object");
            return false;
        }
        key.pop_back(); // the closing quote
        take();
        afterValue = true;
        if (skipWhitespace() == '[') {
            take();
            const int first = skipWhitespace();
            if (first == '{' || (first == ']' && m_arrayKey.empty())) {
                if (!m_arrayKey.empty()) {
                    fail(m_line, m_stream.position(),
                         "the JSON object holds more than one array of records (" + quoted(m_arrayKey) + " and " +
                             quoted(key) + "); save the one to import as a file of its own");
                    return false;
                }
                m_arrayKey = key;
                return true; // positioned inside the array of records
            }
            if (!skipRestOfContainer()) {
                fail(m_line, m_stream.position(), "the file ends inside the value of " + quoted(key));
                return false;
            }
        } else if (!readValue(nullptr, 0, tooLong)) {
            fail(m_line, m_stream.position(), "the file ends inside the value of " + quoted(key));
            return false;
        }
    }
}

bool JsonArrayReader::start()
{
    m_stream.skipUtf8Bom();
    const int c = skipWhitespace();
    if (c == '[') {
        take();
        return true;
    }
    if (c == '{') {
        take();
        m_wrapped = true;
        return walkObjectMembers(false);
    }
    fail(m_line, m_stream.position(),
         c == -1 ? std::string("the file is empty")
                 : "a JSON dataset must be an array of records, or an object holding one; this file starts with '" +
                       std::string(1, static_cast<char>(c)) + "'");
    return false;
}

bool JsonArrayReader::finish()
{
    // After the records' array: the rest of the wrapping object, then nothing but whitespace.
    if (m_wrapped && !walkObjectMembers(true))
        return false;
    if (skipWhitespace() != -1) {
        fail(m_line, m_stream.position(), "unexpected text after the end of the JSON data");
        return false;
    }
    return true;
}

bool JsonArrayReader::next(SourceRecord &record)
{
    if (m_state == State::Done || failure())
        return false;
    if (m_state == State::NotStarted) {
        if (!start()) {
            m_state = State::Done;
            return false;
        }
        m_state = State::InArray;
        if (skipWhitespace() == ']') {
            take();
            m_state = State::Done;
            finish();
            return false;
        }
    }
    skipWhitespace();
    record.number = ++m_records;
    record.line = m_line;
    record.byteOffset = m_stream.position();
    record.fields.clear();
    record.json.clear();
    record.readProblem.clear();
    bool tooLong = false;
    if (!readValue(&record.json, m_maxRecordBytes, tooLong)) {
        fail(record.line, record.byteOffset,
             "the file ends inside record " + std::to_string(record.number) + ", which starts on line " +
                 std::to_string(record.line) + "; is the file cut off?");
        m_state = State::Done;
        return false;
    }
    record.byteEnd = m_stream.position();
    if (tooLong)
        record.readProblem = "the record is longer than " + std::to_string(m_maxRecordBytes) + " bytes";
    const int c = skipWhitespace();
    if (c == ',') {
        take();
    } else if (c == ']') {
        take();
        m_state = State::Done;
        finish();
    } else {
        fail(m_line, m_stream.position(),
             "invalid JSON: expected ',' or ']' after record " + std::to_string(record.number) + " (line " +
                 std::to_string(record.line) + ")");
        m_state = State::Done;
    }
    return true;
}

} // namespace mtm::core
