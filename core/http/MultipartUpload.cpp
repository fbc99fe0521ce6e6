#include "http/MultipartUpload.h"

#include "Error.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryFile>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(MultipartUpload)
};

Error malformed(const QString &what)
{
    return Error(Error::Kind::InvalidInput, Text::tr("The upload is not a well-formed multipart body: %1").arg(what));
}

QByteArray boundaryOf(const QByteArray &contentType)
{
    static const QRegularExpression pattern(QStringLiteral("boundary=(\"([^\"]+)\"|([^;\\s]+))"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(QString::fromLatin1(contentType));
    if (!match.hasMatch())
        return {};
    return (match.captured(2).isEmpty() ? match.captured(3) : match.captured(2)).toLatin1();
}

} // namespace

UploadedFile extractMultipartFile(const QString &bodyFile, const QByteArray &contentType, const QString &folder)
{
    const QByteArray boundary = boundaryOf(contentType);
    if (boundary.isEmpty() || boundary.size() > 200)
        throw malformed(Text::tr("its Content-Type names no boundary"));
    QFile body(bodyFile);
    if (!body.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Io, Text::tr("The upload cannot be read back: %1").arg(body.errorString()));
    const qint64 size = body.size();
    // Mapped, not read: the body may be gigabytes; the system pages it in as it is searched and copied.
    const uchar *mapped = size > 0 ? body.map(0, size) : nullptr;
    if (!mapped)
        throw malformed(Text::tr("it is empty"));
    const QByteArrayView all(reinterpret_cast<const char *>(mapped), size);
    const QByteArray delimiter = "--" + boundary;
    qsizetype at = all.indexOf(delimiter);
    while (at >= 0) {
        const qsizetype headersStart = at + delimiter.size();
        if (all.sliced(headersStart).startsWith("--"))
            break; // the closing delimiter: no file part
        const qsizetype headersEnd = all.indexOf(QByteArrayView("\r\n\r\n"), headersStart);
        if (headersEnd < 0 || headersEnd - headersStart > 16 * 1024)
            throw malformed(Text::tr("a part's headers do not end"));
        const QByteArray headers = all.sliced(headersStart, headersEnd - headersStart).toByteArray();
        const qsizetype contentStart = headersEnd + 4;
        const qsizetype next = all.indexOf(QByteArray("\r\n" + delimiter), contentStart);
        if (next < 0)
            throw malformed(Text::tr("a part is not closed by the boundary"));
        static const QRegularExpression fileName(QStringLiteral("filename=\"([^\"]*)\""),
                                                 QRegularExpression::CaseInsensitiveOption);
        const QRegularExpressionMatch named = fileName.match(QString::fromUtf8(headers));
        if (named.hasMatch()) {
            UploadedFile file;
            file.fileName = named.captured(1).section(QLatin1Char('/'), -1).section(QLatin1Char('\\'), -1);
            QTemporaryFile out(folder + QStringLiteral("/part-XXXXXX"));
            out.setAutoRemove(false);
            if (!out.open())
                throw Error(Error::Kind::Io, Text::tr("The upload cannot be stored: %1").arg(out.errorString()));
            constexpr qsizetype kPiece = 4 << 20;
            for (qsizetype from = contentStart; from < next; from += kPiece) {
                const qsizetype length = std::min(kPiece, next - from);
                if (out.write(all.data() + from, length) != length) {
                    out.remove();
                    throw Error(Error::Kind::Io, Text::tr("The upload cannot be stored: %1").arg(out.errorString()));
                }
            }
            out.close();
            file.path = out.fileName();
            return file;
        }
        at = next + 2;
    }
    throw malformed(Text::tr("no part carries a file (send it as the form field \"file\" with a file name)"));
}

} // namespace mtm::core
