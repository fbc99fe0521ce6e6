// libFuzzer target for the dataset readers, built three times (CSV, JSON, JSONL: MTM_FUZZ_CONTAINER): every
// record is read, the schema detected from the field names, and each record normalised as the importer does.
#include "FuzzInput.h"

#include "Error.h"
#include "data/ByteStream.h"
#include "data/ContainerFormat.h"
#include "data/CsvReader.h"
#include "data/JsonArrayReader.h"
#include "data/JsonlReader.h"
#include "data/RecordNormalizer.h"
#include "data/RecordSchema.h"

#include <memory>

using namespace mtm::core;

namespace {

std::unique_ptr<RecordReader> reader(ByteStream &stream, std::string_view head)
{
    constexpr std::size_t maxBytes = 4096;
    stream.skipUtf8Bom();
    switch (Container::MTM_FUZZ_CONTAINER) {
    case Container::Csv:
        return std::make_unique<CsvReader>(stream, CsvReader::sniffDelimiter(head), maxBytes);
    case Container::Json:
        return std::make_unique<JsonArrayReader>(stream, maxBytes);
    case Container::Jsonl:
        break;
    }
    return std::make_unique<JsonlReader>(stream, maxBytes);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string path = mtm::fuzz::inputFile(data, size, "records");
    try {
        const std::string_view head(reinterpret_cast<const char *>(data), std::min<std::size_t>(size, 65536));
        ByteStream stream(QString::fromStdString(path));
        const auto records = reader(stream, head);
        // CSV: the header's columns as the importer maps them. JSON: records name their own fields; both common
        // shapes are tried on every record (prompt and completion, and chat messages).
        std::vector<RecordNormalizer> normalizers;
        if (!records->fieldNames().empty()) {
            normalizers.emplace_back(detectSchema(records->fieldNames(), {}).mapping, records->fieldNames(), 1000);
        } else {
            normalizers.emplace_back(detectSchema({"prompt", "completion"}, {}).mapping, std::vector<std::string>(),
                                     1000);
            normalizers.emplace_back(detectSchema({"messages"}, {"messages"}).mapping, std::vector<std::string>(),
                                     1000);
        }
        SourceRecord record;
        NormalizedRecord normalized;
        std::vector<RecordIssue> issues;
        while (records->next(record)) {
            stream.utf8().takeFirstInvalidBefore(record.byteOffset, record.byteEnd);
            if (record.readProblem.empty()) {
                for (RecordNormalizer &normalizer : normalizers)
                    normalizer.normalize(record, normalized, issues);
            }
        }
        stream.drain();
    } catch (const Error &) {
    }
    return 0;
}
