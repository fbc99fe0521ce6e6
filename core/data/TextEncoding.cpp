#include "data/TextEncoding.h"

#include "Error.h"
#include "data/ImportCancelled.h"
#include "engine/tokenizer/Unicode.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(TextEncoding)
};

bool startsWith(std::string_view head, std::string_view prefix)
{
    return head.substr(0, prefix.size()) == prefix;
}

} // namespace

TextEncoding detectTextEncoding(std::string_view head)
{
    if (startsWith(head, "\xEF\xBB\xBF"))
        return TextEncoding::Utf8WithBom;
    if (startsWith(head, std::string_view("\xFF\xFE\x00\x00", 4)))
        return TextEncoding::Utf32LE;
    if (startsWith(head, std::string_view("\x00\x00\xFE\xFF", 4)))
        return TextEncoding::Utf32BE;
    if (startsWith(head, "\xFF\xFE"))
        return TextEncoding::Utf16LE;
    if (startsWith(head, "\xFE\xFF"))
        return TextEncoding::Utf16BE;
    // Without a byte order mark, UTF-16 text of mostly Latin letters has a NUL in every other byte.
    std::size_t zerosEven = 0, zerosOdd = 0;
    const std::size_t sample = std::min<std::size_t>(head.size(), 4096);
    for (std::size_t i = 0; i < sample; ++i) {
        if (head[i] == '\0')
            (i % 2 == 0 ? zerosEven : zerosOdd) += 1;
    }
    const std::size_t pairs = sample / 2;
    if (pairs > 0 && zerosOdd * 10 > pairs * 4 && zerosEven * 10 < pairs)
        return TextEncoding::Utf16LE;
    if (pairs > 0 && zerosEven * 10 > pairs * 4 && zerosOdd * 10 < pairs)
        return TextEncoding::Utf16BE;
    if (zerosEven + zerosOdd > 0)
        return TextEncoding::Binary;
    return TextEncoding::Utf8;
}

std::string encodingName(TextEncoding encoding)
{
    switch (encoding) {
    case TextEncoding::Utf8:
        return "UTF-8";
    case TextEncoding::Utf8WithBom:
        return "UTF-8 with byte order mark";
    case TextEncoding::Utf16LE:
        return "UTF-16 little-endian";
    case TextEncoding::Utf16BE:
        return "UTF-16 big-endian";
    case TextEncoding::Utf32LE:
        return "UTF-32 little-endian";
    case TextEncoding::Utf32BE:
        return "UTF-32 big-endian";
    case TextEncoding::Binary:
        break;
    }
    return "binary";
}

void convertUtf16ToUtf8(const QString &from, const QString &to, TextEncoding encoding,
                        const ByteStream::ChunkObserver &observer, const Progress &progress)
{
    QFile input(from);
    if (!input.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot open %1: %2").arg(from, input.errorString()));
    QFile output(to);
    if (!output.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(to, output.errorString()));
    const bool littleEndian = encoding == TextEncoding::Utf16LE;
    const qint64 total = input.size();
    const QString name = QFileInfo(from).fileName();

    QByteArray chunk;
    std::string converted;
    qint64 offset = 0; // of chunk[0] in the file
    char16_t highSurrogate = 0;
    qint64 highOffset = 0;
    QByteArray carry; // an odd byte left from the previous chunk
    while (!input.atEnd()) {
        chunk = input.read(1 << 20);
        if (chunk.isEmpty() && input.error() != QFileDevice::NoError)
            throw Error(Error::Kind::Io, Text::tr("Reading %1 failed: %2").arg(from, input.errorString()));
        if (observer)
            observer(chunk.constData(), static_cast<std::size_t>(chunk.size()));
        const qint64 chunkOffset = offset - carry.size();
        QByteArray bytes = carry + chunk;
        offset += chunk.size();
        const qint64 usable = bytes.size() & ~qint64(1);
        carry = bytes.mid(usable);
        converted.clear();
        for (qint64 i = 0; i < usable; i += 2) {
            const auto b0 = static_cast<unsigned char>(bytes[i]), b1 = static_cast<unsigned char>(bytes[i + 1]);
            const char16_t unit = littleEndian ? char16_t(b0 | (b1 << 8)) : char16_t((b0 << 8) | b1);
            const qint64 unitOffset = chunkOffset + i;
            if (unitOffset == 0 && unit == 0xFEFF)
                continue; // byte order mark
            if (highSurrogate) {
                if (unit >= 0xDC00 && unit <= 0xDFFF) {
                    engine::unicode::appendUtf8(converted,
                                                0x10000 + ((char32_t(highSurrogate) - 0xD800) << 10) + (unit - 0xDC00));
                    highSurrogate = 0;
                    continue;
                }
                throw Error(Error::Kind::InvalidInput,
                            Text::tr("%1 is UTF-16 text with an invalid character at byte %2 (a lone high "
                                     "surrogate). Save it as UTF-8 and import it again.")
                                .arg(name)
                                .arg(highOffset));
            }
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                highSurrogate = unit;
                highOffset = unitOffset;
            } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                throw Error(Error::Kind::InvalidInput,
                            Text::tr("%1 is UTF-16 text with an invalid character at byte %2 (a lone low "
                                     "surrogate). Save it as UTF-8 and import it again.")
                                .arg(name)
                                .arg(unitOffset));
            } else {
                engine::unicode::appendUtf8(converted, unit);
            }
        }
        if (output.write(converted.data(), qint64(converted.size())) != qint64(converted.size()))
            throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(to, output.errorString()));
        if (progress && !progress(offset, total))
            throw importCancelled();
    }
    if (highSurrogate || !carry.isEmpty())
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is UTF-16 text that ends in the middle of a character (byte %2). Save it as "
                             "UTF-8 and import it again.")
                        .arg(name)
                        .arg(highSurrogate ? highOffset : total - 1));
    if (!output.flush())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(to, output.errorString()));
}

} // namespace mtm::core
