#include "engine/io/Safetensors.h"
#include "engine/io/UntrustedJson.h"

#include "engine/EngineError.h"
#include "engine/io/AtomicFileWriter.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace mtm::engine {
namespace {

using nlohmann::json;

struct DtypeInfo
{
    const char *name;
    std::size_t size;
    torch::ScalarType torchType;
    bool torchHasIt;
};

const DtypeInfo kDtypes[] = {
    {"F64", 8, torch::kFloat64, true},   {"F32", 4, torch::kFloat32, true},    {"F16", 2, torch::kFloat16, true},
    {"BF16", 2, torch::kBFloat16, true}, {"I64", 8, torch::kInt64, true},      {"I32", 4, torch::kInt32, true},
    {"I16", 2, torch::kInt16, true},     {"I8", 1, torch::kInt8, true},        {"U8", 1, torch::kUInt8, true},
    {"BOOL", 1, torch::kBool, true},     {"U16", 2, torch::kUInt8, false},     {"U32", 4, torch::kUInt8, false},
    {"U64", 8, torch::kUInt8, false},    {"F8_E4M3", 1, torch::kUInt8, false}, {"F8_E5M2", 1, torch::kUInt8, false},
};

const DtypeInfo *dtypeInfo(const std::string &name)
{
    for (const DtypeInfo &info : kDtypes) {
        if (name == info.name)
            return &info;
    }
    return nullptr;
}

std::uint64_t readLittleEndian64(const std::uint8_t *bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | bytes[i];
    return value;
}

} // namespace

std::size_t safetensorsDtypeSize(const std::string &dtype)
{
    const DtypeInfo *info = dtypeInfo(dtype);
    return info ? info->size : 0;
}

std::string safetensorsDtypeOf(torch::ScalarType type)
{
    for (const DtypeInfo &info : kDtypes) {
        if (info.torchHasIt && info.torchType == type)
            return info.name;
    }
    throw EngineError(std::string("Tensors of type ") + c10::toString(type) + " cannot be saved as safetensors");
}

