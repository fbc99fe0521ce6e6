// Model archives: a folder round trip (GNU tar reads what the app writes, as the user guide's commands do), and
// each kind of malicious archive refused with nothing written outside a temporary folder that is then gone.
#include "Error.h"
#include "deploy/ModelArchive.h"

#include <archive.h>
#include <archive_entry.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mtm::core;

namespace {

struct Entry
{
    QByteArray name;
    int type = AE_IFREG;
    QByteArray content;
    QByteArray link; // symlink target, or hardlink source with hardlink = true
    bool hardlink = false;
};

// A tar.gz written by libarchive as another program would write it, malicious names and types included.
void writeTar(const QString &path, const QList<Entry> &entries)
{
    struct archive *archive = archive_write_new();
    archive_write_add_filter_gzip(archive);
    archive_write_set_format_pax_restricted(archive);
    QVERIFY(archive_write_open_filename(archive, QFile::encodeName(path).constData()) == ARCHIVE_OK);
    for (const Entry &item : entries) {
        struct archive_entry *entry = archive_entry_new();
        archive_entry_set_pathname(entry, item.name.constData());
        archive_entry_set_filetype(entry, item.type);
        archive_entry_set_perm(entry, 0644);
        if (item.hardlink)
            archive_entry_set_hardlink(entry, item.link.constData());
        else if (item.type == AE_IFLNK)
            archive_entry_set_symlink(entry, item.link.constData());
        if (item.type == AE_IFCHR)
            archive_entry_set_rdev(entry, 0x0103);
        archive_entry_set_size(entry, item.type == AE_IFREG && !item.hardlink ? item.content.size() : 0);
        archive_write_header(archive, entry);
        if (!item.content.isEmpty())
            archive_write_data(archive, item.content.constData(), size_t(item.content.size()));
        archive_entry_free(entry);
    }
    archive_write_close(archive);
    archive_write_free(archive);
}

QByteArray randomBytes(int size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator random(seed);
    random.fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
    return bytes;
}

QStringList everythingUnder(const QString &folder)
{
    QStringList paths;
    QDirIterator it(folder, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << QDir(folder).relativeFilePath(it.next());
    paths.sort();
    return paths;
}

} // namespace

Q_DECLARE_METATYPE(Entry)

class TestModelArchive : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void aFolderRoundTripsAndTarReadsIt()
    {
        const QString folder = path(QStringLiteral("job_3/lora_model"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/nested/deeper")));
        const QMap<QString, QByteArray> files = {
            {QStringLiteral("adapter_config.json"), QByteArray("{\"peft_type\": \"LORA\"}\n")},
            {QStringLiteral("adapter_model.safetensors"), randomBytes(3 << 20, 1)},
            {QStringLiteral("empty.txt"), QByteArray()},
            {QStringLiteral("nested/deeper/notes – ü.txt"), QByteArray("unicode name")},
        };
        for (auto it = files.begin(); it != files.end(); ++it) {
            QFile file(folder + QLatin1Char('/') + it.key());
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(it.value());
        }
        QVERIFY(QFile::link(folder + QStringLiteral("/empty.txt"), folder + QStringLiteral("/a-link")));

        const QString archive = path(QStringLiteral("model_job_3.tar.gz"));
        qint64 lastDone = -1, lastTotal = -1;
        writeModelArchive({folder}, archive, [&](qint64 done, qint64 total) {
            lastDone = done;
            lastTotal = total;
            return true;
        });
        QCOMPARE(lastDone, lastTotal);
        QVERIFY(lastTotal > 3 << 20);

        // The guide's own command reads it: files under the folder's name, the link left out.
        QProcess tar;
        tar.start(QStringLiteral("tar"), {QStringLiteral("-tzf"), archive});
        QVERIFY(tar.waitForFinished(30000));
        QCOMPARE(tar.exitCode(), 0);
        QStringList listed =
            QString::fromUtf8(tar.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        listed.sort();
        QStringList expected;
        for (auto it = files.begin(); it != files.end(); ++it)
            expected << QStringLiteral("lora_model/") + it.key();
        expected.sort();
        QCOMPARE(listed, expected);

        const QString target = path(QStringLiteral("opened"));
        extractModelArchive(archive, target, {});
        for (auto it = files.begin(); it != files.end(); ++it) {
            QFile file(target + QStringLiteral("/lora_model/") + it.key());
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(it.key()));
            QCOMPARE(file.readAll(), it.value());
        }
        QVERIFY(!QFileInfo::exists(target + QStringLiteral("/lora_model/a-link")));
        // Nothing but the target was left beside it (no staging folder).
        QCOMPARE(QDir(m_dir.path())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                     .count(QStringLiteral(".opened")),
                 0);

        // An existing target is not overwritten.
        try {
            extractModelArchive(archive, target, {});
            QFAIL("an existing folder was overwritten");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Conflict);
        }
    }

