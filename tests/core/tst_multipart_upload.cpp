// The file part of a multipart/form-data upload taken out of the body on the disk: as browsers, curl -F and
// python-requests send it, and hostile bodies refused saying what is wrong.
#include "Error.h"
#include "http/MultipartUpload.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mtm::core;

class TestMultipartUpload : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_bodies = 0;

    QString body(const QByteArray &bytes)
    {
        QFile file(m_dir.filePath(QStringLiteral("body-%1").arg(++m_bodies)));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(bytes);
        return file.fileName();
    }

    QString refusal(const QByteArray &bytes, const QByteArray &contentType = "multipart/form-data; boundary=XyZ")
    {
        try {
            extractMultipartFile(body(bytes), contentType, m_dir.path());
        } catch (const Error &error) {
            return error.message();
        }
        return QStringLiteral("accepted");
    }

private slots:
    void theFilePartIsTakenOutWhole()
    {
        const QByteArray content = "{\"text\": \"one\"}\r\n{\"text\": \"--XyZ is not the boundary here\"}\r\n";
        const QByteArray bytes =
            "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nmine\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../up.jsonl\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n" +
            content + "\r\n--XyZ--\r\n";
        for (const QByteArray &type :
             {QByteArray("multipart/form-data; boundary=XyZ"), QByteArray("multipart/form-data; boundary=\"XyZ\"")}) {
            const UploadedFile file = extractMultipartFile(body(bytes), type, m_dir.path());
            QCOMPARE(file.fileName, QStringLiteral("up.jsonl")); // the last part of the name only
            QFile out(file.path);
            QVERIFY(out.open(QIODevice::ReadOnly));
            QCOMPARE(out.readAll(), content);
        }
    }

    void hostileBodiesAreRefusedSayingWhy()
    {
        QVERIFY(refusal("--XyZ\r\n\r\nx\r\n--XyZ--", "multipart/form-data").contains(QStringLiteral("no boundary")));
        QVERIFY(refusal("", "multipart/form-data; boundary=" + QByteArray(300, 'b'))
                    .contains(QStringLiteral("no boundary")));
        QVERIFY(refusal("").contains(QStringLiteral("it is empty")));
        QVERIFY(refusal("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ--\r\n")
                    .contains(QStringLiteral("no part carries a file")));
        QVERIFY(refusal("just bytes, no boundary anywhere").contains(QStringLiteral("no part carries a file")));
        QVERIFY(refusal("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,y\r\n")
                    .contains(QStringLiteral("not closed by the boundary")));
        QVERIFY(refusal("--XyZ\r\n" + QByteArray(20000, 'h')).contains(QStringLiteral("headers do not end")));
        QVERIFY(refusal("--XyZ\r\nX: " + QByteArray(20000, 'h') + "\r\n\r\nx\r\n--XyZ--")
                    .contains(QStringLiteral("headers do not end")));
    }
};

QTEST_GUILESS_MAIN(TestMultipartUpload)
#include "tst_multipart_upload.moc"
