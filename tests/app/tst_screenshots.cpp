// Runs the desktop app's screenshot mode: the real executable opens its data directory and store and writes
// a PNG of every page and dialog.
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void writesAPictureOfEveryPageAndDialog()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString output = dir.filePath(QStringLiteral("shots"));
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("MTM_DATA_DIR"), dir.filePath(QStringLiteral("data")));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(MTM_DESKTOP_PATH), {QStringLiteral("--screenshots"), output});
        QVERIFY(process.waitForFinished(120000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

        const QStringList listed =
            QString::fromUtf8(process.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const QStringList expected = {
            QStringLiteral("page-datasets.png"),      QStringLiteral("page-training-jobs.png"),
            QStringLiteral("page-deployment.png"),    QStringLiteral("dataset-statistics.png"),
            QStringLiteral("dataset-validation.png"), QStringLiteral("dialog-import-review.png"),
            QStringLiteral("dialog-new-job.png"),     QStringLiteral("dialog-settings.png"),
            QStringLiteral("dialog-about.png")}; // no job yet: no job-log, job-summary or job-chat
        QCOMPARE(listed.size(), expected.size());
        for (const QString &name : expected) {
            const QImage image(QDir(output).filePath(name));
            QVERIFY2(!image.isNull(), qPrintable(name));
            QVERIFY2(image.width() >= 300 && image.height() >= 150, qPrintable(name));
        }
        QVERIFY(QFileInfo(QDir(output).filePath(QStringLiteral("page-datasets.png"))).size() > 5000);
        QVERIFY2(QFileInfo::exists(dir.filePath(QStringLiteral("data/mtm.sqlite"))),
                 "the app did not create its store");
    }
};

QTEST_GUILESS_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
