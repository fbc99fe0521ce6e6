#include "rag/Bm25Index.h"

#include "engine/embed/WordPiece.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mtm::core {
namespace {

constexpr double kK1 = 1.2, kB = 0.75;

std::vector<std::string> wordsOf(const QString &text)
{
    return engine::WordPieceTokenizer::bertWords(text.toStdString(), {});
}

} // namespace

Bm25Index::Bm25Index(const QStringList &documents)
{
    double total = 0;
    for (qsizetype id = 0; id < documents.size(); ++id) {
        const std::vector<std::string> words = wordsOf(documents[id]);
        std::map<std::string, int> counts;
        for (const std::string &word : words)
            ++counts[word];
        for (const auto &[word, count] : counts)
            m_postings[word].emplace_back(qint64(id), count);
        m_lengths.push_back(int(words.size()));
        total += double(words.size());
    }
    m_averageLength = m_lengths.empty() ? 1 : std::max(1.0, total / double(m_lengths.size()));
}

std::vector<Bm25Index::Hit> Bm25Index::search(const QString &query, int k) const
{
    const double documents = double(m_lengths.size());
    std::unordered_map<qint64, double> scores;
    std::vector<std::string> words = wordsOf(query);
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    for (const std::string &word : words) {
        const auto found = m_postings.find(word);
        if (found == m_postings.end())
            continue;
        const double frequency = double(found->second.size());
        const double idf = std::log1p((documents - frequency + 0.5) / (frequency + 0.5));
        for (const auto &[id, count] : found->second) {
            const double length = double(m_lengths[std::size_t(id)]);
            scores[id] += idf * count * (kK1 + 1) / (count + kK1 * (1 - kB + kB * length / m_averageLength));
        }
    }
    std::vector<Hit> hits;
    hits.reserve(scores.size());
    for (const auto &[id, score] : scores)
        hits.push_back({id, score});
    std::sort(hits.begin(), hits.end(),
              [](const Hit &a, const Hit &b) { return a.score != b.score ? a.score > b.score : a.id < b.id; });
    if (hits.size() > std::size_t(std::max(0, k)))
        hits.resize(std::size_t(std::max(0, k)));
    return hits;
}

} // namespace mtm::core
