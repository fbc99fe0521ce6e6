// Writes GGUF v3 files (../shared/reference/formats.md §6): metadata of every value type, then the tensor
// directory, then each tensor's data at its aligned offset. Tensor data is produced only when the file is
// written, one tensor at a time, so that a model is never held twice in memory; the file is written under a
// temporary name and renamed into place whole (AtomicFileWriter).
#pragma once

#include "engine/EngineProgress.h"

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace mtm::engine {

class GgufWriter
{
public:
    // Produces a tensor's bytes, exactly GgufFile::tensorBytes(type, elements) of them.
    using TensorData = std::function<std::string()>;

    explicit GgufWriter(std::uint32_t alignment = 32); // also written as general.alignment when not 32

    void addString(const std::string &key, const std::string &value);
    void addUInt32(const std::string &key, std::uint32_t value);
    void addInt32(const std::string &key, std::int32_t value);
    void addUInt64(const std::string &key, std::uint64_t value);
    void addFloat32(const std::string &key, float value);
    void addBool(const std::string &key, bool value);
    void addStrings(const std::string &key, const std::vector<std::string> &values);
    void addInt32s(const std::string &key, const std::vector<std::int32_t> &values);
    void addFloat32s(const std::string &key, const std::vector<float> &values);

    // dims in ggml order (dims[0] innermost: a PyTorch shape reversed); ggmlType a ggml_type id.
    void addTensor(const std::string &name, const std::vector<std::uint64_t> &dims, std::uint32_t ggmlType,
                   TensorData data);

    // The size of the file write() writes, in bytes, without producing any tensor.
    std::uint64_t fileSize() const;
    // Writes the file; progress(tensors written, tensors) after each tensor. Throws EngineError (Io, or
    // Cancelled with nothing left behind).
    void write(const std::string &path, const EngineProgress &progress = {}) const;

private:
    struct Tensor
    {
        std::string name;
        std::vector<std::uint64_t> dims;
        std::uint32_t type;
        std::uint64_t bytes;
        TensorData data;
    };

    void key(const std::string &name, std::uint32_t valueType);
    std::string header() const; // up to the first tensor's data, padded

    std::uint32_t m_alignment;
    std::string m_metadata; // the encoded key/value pairs
    std::uint64_t m_keyCount = 0;
    std::set<std::string> m_keys;
    std::vector<Tensor> m_tensors;
    std::set<std::string> m_tensorNames;
};

} // namespace mtm::engine
