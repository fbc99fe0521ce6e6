// A FAISS index of unit vectors searched by inner product (cosine similarity): exact (IndexFlatIP) for small
// collections, HNSW graph search (IndexHNSWFlat) for large ones; written as FAISS writes it, so that faiss.read_index
// in Python opens the file.
#pragma once

#include <QString>

#include <memory>
#include <vector>

namespace faiss {
struct Index;
}

namespace mtm::core {

class VectorIndex
{
public:
    enum class Kind { Exact, Hnsw };
    static QString kindName(Kind kind); // "IndexFlatIP", "IndexHNSWFlat"

    VectorIndex(int dimension, Kind kind);
    // Throws Error (NotFound, or InvalidInput for a file FAISS cannot read or an index of another kind).
    static VectorIndex read(const QString &path);
    VectorIndex(VectorIndex &&) noexcept;
    VectorIndex &operator=(VectorIndex &&) noexcept;
    ~VectorIndex();

    int dimension() const;
    Kind kind() const { return m_kind; }
    qint64 size() const;

    // rows.size() / dimension() vectors, numbered in the order added.
    void add(const std::vector<float> &rows);
    struct Hit
    {
        qint64 id = 0;
        float score = 0;
    };
    // The k best of each query (fewer when the index holds fewer), best first.
    std::vector<std::vector<Hit>> search(const std::vector<float> &queries, int k) const;
    // Writes the file whole or not at all. Throws Error (Io).
    void write(const QString &path) const;

private:
    VectorIndex(std::unique_ptr<faiss::Index> index, Kind kind);

    std::unique_ptr<faiss::Index> m_index;
    Kind m_kind;
};

} // namespace mtm::core
