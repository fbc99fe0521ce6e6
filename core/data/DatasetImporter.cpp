#include "data/DatasetImporter.h"

#include "Error.h"
#include "data/ByteStream.h"
#include "data/ContainerFormat.h"
#include "data/CsvReader.h"
#include "data/DatasetCatalog.h"
#include "data/DuplicateFinder.h"
#include "data/ImportCancelled.h"
#include "data/JsonArrayReader.h"
#include "data/JsonlReader.h"
#include "data/RecordNormalizer.h"
#include "data/TextEncoding.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <simdjson.h>

#include <algorithm>
#include <unordered_set>

namespace mtm::core {
namespace {

// This file's messages for people, translatable.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DatasetImporter)
};

constexpr qint64 kHeadBytes = 64 * 1024;
constexpr int kRecordsToPeek = 200;

std::string readHead(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot open %1: %2").arg(path, file.errorString()));
    return file.read(kHeadBytes).toStdString();
}

std::unique_ptr<RecordReader> makeReader(Container container, ByteStream &stream, char delimiter,
                                         qint64 maxFieldCharacters)
{
    // Bytes a field of maxFieldCharacters characters can take, plus room for JSON syntax around it.
    const auto maxBytes = static_cast<std::size_t>(maxFieldCharacters) * 4 + 65536;
    stream.skipUtf8Bom();
    switch (container) {
    case Container::Csv:
        return std::make_unique<CsvReader>(stream, delimiter, maxBytes);
    case Container::Json:
        return std::make_unique<JsonArrayReader>(stream, maxBytes * 4);
    case Container::Jsonl:
        break;
    }
    return std::make_unique<JsonlReader>(stream, maxBytes * 4);
}

// The fields of the first records, in order of appearance, and those holding lists of chat messages.
void peekFields(RecordReader &reader, std::vector<std::string> &fieldNames, std::vector<std::string> &chatFields)
{
    fieldNames = reader.fieldNames();
    if (!fieldNames.empty())
        return;
    simdjson::dom::parser parser;
    SourceRecord record;
    std::unordered_set<std::string> seen;
    for (int i = 0; i < kRecordsToPeek && reader.next(record); ++i) {
        simdjson::dom::object object;
        if (parser.parse(record.json).get_object().get(object) != simdjson::SUCCESS)
            continue;
        for (const auto field : object) {
            const std::string key(field.key);
            if (fieldNames.size() < kMaxFields && seen.insert(key).second)
                fieldNames.push_back(key);
            simdjson::dom::array list;
            simdjson::dom::object firstMessage;
            if (field.value.get_array().get(list) == simdjson::SUCCESS && list.size() > 0 &&
                list.at(0).get_object().get(firstMessage) == simdjson::SUCCESS &&
                (firstMessage.at_key("role").error() == simdjson::SUCCESS ||
                 firstMessage.at_key("from").error() == simdjson::SUCCESS) &&
                std::find(chatFields.begin(), chatFields.end(), key) == chatFields.end())
                chatFields.push_back(key);
        }
    }
}

QString binaryFileMessage(const QString &fileName, const std::string &head)
{
    if (head.rfind("PK\x03\x04", 0) == 0)
        return Text::tr("%1 is a zip archive or a spreadsheet (.xlsx/.ods), not a text file. Save the sheet "
                        "as CSV (UTF-8) and import that.")
            .arg(fileName);
    return Text::tr("%1 does not look like a text file: it holds binary data. Import a CSV, JSON or JSONL "
                    "file saved as UTF-8.")
        .arg(fileName);
}

QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

PreparedImport::~PreparedImport()
{
    if (!m_committed && !stagingDirectory.isEmpty())
        QDir(stagingDirectory).removeRecursively();
}

QString PreparedImport::suggestedName() const
{
    return QFileInfo(sourcePath).completeBaseName();
}

DatasetImporter::DatasetImporter(DatasetCatalog &catalog)
    : m_catalog(catalog)
{}

std::shared_ptr<PreparedImport> DatasetImporter::prepare(const QString &path, const ImportOptions &options,
                                                         const Progress &progress)
{
    const QFileInfo source(path);
    const QString fileName = source.fileName();
    if (!source.exists())
        throw Error(Error::Kind::NotFound, Text::tr("%1 does not exist.").arg(path));
    if (!source.isFile())
        throw Error(Error::Kind::InvalidInput, Text::tr("%1 is a folder; import a CSV, JSON or JSONL file.").arg(path));
    if (source.size() == 0)
        throw Error(Error::Kind::InvalidInput, Text::tr("%1 is empty.").arg(fileName));

    std::shared_ptr<PreparedImport> prepared(new PreparedImport);
    prepared->sourcePath = source.absoluteFilePath();
    prepared->bytes = source.size();
    ValidationReport &report = prepared->report;
    report.fileName = fileName;

    std::string head = readHead(path);
    const TextEncoding encoding = detectTextEncoding(head);
    if (encoding == TextEncoding::Binary)
        throw Error(Error::Kind::InvalidInput, binaryFileMessage(fileName, head));
    if (encoding == TextEncoding::Utf32LE || encoding == TextEncoding::Utf32BE)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 is encoded as %2, which is not supported. Save it as UTF-8 and import it "
                             "again.")
                        .arg(fileName, fromStd(encodingName(encoding))));

    prepared->stagingDirectory = m_catalog.createStagingDirectory(); // removed with `prepared` on any failure
    const QDir staging(prepared->stagingDirectory);
    const QString suffix = source.suffix().toLower();
    QFile originalCopy(
        staging.filePath(QStringLiteral("original") + (suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix)));
    if (!originalCopy.open(QIODevice::WriteOnly))
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot write %1: %2").arg(originalCopy.fileName(), originalCopy.errorString()));
    QCryptographicHash sha256(QCryptographicHash::Sha256);
    const ByteStream::ChunkObserver keepOriginal = [&](const char *data, std::size_t size) {
        sha256.addData(QByteArrayView(data, qsizetype(size)));
        if (originalCopy.write(data, qint64(size)) != qint64(size))
            throw Error(Error::Kind::Io,
                        Text::tr("Cannot write %1: %2").arg(originalCopy.fileName(), originalCopy.errorString()));
    };

    // Progress as a share of the whole job, in units of the file's size. A UTF-16 file is converted to
    // UTF-8 first (the first half of the job); the original bytes are kept and hashed on the way.
    const bool converting = encoding == TextEncoding::Utf16LE || encoding == TextEncoding::Utf16BE;
    auto reportProgress = [&](double fraction) {
        return !progress || progress(qint64(fraction * double(prepared->bytes)), prepared->bytes);
    };
    QString readablePath = prepared->sourcePath;
    ByteStream::ChunkObserver mainPassObserver = keepOriginal;
    if (converting) {
        readablePath = staging.filePath(QStringLiteral("converted-utf8.tmp"));
        convertUtf16ToUtf8(prepared->sourcePath, readablePath, encoding, keepOriginal, [&](qint64 done, qint64 total) {
            return reportProgress(0.5 * double(done) / double(total));
        });
        mainPassObserver = nullptr;
        head = readHead(readablePath);
        report.encoding = fromStd(encodingName(encoding)) + Text::tr(", converted to UTF-8");
    } else {
        report.encoding = fromStd(encodingName(encoding));
    }
    const std::string_view headText = std::string_view(head).substr(encoding == TextEncoding::Utf8WithBom ? 3 : 0);

    const ContainerGuess container = detectContainer(fileName, headText);
    report.container = fromStd(containerId(container.container));
    if (!container.note.empty())
        report.notes << fromStd(container.note);
    char delimiter = ',';
    if (container.container == Container::Csv) {
        delimiter = suffix == QLatin1String("tsv") ? '\t' : CsvReader::sniffDelimiter(headText);
        report.notes << Text::tr("Read as %1 values.").arg(fromStd(CsvReader::describeDelimiter(delimiter)));
    }

    // What the records are: from their field names, unless the user said.
    std::vector<std::string> chatFields;
    {
        ByteStream peekStream(readablePath);
        const auto peekReader = makeReader(container.container, peekStream, delimiter, options.maxFieldCharacters);
        if (const auto &failure = peekReader->failure()) {
            // Broken from the start (a CSV header that cannot be used): there are no fields to interpret.
            throw Error(Error::Kind::InvalidInput,
                        Text::tr("%1, line %2: %3.").arg(fileName).arg(failure->line).arg(fromStd(failure->message)));
        }
        peekFields(*peekReader, prepared->fieldNames, chatFields);
    }
    if (options.mapping) {
        for (const auto &[role, field] : options.mapping->fields) {
            if (std::find(prepared->fieldNames.begin(), prepared->fieldNames.end(), field) ==
                prepared->fieldNames.end())
                throw Error(Error::Kind::InvalidInput,
                            Text::tr("%1 has no field '%2' (for the %3). Its fields are: %4.")
                                .arg(fileName, fromStd(field), fromStd(roleId(role)), fromStd([&] {
                                         std::string all;
                                         for (const std::string &name : prepared->fieldNames)
                                             all += (all.empty() ? "" : ", ") + name;
                                         return all;
                                     }())));
        }
        prepared->detection = SchemaDetection{*options.mapping, true, "chosen by you",
                                              unusedFields(*options.mapping, prepared->fieldNames)};
        prepared->mappingChosenByUser = true;
    } else {
        prepared->detection = detectSchema(prepared->fieldNames, chatFields);
    }
    const FieldMapping &mapping = prepared->detection.mapping;
    report.schema = fromStd(schemaId(mapping.schema));
    report.mapping = fromStd(mapping.describe());
    if (!mapping.missingRoles().empty()) {
        // Nothing can be checked until the user says which field is which.
        report.notes << Text::tr("Choose which field holds the %1.").arg(fromStd(mapping.missingRoles()));
        return prepared;
    }

    // The one full pass: check, normalise, copy and hash.
    ByteStream stream(readablePath, mainPassObserver);
    const auto reader = makeReader(container.container, stream, delimiter, options.maxFieldCharacters);
    RecordNormalizer normalizer(mapping, reader->fieldNames(), options.maxFieldCharacters);
    QFile records(staging.filePath(QStringLiteral("records.jsonl")));
    if (!records.open(QIODevice::WriteOnly))
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(records.fileName(), records.errorString()));
    std::string pending;
    auto flush = [&] {
        if (records.write(pending.data(), qint64(pending.size())) != qint64(pending.size()))
            throw Error(Error::Kind::Io,
                        Text::tr("Cannot write %1: %2").arg(records.fileName(), records.errorString()));
        pending.clear();
    };

    DuplicateFinder duplicates;
    SourceRecord record;
    NormalizedRecord normalized;
    std::vector<RecordIssue> issues;
    qint64 linesWritten = 0, convertedValues = 0;
    const double passStart = converting ? 0.5 : 0.0;
    auto problem = [&](ImportProblem::Severity severity, const std::string &field, const std::string &message,
                       qint64 byteOffset = -1) {
        report.addProblem({severity, record.number, record.line, byteOffset, fromStd(field), fromStd(message)});
    };
    while (reader->next(record)) {
        ++report.recordsRead;
        if ((report.recordsRead & 1023) == 0) {
            if (!reportProgress(passStart + (1.0 - passStart) * double(stream.position()) /
                                                double(std::max<qint64>(1, stream.size()))))
                throw importCancelled();
            if (pending.size() > (4 << 20))
                flush();
        }
        const qint64 invalidByte = stream.utf8().takeFirstInvalidBefore(record.byteOffset, record.byteEnd);
        if (invalidByte >= 0) {
            ++report.invalidRecords;
            problem(ImportProblem::Severity::Error, "",
                    "invalid UTF-8 at byte " + std::to_string(invalidByte) +
                        ": the file is not UTF-8 text here; save it as UTF-8",
                    invalidByte);
            continue;
        }
        if (!record.readProblem.empty()) {
            ++report.invalidRecords;
            problem(ImportProblem::Severity::Error, "", record.readProblem);
            continue;
        }
        if (!normalizer.normalize(record, normalized, issues)) {
            ++report.invalidRecords;
            for (const RecordIssue &issue : issues)
                problem(ImportProblem::Severity::Error, issue.field, issue.message);
            continue;
        }
        convertedValues += normalized.convertedValues;
        const std::uint32_t earlier = duplicates.check(normalized.line, static_cast<std::uint32_t>(record.number));
        if (earlier != 0) {
            ++report.duplicateRecords;
            prepared->duplicateLines.push_back(linesWritten);
            problem(ImportProblem::Severity::Warning, "", "the same as record " + std::to_string(earlier));
        }
        pending += normalized.line;
        pending += '\n';
        ++linesWritten;
        ++report.validRecords;
        report.statistics.add(normalized.characters, normalized.messages);
    }
    if (const auto &failure = reader->failure()) {
        report.readingStopped = true;
        report.addProblem(
            {ImportProblem::Severity::Error, 0, failure->line, failure->byteOffset, QString(),
             fromStd(failure->message) + QStringLiteral(". Reading stopped here: later records were not read.")});
    }
    stream.drain(); // the copy and the hash must see every byte, even after a structural error
    flush();
    if (!records.flush())
        throw Error(Error::Kind::Io, Text::tr("Cannot write %1: %2").arg(records.fileName(), records.errorString()));
    records.close();
    if (!originalCopy.flush())
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot write %1: %2").arg(originalCopy.fileName(), originalCopy.errorString()));
    originalCopy.close();
    if (converting)
        QFile::remove(readablePath);
    prepared->sha256 = QString::fromLatin1(sha256.result().toHex());

    if (!prepared->detection.unusedFields.empty()) {
        // Named up to a screenful; a file with thousands of fields gets a count for the rest.
        constexpr std::size_t kNamed = 20;
        const auto &fields = prepared->detection.unusedFields;
        QStringList unused;
        for (std::size_t i = 0; i < std::min(fields.size(), kNamed); ++i)
            unused << fromStd(fields[i]);
        if (fields.size() <= kNamed)
            report.notes << Text::tr("Not used: %1.").arg(unused.join(QStringLiteral(", ")));
        else
            report.notes << Text::tr("Not used: %1 and %n more.", nullptr, int(fields.size() - kNamed))
                                .arg(unused.join(QStringLiteral(", ")));
    }
    if (convertedValues > 0)
        report.notes << QStringLiteral("%1 numbers or true/false values were taken as text.").arg(convertedValues);
    reportProgress(1.0);
    return prepared;
}

