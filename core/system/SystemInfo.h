// What this installation runs on: versions of Qt, LibTorch and FAISS, CUDA, CPU and the data directory.
// Shown by Help > About and printed by `mtm info`, from the same code.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace mtm::core {

struct SystemInfo
{
    QString appVersion;
    QString qtRuntimeVersion;
    QString qtBuildVersion;
    QString torchVersion;
    QString faissVersion;
    bool cudaCompiled = false;
    bool cudaAvailable = false;
    QString cudaStatus;
    QStringList cudaDevices; // "0: NVIDIA H100 80GB HBM3, 79.1 GiB, compute 9.0"
    QString computeDevice;   // one line, e.g. "CPU · 2 threads"
    int cpuThreads = 1;
    int cpuCores = 1;
    QString cpuModel;
    bool cpuHasBf16 = false;

    static SystemInfo collect();

    // Label/value pairs in display order; the About dialog and `mtm info` print exactly these.
    QVector<QPair<QString, QString>> rows() const;
    QJsonObject toJson() const;
};

} // namespace mtm::core
