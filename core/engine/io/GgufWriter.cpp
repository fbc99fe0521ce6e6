#include "engine/io/GgufWriter.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"
#include "engine/io/GgufFile.h"

#include <cstring>

namespace mtm::engine {
namespace {

template <typename T> void append(std::string &out, T value)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T)); // little-endian host
    out.append(bytes, sizeof(T));
}

void appendString(std::string &out, const std::string &text)
{
    append<std::uint64_t>(out, text.size());
    out += text;
}

std::uint64_t padded(std::uint64_t size, std::uint64_t alignment)
{
    return (size + alignment - 1) / alignment * alignment;
}

} // namespace

GgufWriter::GgufWriter(std::uint32_t alignment)
    : m_alignment(alignment)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw EngineError("A GGUF alignment must be a power of two, not " + std::to_string(alignment));
    if (alignment != 32)
        addUInt32("general.alignment", alignment);
}

void GgufWriter::key(const std::string &name, std::uint32_t valueType)
{
    if (!m_keys.insert(name).second)
        throw EngineError("The GGUF key '" + name + "' is written twice");
    appendString(m_metadata, name);
    append<std::uint32_t>(m_metadata, valueType);
    ++m_keyCount;
}

void GgufWriter::addString(const std::string &name, const std::string &value)
{
    key(name, std::uint32_t(GgufType::String));
    appendString(m_metadata, value);
}

void GgufWriter::addUInt32(const std::string &name, std::uint32_t value)
{
    key(name, std::uint32_t(GgufType::U32));
    append(m_metadata, value);
}

void GgufWriter::addInt32(const std::string &name, std::int32_t value)
{
    key(name, std::uint32_t(GgufType::I32));
    append(m_metadata, value);
}

void GgufWriter::addUInt64(const std::string &name, std::uint64_t value)
{
    key(name, std::uint32_t(GgufType::U64));
    append(m_metadata, value);
}

void GgufWriter::addFloat32(const std::string &name, float value)
{
    key(name, std::uint32_t(GgufType::F32));
    append(m_metadata, value);
}

void GgufWriter::addBool(const std::string &name, bool value)
{
    key(name, std::uint32_t(GgufType::Bool));
    append<std::uint8_t>(m_metadata, value ? 1 : 0);
}

void GgufWriter::addStrings(const std::string &name, const std::vector<std::string> &values)
{
    key(name, std::uint32_t(GgufType::Array));
    append(m_metadata, std::uint32_t(GgufType::String));
    append<std::uint64_t>(m_metadata, values.size());
    for (const std::string &value : values)
        appendString(m_metadata, value);
}

void GgufWriter::addInt32s(const std::string &name, const std::vector<std::int32_t> &values)
{
    key(name, std::uint32_t(GgufType::Array));
    append(m_metadata, std::uint32_t(GgufType::I32));
    append<std::uint64_t>(m_metadata, values.size());
    for (const std::int32_t value : values)
        append(m_metadata, value);
}

void GgufWriter::addFloat32s(const std::string &name, const std::vector<float> &values)
{
    key(name, std::uint32_t(GgufType::Array));
    append(m_metadata, std::uint32_t(GgufType::F32));
    append<std::uint64_t>(m_metadata, values.size());
    for (const float value : values)
        append(m_metadata, value);
}

void GgufWriter::addTensor(const std::string &name, const std::vector<std::uint64_t> &dims, std::uint32_t ggmlType,
                           TensorData data)
{
    if (name.empty() || name.size() > 63)
        throw EngineError("The GGUF tensor name '" + name + "' must have 1 to 63 bytes");
    if (!m_tensorNames.insert(name).second)
        throw EngineError("The GGUF tensor '" + name + "' is written twice");
    if (dims.empty() || dims.size() > 4)
        throw EngineError("The GGUF tensor '" + name + "' must have 1 to 4 dimensions");
    std::uint64_t elements = 1;
    for (const std::uint64_t size : dims) {
        if (__builtin_mul_overflow(elements, size, &elements))
            throw EngineError("The GGUF tensor '" + name + "' has too many elements");
    }
    const std::uint64_t bytes = GgufFile::tensorBytes(ggmlType, elements);
    if (bytes == 0)
        throw EngineError("The GGUF tensor '" + name + "' cannot be stored as ggml type " + std::to_string(ggmlType) +
                          " (its rows do not fill whole blocks, or the type is unknown)");
    m_tensors.push_back({name, dims, ggmlType, bytes, std::move(data)});
}

std::string GgufWriter::header() const
{
    std::string header = "GGUF";
    append<std::uint32_t>(header, 3);
    append<std::uint64_t>(header, m_tensors.size());
    append<std::uint64_t>(header, m_keyCount);
    header += m_metadata;
    std::uint64_t offset = 0;
    for (const Tensor &tensor : m_tensors) {
        appendString(header, tensor.name);
        append<std::uint32_t>(header, std::uint32_t(tensor.dims.size()));
        for (const std::uint64_t size : tensor.dims)
            append(header, size);
        append(header, tensor.type);
        append(header, offset);
        offset += padded(tensor.bytes, m_alignment);
    }
    header.resize(padded(header.size(), m_alignment), '\0');
    return header;
}

std::uint64_t GgufWriter::fileSize() const
{
    std::uint64_t size = header().size();
    for (const Tensor &tensor : m_tensors)
        size += padded(tensor.bytes, m_alignment);
    return size;
}

void GgufWriter::write(const std::string &path, const EngineProgress &progress) const
{
    AtomicFileWriter file(path);
    file.write(header());
    const std::string padding(m_alignment, '\0');
    for (std::size_t i = 0; i < m_tensors.size(); ++i) {
        const Tensor &tensor = m_tensors[i];
        const std::string bytes = tensor.data();
        if (bytes.size() != tensor.bytes)
            throw EngineError("The GGUF tensor '" + tensor.name + "' came with " + std::to_string(bytes.size()) +
                              " bytes instead of " + std::to_string(tensor.bytes));
        file.write(bytes);
        file.write(padding.data(), padded(tensor.bytes, m_alignment) - tensor.bytes);
        if (progress && !progress(std::int64_t(i + 1), std::int64_t(m_tensors.size())))
            throw EngineError("Writing " + path + " was cancelled; nothing was written", EngineError::Kind::Cancelled);
    }
    file.commit();
}

} // namespace mtm::engine
