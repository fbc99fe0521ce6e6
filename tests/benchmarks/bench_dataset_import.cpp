// Benchmark: imports a generated JSONL file of 1,000,000 alpaca records (~200 MB) and prints the time taken
// and the peak resident memory. Run: build/tests/bench_dataset_import [records] [folder]
#include "data/DatasetCatalog.h"
#include "data/DatasetImporter.h"
#include "settings/AppSettings.h"
#include "settings/DataDirectory.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <cstdio>
#include <string>

namespace {

long peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

// Varied records of about 200 bytes: instruction, input and output with numbers, punctuation and escapes.
void generate(const QString &path, long records)
{
    std::FILE *file = std::fopen(QFile::encodeName(path).constData(), "wb");
    std::string line;
    for (long i = 0; i < records; ++i) {
        line = "{\"instruction\": \"Summarise note " + std::to_string(i) +
               " in one sentence, keeping names and numbers.\", \"input\": \"Meeting #" + std::to_string(i % 977) +
               ": the team agreed to ship on day " + std::to_string(i % 31 + 1) +
               ", \\\"if tests pass\\\".\", \"output\": \"The team plans to ship on day " + std::to_string(i % 31 + 1) +
               " if the tests pass.\"}\n";
        std::fwrite(line.data(), 1, line.size(), file);
    }
    std::fclose(file);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const long records = argc > 1 ? std::stol(argv[1]) : 1000000;
    QTemporaryDir scratch(argc > 2 ? QString::fromLocal8Bit(argv[2]) + QStringLiteral("/bench-XXXXXX")
                                   : QDir::tempPath() + QStringLiteral("/bench-XXXXXX"));
    qputenv("MTM_DATA_DIR", scratch.filePath(QStringLiteral("data")).toLocal8Bit());
    mtm::core::AppSettings settings(scratch.filePath(QStringLiteral("settings.ini")));
    const auto dataDirectory = mtm::core::DataDirectory::resolve(settings);
    dataDirectory.ensureExists();
    mtm::core::Store store(dataDirectory.databaseFile());
    mtm::core::DatasetCatalog catalog(store, dataDirectory);
    mtm::core::DatasetImporter importer(catalog);

    const QString input = scratch.filePath(QStringLiteral("records.jsonl"));
    generate(input, records);
    const double megabytes = double(QFile(input).size()) / 1e6;
    std::printf("input: %ld records, %.1f MB (generated)\n", records, megabytes);
    std::printf("peak RSS before import: %ld MiB\n", peakRssMiB());

    QElapsedTimer timer;
    timer.start();
    const auto prepared = importer.prepare(input, {});
    const double prepareSeconds = timer.nsecsElapsed() / 1e9;
    timer.restart();
    const auto stored = importer.commit(*prepared, QStringLiteral("benchmark"), false);
    const double commitSeconds = timer.nsecsElapsed() / 1e9;
    const double total = prepareSeconds + commitSeconds;

    std::printf("valid records: %lld, problems: %lld, duplicates: %lld\n", static_cast<long long>(stored.recordCount),
                static_cast<long long>(prepared->report.errorCount()),
                static_cast<long long>(prepared->report.duplicateRecords));
    std::printf("prepare (read, check, normalise, copy, hash): %.2f s\n", prepareSeconds);
    std::printf("commit (store row, move folder): %.3f s\n", commitSeconds);
    std::printf("total: %.2f s = %.0f records/s, %.0f MB/s\n", total, records / total, megabytes / total);
    std::printf("peak RSS: %ld MiB\n", peakRssMiB());
    return 0;
}
