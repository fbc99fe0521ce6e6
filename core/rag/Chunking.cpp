#include "rag/Chunking.h"

#include <QRegularExpression>

namespace mtm::core {

QString ChunkSettings::unitId(Unit unit)
{
    return unit == Unit::Tokens ? QStringLiteral("tokens") : QStringLiteral("characters");
}

QVector<Chunk> chunkText(const QString &text, qint64 record, const ChunkSettings &settings,
                         const std::function<qint64(const QString &word)> &countTokens)
{
    struct Word
    {
        qint64 start, end, cost;
    };
    QVector<Word> words;
    static const QRegularExpression nonBlank(QStringLiteral("\\S+"));
    for (auto match = nonBlank.globalMatch(text); match.hasNext();) {
        const QRegularExpressionMatch word = match.next();
        const qint64 cost = settings.unit == ChunkSettings::Unit::Tokens
                                ? std::max<qint64>(1, countTokens(word.captured()))
                                : word.capturedLength() + (words.isEmpty() ? 0 : 1); // and the space before it
        words.append({word.capturedStart(), word.capturedEnd(), cost});
    }
    QVector<Chunk> chunks;
    const qint64 size = std::max(1, settings.size);
    const qint64 overlap = std::clamp<qint64>(settings.overlap, 0, size - 1);
    for (qsizetype first = 0; first < words.size();) {
        // As many words as fit (at least one), then back by the overlap for the next chunk.
        qsizetype last = first;
        qint64 cost = words[first].cost;
        while (last + 1 < words.size() && cost + words[last + 1].cost <= size)
            cost += words[++last].cost;
        Chunk chunk;
        chunk.record = record;
        chunk.part = int(chunks.size());
        chunk.start = words[first].start;
        chunk.end = words[last].end;
        chunk.text = text.mid(chunk.start, chunk.end - chunk.start);
        chunks.append(chunk);
        if (last + 1 >= words.size())
            break;
        qsizetype next = last + 1;
        qint64 kept = 0;
        while (next - 1 > first && kept + words[next - 1].cost <= overlap)
            kept += words[--next].cost;
        first = next;
    }
    return chunks;
}

} // namespace mtm::core