SafetensorsFile::SafetensorsFile(const std::string &path)
    : m_file(path)
{
    auto fail = [&](const std::string &what) { throw EngineError(path + " is not a valid safetensors file: " + what); };
    const std::size_t fileSize = m_file.size();
    if (fileSize < 8)
        fail("it is " + std::to_string(fileSize) + " bytes long, shorter than the 8-byte header length");
    const std::uint64_t headerSize = readLittleEndian64(m_file.data());
    if (headerSize > kMaxHeaderBytes)
        fail("the header claims " + std::to_string(headerSize) + " bytes; at most " + std::to_string(kMaxHeaderBytes) +
             " are allowed");
    if (headerSize > fileSize - 8)
        fail("the header claims " + std::to_string(headerSize) + " bytes but the file has only " +
             std::to_string(fileSize - 8) + " after the length");
    if (headerSize < 2 || m_file.data()[8] != '{')
        fail("the header does not start with '{'");
    m_dataStart = 8 + headerSize;
    const std::uint64_t dataSize = fileSize - m_dataStart;

    // Parse the header, refusing duplicate names (nlohmann would keep the last one silently).
    std::set<std::string> seen;
    std::string duplicate;
    const auto *begin = reinterpret_cast<const char *>(m_file.data() + 8);
    const json header = parseJson(std::string_view(begin, headerSize), path + "'s header",
                                  [&](int depth, json::parse_event_t event, json &value) {
                                      if (depth == 1 && event == json::parse_event_t::key &&
                                          !seen.insert(value.get<std::string>()).second && duplicate.empty())
                                          duplicate = value.get<std::string>();
                                      return true;
                                  });
    if (!duplicate.empty())
        fail("the tensor '" + duplicate + "' is named twice");
    if (!header.is_object())
        fail("the header is not a JSON object");

    for (auto item = header.begin(); item != header.end(); ++item) {
        const std::string &name = item.key();
        const json &value = item.value();
        if (name == "__metadata__") {
            if (!value.is_object())
                fail("__metadata__ is not an object of strings");
            for (auto meta = value.begin(); meta != value.end(); ++meta) {
                if (!meta.value().is_string())
                    fail("__metadata__ value '" + meta.key() + "' is not a string");
                m_metadata[meta.key()] = meta.value().get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
            !value.contains("data_offsets"))
            fail(where + " needs dtype, shape and data_offsets");
        SafetensorsEntry entry;
        entry.name = name;
        if (!value["dtype"].is_string() || !dtypeInfo(value["dtype"].get<std::string>()))
            fail(where + " has an unknown dtype " + jsonExcerpt(value["dtype"]));
        entry.dtype = value["dtype"].get<std::string>();
        if (!value["shape"].is_array())
            fail(where + " has a shape that is not a list");
        std::uint64_t elements = 1;
        for (const json &dim : value["shape"]) {
            if (!dim.is_number_unsigned())
                fail(where + " has a dimension that is not a non-negative integer: " + jsonExcerpt(dim));
            const std::uint64_t size = dim.get<std::uint64_t>();
            if (size > static_cast<std::uint64_t>(INT64_MAX) || __builtin_mul_overflow(elements, size, &elements))
                fail(where + " has a shape whose element count overflows");
            entry.shape.push_back(static_cast<std::int64_t>(size));
        }
        const json &offsets = value["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned())
            fail(where + " needs data_offsets [begin, end] of non-negative integers");
        entry.begin = offsets[0].get<std::uint64_t>();
        entry.end = offsets[1].get<std::uint64_t>();
        if (entry.end < entry.begin)
            fail(where + " ends (" + std::to_string(entry.end) + ") before it begins (" + std::to_string(entry.begin) +
                 ")");
        std::uint64_t bytes = 0;
        if (__builtin_mul_overflow(elements, safetensorsDtypeSize(entry.dtype), &bytes))
            fail(where + " has a byte size that overflows");
        if (bytes != entry.end - entry.begin)
            fail(where + " takes " + std::to_string(entry.end - entry.begin) + " bytes but its shape and dtype need " +
                 std::to_string(bytes));
        m_entries.push_back(std::move(entry));
    }

    // The data must be covered exactly: from 0, with no gap and no overlap, to the end of the file.
    std::vector<const SafetensorsEntry *> byOffset;
    for (const SafetensorsEntry &entry : m_entries)
        byOffset.push_back(&entry);
    std::sort(byOffset.begin(), byOffset.end(), [](const SafetensorsEntry *a, const SafetensorsEntry *b) {
        return a->begin < b->begin || (a->begin == b->begin && a->end < b->end);
    });
    std::uint64_t expected = 0;
    for (const SafetensorsEntry *entry : byOffset) {
        if (entry->begin < expected)
            fail("tensor '" + entry->name + "' overlaps the tensor before it (it begins at " +
                 std::to_string(entry->begin) + ", the previous one ends at " + std::to_string(expected) + ")");
        if (entry->begin > expected)
            fail("there is a gap of " + std::to_string(entry->begin - expected) + " bytes before tensor '" +
                 entry->name + "'");
        expected = entry->end;
    }
    if (expected != dataSize)
        fail("the tensors cover " + std::to_string(expected) + " bytes of data but the file holds " +
             std::to_string(dataSize));
    std::sort(m_entries.begin(), m_entries.end(),
              [](const SafetensorsEntry &a, const SafetensorsEntry &b) { return a.begin < b.begin; });
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        m_index[m_entries[i].name] = i;
}

const SafetensorsEntry *SafetensorsFile::find(const std::string &name) const
{
    const auto found = m_index.find(name);
    return found == m_index.end() ? nullptr : &m_entries[found->second];
}

torch::Tensor SafetensorsFile::load(const std::string &name) const
{
    const SafetensorsEntry *entry = find(name);
    if (!entry)
        throw EngineError(path() + " has no tensor '" + name + "'");
    const DtypeInfo *info = dtypeInfo(entry->dtype);
    if (!info->torchHasIt)
        throw EngineError("Tensor '" + name + "' in " + path() + " has the dtype " + entry->dtype +
                          ", which this engine cannot load");
    torch::Tensor tensor = torch::empty(entry->shape, torch::TensorOptions().dtype(info->torchType));
    if (entry->end > entry->begin) {
        std::memcpy(tensor.data_ptr(), m_file.data() + m_dataStart + entry->begin, entry->end - entry->begin);
        m_file.release(m_dataStart + entry->begin, m_dataStart + entry->end); // copied: the file need not stay
    }
    return tensor;
}

void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                      const std::map<std::string, std::string> &metadata)
{
    json header = json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::vector<torch::Tensor> contiguous;
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        if (name == "__metadata__" || !names.insert(name).second)
            throw EngineError("Cannot write " + path + ": the tensor name '" + name + "' is used twice or reserved");
        torch::Tensor data = tensor.detach().to(torch::kCPU).contiguous();
        const std::uint64_t bytes = static_cast<std::uint64_t>(data.numel()) * data.element_size();
        header[name] = {{"dtype", safetensorsDtypeOf(data.scalar_type())},
                        {"shape", data.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        contiguous.push_back(std::move(data));
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' '); // the data then starts 8-byte aligned
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(text.size()) >> (8 * i));

    AtomicFileWriter file(path);
    file.write(length, sizeof length);
    file.write(text);
    for (const torch::Tensor &data : contiguous)
        file.write(data.data_ptr(), static_cast<std::size_t>(data.numel()) * data.element_size());
    file.commit();
}

} // namespace mtm::engine
