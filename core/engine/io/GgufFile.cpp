#include "engine/io/GgufFile.h"

#include "engine/EngineError.h"
#include "engine/quant/GgmlQuant.h"

#include <cstring>
#include <set>
#include <string_view>

namespace mtm::engine {
namespace {

// A cursor over the mapped bytes that refuses to read past the end.
class Reader
{
public:
    explicit Reader(const MappedFile &file, std::uint64_t position = 0)
        : m_file(file)
        , m_position(position)
    {}

    [[noreturn]] void fail(const std::string &what) const
    {
        throw EngineError(m_file.path() + " is not a valid GGUF file: " + what + " (at byte " +
                          std::to_string(m_position) + ")");
    }

    const std::uint8_t *take(std::uint64_t bytes)
    {
        if (bytes > m_file.size() - m_position)
            fail("it ends in the middle of the header");
        const std::uint8_t *at = m_file.data() + m_position;
        m_position += bytes;
        return at;
    }

    template <typename T> T scalar()
    {
        T value;
        std::memcpy(&value, take(sizeof(T)), sizeof(T)); // little-endian host
        return value;
    }

    std::string_view stringView()
    {
        const auto length = scalar<std::uint64_t>();
        if (length > m_file.size() - m_position)
            fail("a string claims " + std::to_string(length) + " bytes, more than the file has left");
        return {reinterpret_cast<const char *>(take(length)), length};
    }

    std::string string() { return std::string(stringView()); }

