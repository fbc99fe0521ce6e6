// Documents cut into the pieces a retrieval index holds: runs of whole words of at most `size` tokens (the
// embedder's) or characters, each overlapping the one before by about `overlap`; a document that fits is one
// chunk. Each chunk keeps where it came from: its record and its place in the record's text.
#pragma once

#include <QString>
#include <QVector>

#include <functional>

namespace mtm::core {

struct ChunkSettings
{
    enum class Unit { Tokens, Characters };
    Unit unit = Unit::Tokens;
    int size = 200;
    int overlap = 40;

    static QString unitId(Unit unit); // "tokens", "characters"
};

struct Chunk
{
    QString text;
    qint64 record = 0; // the record's place in the dataset, from 0
    int part = 0;      // the chunk's place among the record's, from 0
    qint64 start = 0;  // where in the record's text it begins and ends (UTF-16 offsets, as QString counts)
    qint64 end = 0;
};

// countTokens(word): how many tokens a word makes (for Unit::Tokens). Words are runs of non-blank characters.
QVector<Chunk> chunkText(const QString &text, qint64 record, const ChunkSettings &settings,
                         const std::function<qint64(const QString &word)> &countTokens);

} // namespace mtm::core
