#include "system/SystemInfo.h"

#include "EngineCall.h"
#include "engine/RuntimeInfo.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QtGlobal>

#include <faiss/Index.h>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(SystemInfo)
};

} // namespace

SystemInfo SystemInfo::collect()
{
    const engine::RuntimeInfo runtime = callEngine([] { return engine::queryRuntimeInfo(); });
    SystemInfo info;
    info.appVersion = QStringLiteral(MTM_VERSION);
    info.qtRuntimeVersion = QString::fromLatin1(qVersion());
    info.qtBuildVersion = QStringLiteral(QT_VERSION_STR);
    info.torchVersion = QString::fromStdString(runtime.torchVersion);
    info.faissVersion =
        QStringLiteral("%1.%2.%3").arg(FAISS_VERSION_MAJOR).arg(FAISS_VERSION_MINOR).arg(FAISS_VERSION_PATCH);
    info.cudaCompiled = runtime.cudaCompiled;
    info.cudaAvailable = runtime.cudaAvailable;
    info.cudaStatus = QString::fromStdString(runtime.cudaStatus());
    for (const engine::CudaDeviceInfo &device : runtime.cudaDevices) {
        info.cudaDevices << QStringLiteral("%1: %2, %3 GiB, compute %4.%5")
                                .arg(device.index)
                                .arg(QString::fromStdString(device.name))
                                .arg(device.totalMemoryBytes / double(1 << 30), 0, 'f', 1)
                                .arg(device.computeCapabilityMajor)
                                .arg(device.computeCapabilityMinor);
    }
    info.computeDevice = QString::fromStdString(runtime.deviceSummary());
    info.cpuThreads = runtime.cpuThreads;
    info.cpuCores = runtime.cpuCores;
    info.cpuModel = QString::fromStdString(runtime.cpuModel);
    info.cpuHasBf16 = runtime.cpuHasBf16;
    return info;
}

QVector<QPair<QString, QString>> SystemInfo::rows() const
{
    QVector<QPair<QString, QString>> rows;
    rows.append({Text::tr("Model Training Manager"), appVersion});
    rows.append({QStringLiteral("Qt"), qtRuntimeVersion == qtBuildVersion
                                           ? qtRuntimeVersion
                                           : Text::tr("%1 (built with %2)").arg(qtRuntimeVersion, qtBuildVersion)});
    rows.append({QStringLiteral("LibTorch"), torchVersion});
    rows.append({QStringLiteral("FAISS"), faissVersion});
    rows.append({QStringLiteral("CUDA"), cudaStatus});
    for (const QString &device : cudaDevices)
        rows.append({QStringLiteral("GPU"), device});
    rows.append({Text::tr("Compute device"), computeDevice});
    rows.append(
        {QStringLiteral("CPU"), Text::tr("%1, %2 logical cores, bf16 %3")
                                    .arg(cpuModel.isEmpty() ? Text::tr("unknown model") : cpuModel)
                                    .arg(cpuCores)
                                    .arg(cpuHasBf16 ? Text::tr("native (AVX-512 BF16/AMX)") : Text::tr("emulated"))});
    return rows;
}

QJsonObject SystemInfo::toJson() const
{
    return QJsonObject{
        {QStringLiteral("version"), appVersion},
        {QStringLiteral("qt"), qtRuntimeVersion},
        {QStringLiteral("qt_build"), qtBuildVersion},
        {QStringLiteral("libtorch"), torchVersion},
        {QStringLiteral("faiss"), faissVersion},
        {QStringLiteral("cuda_compiled"), cudaCompiled},
        {QStringLiteral("cuda_available"), cudaAvailable},
        {QStringLiteral("cuda_devices"), QJsonArray::fromStringList(cudaDevices)},
        {QStringLiteral("compute_device"), computeDevice},
        {QStringLiteral("cpu_model"), cpuModel},
        {QStringLiteral("cpu_cores"), cpuCores},
        {QStringLiteral("cpu_threads"), cpuThreads},
        {QStringLiteral("cpu_bf16"), cpuHasBf16},
    };
}

} // namespace mtm::core
