#include "rag/VectorIndex.h"

#include "EngineCall.h"
#include "Error.h"
#include "engine/RuntimeInfo.h"
#include "engine/io/DurableFiles.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_io.h>
#include <omp.h>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(VectorIndex)
};

// FAISS works with OpenMP's threads, whose number is kept for each thread apart: a job's or a service's thread would
// otherwise have OMP_NUM_THREADS's (often 1), not the app's setting.
void useTheAppsThreads()
{
    omp_set_num_threads(engine::cpuThreadsInUse());
}

constexpr int kHnswNeighbours = 32; // links per vector: FAISS's usual choice for good recall
constexpr int kHnswBuildBreadth = 80;
constexpr int kHnswSearchBreadth = 96; // candidates looked at per search: recall near the exact search's

} // namespace

QString VectorIndex::kindName(Kind kind)
{
    return kind == Kind::Exact ? QStringLiteral("IndexFlatIP") : QStringLiteral("IndexHNSWFlat");
}

VectorIndex::VectorIndex(int dimension, Kind kind)
    : m_kind(kind)
{
    if (kind == Kind::Exact) {
        m_index = std::make_unique<faiss::IndexFlatIP>(dimension);
    } else {
        auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(dimension, kHnswNeighbours, faiss::METRIC_INNER_PRODUCT);
        hnsw->hnsw.efConstruction = kHnswBuildBreadth;
        hnsw->hnsw.efSearch = kHnswSearchBreadth;
        m_index = std::move(hnsw);
    }
}

VectorIndex::VectorIndex(std::unique_ptr<faiss::Index> index, Kind kind)
    : m_index(std::move(index))
    , m_kind(kind)
{}

VectorIndex::VectorIndex(VectorIndex &&) noexcept = default;
VectorIndex &VectorIndex::operator=(VectorIndex &&) noexcept = default;
VectorIndex::~VectorIndex() = default;

VectorIndex VectorIndex::read(const QString &path)
{
    if (!QFileInfo::exists(path))
        throw Error(Error::Kind::NotFound, Text::tr("There is no index %1.").arg(path));
    std::unique_ptr<faiss::Index> index;
    try {
        index.reset(faiss::read_index(QFile::encodeName(path).constData()));
    } catch (const faiss::FaissException &error) {
        throw Error(
            Error::Kind::InvalidInput,
            Text::tr("%1 is not a FAISS index this app can read: %2").arg(path, QString::fromStdString(error.msg)));
    }
    if (auto *hnsw = dynamic_cast<faiss::IndexHNSWFlat *>(index.get())) {
        hnsw->hnsw.efSearch = kHnswSearchBreadth;
        if (index->metric_type == faiss::METRIC_INNER_PRODUCT)
            return VectorIndex(std::move(index), Kind::Hnsw);
    } else if (dynamic_cast<faiss::IndexFlatIP *>(index.get())) {
        return VectorIndex(std::move(index), Kind::Exact);
    }
    throw Error(Error::Kind::InvalidInput,
                Text::tr("%1 is a FAISS index of another kind (this app writes IndexFlatIP and IndexHNSWFlat with "
                         "inner product).")
                    .arg(path));
}

int VectorIndex::dimension() const
{
    return int(m_index->d);
}

qint64 VectorIndex::size() const
{
    return qint64(m_index->ntotal);
}

void VectorIndex::add(const std::vector<float> &rows)
{
    if (rows.size() % std::size_t(dimension()) != 0)
        throw Error(Error::Kind::Internal,
                    Text::tr("Vectors of the wrong length for an index of %1 dimensions.").arg(dimension()));
    useTheAppsThreads();
    m_index->add(faiss::Index::idx_t(rows.size() / std::size_t(dimension())), rows.data());
}

std::vector<std::vector<VectorIndex::Hit>> VectorIndex::search(const std::vector<float> &queries, int k) const
{
    const std::size_t count = queries.size() / std::size_t(dimension());
    const int wanted = int(std::min<qint64>(k, size()));
    std::vector<std::vector<Hit>> results(count);
    if (wanted <= 0)
        return results;
    std::vector<float> scores(count * std::size_t(wanted));
    std::vector<faiss::Index::idx_t> ids(count * std::size_t(wanted));
    useTheAppsThreads();
    m_index->search(faiss::Index::idx_t(count), queries.data(), wanted, scores.data(), ids.data());
    for (std::size_t q = 0; q < count; ++q)
        for (int i = 0; i < wanted; ++i) {
            const std::size_t at = q * std::size_t(wanted) + std::size_t(i);
            if (ids[at] >= 0)
                results[q].push_back({qint64(ids[at]), scores[at]});
        }
    return results;
}

void VectorIndex::write(const QString &path) const
{
    const QString temporary = path + QStringLiteral(".partial");
    try {
        faiss::write_index(m_index.get(), QFile::encodeName(temporary).constData());
    } catch (const faiss::FaissException &error) {
        QFile::remove(temporary);
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(path, QString::fromStdString(error.msg)));
    }
    callEngine([&] { engine::syncFile(QFile::encodeName(temporary).toStdString()); });
    QFile::remove(path);
    if (!QFile::rename(temporary, path)) {
        QFile::remove(temporary);
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1.").arg(path));
    }
    callEngine([&] { engine::syncDirectory(QFileInfo(path).absolutePath().toStdString()); });
}

} // namespace mtm::core
