// Tests that the system report names the real versions of Qt, LibTorch and FAISS and the compute device.
#include "system/CpuThreads.h"
#include "system/SystemInfo.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

using namespace mtm::core;

class TestSystemInfo : public QObject
{
    Q_OBJECT

private slots:
    void reportsVersions()
    {
        const SystemInfo info = SystemInfo::collect();
        QCOMPARE(info.appVersion, QStringLiteral(MTM_VERSION));
        QCOMPARE(info.qtRuntimeVersion, QString::fromLatin1(qVersion()));
        const QRegularExpression version(QStringLiteral("^\\d+\\.\\d+\\.\\d+$"));
        QVERIFY2(version.match(info.torchVersion).hasMatch(), qPrintable(info.torchVersion));
        QVERIFY2(version.match(info.faissVersion).hasMatch(), qPrintable(info.faissVersion));
    }

    void rowsNameEveryComponent()
    {
        const SystemInfo info = SystemInfo::collect();
        QStringList labels;
        for (const auto &row : info.rows()) {
            labels << row.first;
            QVERIFY2(!row.second.isEmpty(), qPrintable(row.first));
        }
        for (const char *expected : {"Qt", "LibTorch", "FAISS", "CUDA", "Compute device", "CPU"})
            QVERIFY2(labels.contains(QLatin1String(expected)), expected);
    }

    void computeDeviceFollowsTheThreadSetting()
    {
        applyCpuThreads(2);
        SystemInfo info = SystemInfo::collect();
        QCOMPARE(info.cpuThreads, 2);
        if (!info.cudaAvailable)
            QCOMPARE(info.computeDevice, QStringLiteral("CPU · 2 threads"));
        applyCpuThreads(1);
        info = SystemInfo::collect();
        if (!info.cudaAvailable)
            QCOMPARE(info.computeDevice, QStringLiteral("CPU · 1 thread"));
    }

    void jsonHasTheSameFacts()
    {
        const SystemInfo info = SystemInfo::collect();
        const QJsonObject json = info.toJson();
        QCOMPARE(json.value(QStringLiteral("libtorch")).toString(), info.torchVersion);
        QCOMPARE(json.value(QStringLiteral("faiss")).toString(), info.faissVersion);
        QCOMPARE(json.value(QStringLiteral("qt")).toString(), info.qtRuntimeVersion);
        QCOMPARE(json.value(QStringLiteral("cuda_available")).toBool(), info.cudaAvailable);
    }
};

QTEST_GUILESS_MAIN(TestSystemInfo)
#include "tst_system_info.moc"