    void maliciousArchivesAreRefused_data()
    {
        QTest::addColumn<QList<Entry>>("entries");
        QTest::addColumn<QString>("message");
        const Entry fine{"model/config.json", AE_IFREG, "{}", {}, false};
        QTest::newRow("absolute path") << QList<Entry>{fine, {"/tmp/mtm-evil-absolute", AE_IFREG, "x", {}, false}}
                                       << QStringLiteral("is an absolute path");
        QTest::newRow("dot dot") << QList<Entry>{fine, {"../evil-dotdot", AE_IFREG, "x", {}, false}}
                                 << QStringLiteral("climbs out of its folder");
        QTest::newRow("dot dot inside") << QList<Entry>{fine, {"model/../../evil-inside", AE_IFREG, "x", {}, false}}
                                        << QStringLiteral("climbs out of its folder");
        QTest::newRow("symlink") << QList<Entry>{fine, {"model/passwd", AE_IFLNK, {}, "/etc/passwd", false}}
                                 << QStringLiteral("is a link");
        QTest::newRow("symlink then write through it")
            << QList<Entry>{{"model/out", AE_IFLNK, {}, "..", false},
                            {"model/out/evil-through", AE_IFREG, "x", {}, false}}
            << QStringLiteral("is a link");
        QTest::newRow("hardlink") << QList<Entry>{fine, {"model/hard", AE_IFREG, {}, "/etc/passwd", true}}
                                  << QStringLiteral("is a link");
        QTest::newRow("device") << QList<Entry>{fine, {"model/tty", AE_IFCHR, {}, {}, false}}
                                << QStringLiteral("is a device, pipe or other special file");
        QTest::newRow("fifo") << QList<Entry>{fine, {"model/pipe", AE_IFIFO, {}, {}, false}}
                              << QStringLiteral("is a device, pipe or other special file");
        QTest::newRow("twice") << QList<Entry>{fine, {"model/config.json", AE_IFREG, "{\"evil\": 1}", {}, false}}
                               << QStringLiteral("appears twice");
        QTest::newRow("backslash") << QList<Entry>{fine, {"model\\..\\..\\evil", AE_IFREG, "x", {}, false}}
                                   << QStringLiteral("holds a backslash");
        // 64 MiB of zeros: about 64 KiB compressed, a thousandfold.
        QTest::newRow("bomb") << QList<Entry>{fine,
                                              {"model/zeros.bin", AE_IFREG, QByteArray(64 << 20, '\0'), {}, false}}
                              << QStringLiteral("a decompression bomb");
        QList<Entry> many;
        for (int i = 0; i < 12; ++i)
            many << Entry{"model/" + QByteArray::number(i), AE_IFREG, "x", {}, false};
        QTest::newRow("too many entries") << many << QStringLiteral("more than 10 entries");
    }

    void maliciousArchivesAreRefused()
    {
        QFETCH(QList<Entry>, entries);
        QFETCH(QString, message);
        QTemporaryDir sandbox;
        const QString archive = sandbox.filePath(QStringLiteral("evil.tar.gz"));
        writeTar(archive, entries);
        const QString target = sandbox.filePath(QStringLiteral("inside/opened"));
        try {
            extractModelArchive(archive, target, {}, ArchiveBounds{100, 1 << 20, 10});
            QFAIL("the archive was opened");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(message), qPrintable(error.message()));
            QVERIFY2(error.message().contains(archive), qPrintable(error.message()));
            QCOMPARE(error.kind(), Error::Kind::InvalidInput);
        }
        // Nothing outside: the sandbox holds the archive and the (empty) parent of the target, nothing else.
        QCOMPARE(everythingUnder(sandbox.path()),
                 (QStringList{QStringLiteral("evil.tar.gz"), QStringLiteral("inside")}));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/mtm-evil-absolute")));
    }

    void damagedAndForeignFilesAreRefused()
    {
        const QString text = path(QStringLiteral("notes.tar.gz"));
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("these are notes, not an archive\n");
        file.close();
        // A real archive cut in half.
        const QString whole = path(QStringLiteral("whole.tar.gz"));
        writeTar(whole, {{"model/weights.bin", AE_IFREG, randomBytes(1 << 20, 2), {}, false}});
        QFile in(whole);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QString cut = path(QStringLiteral("cut.tar.gz"));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(in.size() / 2));
        out.close();
        for (const QString &archive : {text, cut}) {
            const QString target = path(QStringLiteral("from-") + QFileInfo(archive).baseName());
            try {
                extractModelArchive(archive, target, {});
                QFAIL(qPrintable(archive + QStringLiteral(" was opened")));
            } catch (const Error &error) {
                QCOMPARE(error.kind(), Error::Kind::InvalidInput);
                QVERIFY2(error.message().contains(QStringLiteral("archive")), qPrintable(error.message()));
            }
            QVERIFY(!QFileInfo::exists(target));
        }
    }

    void cancellingLeavesNothing()
    {
        const QString folder = path(QStringLiteral("big/standard_model"));
        QVERIFY(QDir().mkpath(folder));
        QFile weights(folder + QStringLiteral("/model.safetensors"));
        QVERIFY(weights.open(QIODevice::WriteOnly));
        weights.write(randomBytes(4 << 20, 3));
        weights.close();
        const QString archive = path(QStringLiteral("big.tar.gz"));
        try {
            writeModelArchive({folder}, archive, [](qint64 done, qint64) { return done < (2 << 20); });
            QFAIL("not cancelled");
        } catch (const Error &error) {
            QVERIFY(error.isCancelled());
        }
        QVERIFY(!QFileInfo::exists(archive));
        writeModelArchive({folder}, archive, {});
        const QString target = path(QStringLiteral("big-opened"));
        try {
            extractModelArchive(archive, target, [](qint64 done, qint64) { return done < (2 << 20); });
            QFAIL("not cancelled");
        } catch (const Error &error) {
            QVERIFY(error.isCancelled());
        }
        QVERIFY(!QFileInfo::exists(target));
        QCOMPARE(QDir(m_dir.path())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                     .filter(QStringLiteral("big-opened")),
                 QStringList());
    }
};

QTEST_GUILESS_MAIN(TestModelArchive)
#include "tst_model_archive.moc"
