// BM25 (k1 = 1.2, b = 0.75) over the chunks' words, normalised as BERT normalises them (lowercase, no accents,
// punctuation apart): the keyword side of hybrid retrieval. Built from the chunks' texts when a model is opened.
#pragma once

#include <QString>
#include <QStringList>

#include <string>
#include <unordered_map>
#include <vector>

namespace mtm::core {

class Bm25Index
{
public:
    explicit Bm25Index(const QStringList &documents);

    struct Hit
    {
        qint64 id = 0;
        double score = 0;
    };
    // The k best documents that share a word with the query, best first.
    std::vector<Hit> search(const QString &query, int k) const;

private:
    std::unordered_map<std::string, std::vector<std::pair<qint64, int>>> m_postings; // word: (document, count)
    std::vector<int> m_lengths;
    double m_averageLength = 0;
};

} // namespace mtm::core