    std::uint64_t position() const { return m_position; }
    std::uint64_t remaining() const { return m_file.size() - m_position; }

private:
    const MappedFile &m_file;
    std::uint64_t m_position;
};

std::size_t scalarSize(GgufType type)
{
    switch (type) {
    case GgufType::U8:
    case GgufType::I8:
    case GgufType::Bool:
        return 1;
    case GgufType::U16:
    case GgufType::I16:
        return 2;
    case GgufType::U32:
    case GgufType::I32:
    case GgufType::F32:
        return 4;
    case GgufType::U64:
    case GgufType::I64:
    case GgufType::F64:
        return 8;
    default:
        return 0;
    }
}

void readScalar(Reader &in, GgufType type, std::int64_t &integer, double &real)
{
    switch (type) {
    case GgufType::U8:
        integer = in.scalar<std::uint8_t>();
        break;
    case GgufType::I8:
        integer = in.scalar<std::int8_t>();
        break;
    case GgufType::Bool: {
        const auto value = in.scalar<std::uint8_t>();
        if (value > 1)
            in.fail("a bool holds " + std::to_string(value));
        integer = value;
        break;
    }
    case GgufType::U16:
        integer = in.scalar<std::uint16_t>();
        break;
    case GgufType::I16:
        integer = in.scalar<std::int16_t>();
        break;
    case GgufType::U32:
        integer = in.scalar<std::uint32_t>();
        break;
    case GgufType::I32:
        integer = in.scalar<std::int32_t>();
        break;
    case GgufType::U64: {
        const auto value = in.scalar<std::uint64_t>();
        if (value > static_cast<std::uint64_t>(INT64_MAX))
            in.fail("a u64 value is too large");
        integer = static_cast<std::int64_t>(value);
        break;
    }
    case GgufType::I64:
        integer = in.scalar<std::int64_t>();
        break;
    case GgufType::F32:
        real = in.scalar<float>();
        break;
    case GgufType::F64:
        real = in.scalar<double>();
        break;
    default:
        in.fail("unknown value type " + std::to_string(static_cast<std::uint32_t>(type)));
    }
}

GgufType readType(Reader &in)
{
    const auto type = in.scalar<std::uint32_t>();
    if (type > static_cast<std::uint32_t>(GgufType::F64))
        in.fail("unknown value type " + std::to_string(type));
    return static_cast<GgufType>(type);
}

// Steps over an array's elements, checking that they lie inside the file.
void skipElements(Reader &in, GgufType element, std::uint64_t count, int depth)
{
    // The fewest bytes an element takes: a string its length, a nested array its type and count.
    const std::size_t minimum = element == GgufType::String ? 8 : element == GgufType::Array ? 12 : scalarSize(element);
    if (count > in.remaining() / minimum)
        in.fail("an array claims " + std::to_string(count) + " elements, more than the file can hold");
    if (element == GgufType::String) {
        for (std::uint64_t i = 0; i < count; ++i)
            in.stringView();
    } else if (element == GgufType::Array) {
        if (depth > 8)
            in.fail("arrays are nested too deeply");
        for (std::uint64_t i = 0; i < count; ++i) {
            const GgufType inner = readType(in);
            skipElements(in, inner, in.scalar<std::uint64_t>(), depth + 1);
        }
    } else {
        in.take(count * minimum);
    }
}

GgufValue readValue(Reader &in, GgufType type)
{
    GgufValue value;
    value.type = type;
    if (type == GgufType::String) {
        value.text = in.string();
    } else if (type == GgufType::Array) {
        value.elementType = readType(in);
        value.arraySize = in.scalar<std::uint64_t>();
        value.arrayStart = in.position();
        skipElements(in, value.elementType, value.arraySize, 1);
    } else {
        readScalar(in, type, value.integer, value.real);
    }
    return value;
}

} // namespace

std::uint64_t GgufFile::tensorBytes(std::uint32_t ggmlType, std::uint64_t elements)
{
    const auto layout = ggmlBlockLayout(ggmlType);
    std::uint64_t bytes = 0;
    if (!layout || elements % layout->values != 0 ||
        __builtin_mul_overflow(elements / layout->values, layout->bytes, &bytes))
        return 0;
    return bytes;
}

GgufFile::GgufFile(const std::string &path)
    : m_file(path)
{
    Reader in(m_file);
    if (m_file.size() < 24 || std::memcmp(m_file.data(), "GGUF", 4) != 0)
        in.fail("it does not start with the magic bytes 'GGUF'");
    in.take(4);
    m_version = in.scalar<std::uint32_t>();
    if (m_version != 2 && m_version != 3)
        in.fail("version " + std::to_string(m_version) + " is not supported (2 and 3 are)");
    const auto tensorCount = in.scalar<std::uint64_t>();
    const auto keyCount = in.scalar<std::uint64_t>();
    if (keyCount > m_file.size() / 12 || tensorCount > m_file.size() / 24)
        in.fail("the header claims more entries than the file can hold");

    for (std::uint64_t i = 0; i < keyCount; ++i) {
        const std::string key = in.string();
        const GgufType type = readType(in);
        GgufValue value = readValue(in, type);
        if (!m_metadata.emplace(key, std::move(value)).second)
            in.fail("the key '" + key + "' appears twice");
    }
    if (const GgufValue *alignment = find("general.alignment")) {
        if (!alignment->isInteger() || alignment->integer <= 0 || (alignment->integer & (alignment->integer - 1)) != 0)
            in.fail("general.alignment must be a power of two");
        m_alignment = static_cast<std::uint64_t>(alignment->integer);
    }

    std::set<std::string> names;
    for (std::uint64_t i = 0; i < tensorCount; ++i) {
        GgufTensorInfo tensor;
        tensor.name = in.string();
        if (tensor.name.size() > 64)
            in.fail("the tensor name '" + tensor.name.substr(0, 64) + "…' is longer than 64 bytes");
        if (!names.insert(tensor.name).second)
            in.fail("the tensor '" + tensor.name + "' appears twice");
        const auto dims = in.scalar<std::uint32_t>();
        if (dims == 0 || dims > 4)
            in.fail("tensor '" + tensor.name + "' has " + std::to_string(dims) + " dimensions (1 to 4 are allowed)");
        std::uint64_t elements = 1;
        for (std::uint32_t d = 0; d < dims; ++d) {
            const auto size = in.scalar<std::uint64_t>();
            if (__builtin_mul_overflow(elements, size, &elements))
                in.fail("tensor '" + tensor.name + "' has too many elements");
            tensor.dims.push_back(size);
        }
        tensor.type = in.scalar<std::uint32_t>();
        tensor.offset = in.scalar<std::uint64_t>();
        tensor.bytes = tensorBytes(tensor.type, elements);
        if (tensor.bytes == 0 && elements > 0)
            in.fail("tensor '" + tensor.name + "' has the ggml type " + std::to_string(tensor.type) +
                    ", which this reader does not know, or a size that does not fill its blocks or is too large");
        if (tensor.offset % m_alignment != 0)
            in.fail("tensor '" + tensor.name + "' starts at an offset that is not aligned to " +
                    std::to_string(m_alignment));
        m_tensors.push_back(std::move(tensor));
    }
    m_dataOffset = (in.position() + m_alignment - 1) / m_alignment * m_alignment;
    for (const GgufTensorInfo &tensor : m_tensors) {
        if (m_dataOffset > m_file.size() || tensor.offset > m_file.size() - m_dataOffset ||
            tensor.bytes > m_file.size() - m_dataOffset - tensor.offset)
            throw EngineError(path + " is not a valid GGUF file: the data of tensor '" + tensor.name +
                              "' lies beyond the end of the file; is it cut off?");
    }
}

const GgufValue *GgufFile::find(const std::string &key) const
{
    const auto found = m_metadata.find(key);
    return found == m_metadata.end() ? nullptr : &found->second;
}

const GgufValue &GgufFile::require(const std::string &key, const char *what) const
{
    const GgufValue *value = find(key);
    if (!value)
        throw EngineError(path() + " has no '" + key + "' (" + what + " expected)");
    return *value;
}

std::string GgufFile::string(const std::string &key) const
{
    const GgufValue &value = require(key, "a string");
    if (value.type != GgufType::String)
        throw EngineError(path() + ": '" + key + "' is not a string");
    return value.text;
}

std::int64_t GgufFile::integer(const std::string &key) const
{
    const GgufValue &value = require(key, "an integer");
    if (!value.isInteger())
        throw EngineError(path() + ": '" + key + "' is not an integer");
    return value.integer;
}

double GgufFile::real(const std::string &key) const
{
    const GgufValue &value = require(key, "a number");
    if (value.type == GgufType::F32 || value.type == GgufType::F64)
        return value.real;
    if (value.isInteger())
        return static_cast<double>(value.integer);
    throw EngineError(path() + ": '" + key + "' is not a number");
}

std::uint64_t GgufFile::arraySize(const std::string &key) const
{
    const GgufValue &value = require(key, "a list");
    if (!value.isArray())
        throw EngineError(path() + ": '" + key + "' is not a list");
    return value.arraySize;
}

std::vector<std::string> GgufFile::stringArray(const std::string &key) const
{
    const GgufValue &value = require(key, "a list of strings");
    if (!value.isArray() || value.elementType != GgufType::String)
        throw EngineError(path() + ": '" + key + "' is not a list of strings");
    Reader in(m_file, value.arrayStart);
    std::vector<std::string> texts;
    texts.reserve(value.arraySize);
    for (std::uint64_t i = 0; i < value.arraySize; ++i)
        texts.push_back(in.string());
    return texts;
}

std::vector<std::int64_t> GgufFile::integerArray(const std::string &key) const
{
    const GgufValue &value = require(key, "a list of integers");
    const GgufType element = value.elementType;
    if (!value.isArray() || element == GgufType::String || element == GgufType::Array || element == GgufType::F32 ||
        element == GgufType::F64)
        throw EngineError(path() + ": '" + key + "' is not a list of integers");
    Reader in(m_file, value.arrayStart);
    std::vector<std::int64_t> integers(value.arraySize);
    double unused = 0;
    for (std::int64_t &integer : integers)
        readScalar(in, element, integer, unused);
    return integers;
}

std::vector<double> GgufFile::realArray(const std::string &key) const
{
    const GgufValue &value = require(key, "a list of numbers");
    if (!value.isArray() || (value.elementType != GgufType::F32 && value.elementType != GgufType::F64))
        throw EngineError(path() + ": '" + key + "' is not a list of numbers");
    Reader in(m_file, value.arrayStart);
    std::vector<double> reals(value.arraySize);
    std::int64_t unused = 0;
    for (double &real : reals)
        readScalar(in, value.elementType, unused, real);
    return reals;
}

} // namespace mtm::engine