DatasetInfo DatasetImporter::commit(PreparedImport &prepared, const QString &name, bool dropDuplicates)
{
    if (prepared.m_committed)
        throw Error(Error::Kind::Conflict, Text::tr("This import has already been stored."));
    ValidationReport &report = prepared.report;
    const bool dropping = dropDuplicates && !prepared.duplicateLines.empty();
    const qint64 keep = report.validRecords - (dropping ? qint64(prepared.duplicateLines.size()) : 0);
    if (keep <= 0)
        throw Error(Error::Kind::InvalidInput,
                    Text::tr("%1 has no valid records to import. Fix the problems listed and import it again.")
                        .arg(report.fileName));

    const QDir staging(prepared.stagingDirectory);
    if (dropping) {
        QFile in(staging.filePath(QStringLiteral("records.jsonl")));
        QSaveFile out(in.fileName());
        if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly))
            throw Error(Error::Kind::Io, Text::tr("Cannot rewrite %1 without the duplicates.").arg(in.fileName()));
        auto next = prepared.duplicateLines.begin();
        for (qint64 line = 0; !in.atEnd(); ++line) {
            const QByteArray text = in.readLine();
            if (next != prepared.duplicateLines.end() && *next == line) {
                ++next;
                continue;
            }
            out.write(text);
        }
        in.close();
        if (!out.commit())
            throw Error(Error::Kind::Io, Text::tr("Cannot rewrite %1: %2").arg(out.fileName(), out.errorString()));
        report.notes << Text::tr("%1 duplicate records were left out.").arg(prepared.duplicateLines.size());
    }

    QSaveFile reportFile(staging.filePath(QStringLiteral("report.json")));
    if (!reportFile.open(QIODevice::WriteOnly) ||
        reportFile.write(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented)) < 0 || !reportFile.commit())
        throw Error(Error::Kind::Io,
                    Text::tr("Cannot write %1: %2").arg(reportFile.fileName(), reportFile.errorString()));

    DatasetInfo dataset;
    dataset.name = m_catalog.uniqueName(name);
    dataset.originalFileName = report.fileName;
    dataset.container = report.container;
    dataset.schema = report.schema;
    dataset.recordCount = keep;
    dataset.skippedCount = report.recordsRead - keep;
    dataset.bytes = prepared.bytes;
    dataset.sha256 = prepared.sha256;
    dataset.reportSummary = report.toJson(100);
    DatasetInfo stored = m_catalog.add(dataset, prepared.stagingDirectory);
    prepared.m_committed = true;
    return stored;
}

} // namespace mtm::core
