// Tests of dataset import: every container and schema, and every kind of bad input with its exact location.
#include "DataTestHelpers.h"

#include "Error.h"
#include "common/Outcomes.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace mtm::core;
using mtm::test::DataFixture;

namespace {

QList<QJsonObject> readJsonl(const QString &path)
{
    QList<QJsonObject> records;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return records;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (!line.isEmpty())
            records.append(QJsonDocument::fromJson(line).object());
    }
    return records;
}

QList<QJsonObject> normalized(const PreparedImport &prepared)
{
    return readJsonl(QDir(prepared.stagingDirectory).filePath(QStringLiteral("records.jsonl")));
}

QJsonObject message(const char *role, const QString &content)
{
    return QJsonObject{{QStringLiteral("role"), QLatin1String(role)}, {QStringLiteral("content"), content}};
}

QJsonObject conversation(std::initializer_list<QJsonObject> messages)
{
    QJsonArray array;
    for (const QJsonObject &m : messages)
        array.append(m);
    return QJsonObject{{QStringLiteral("messages"), array}};
}

const ImportProblem *findProblem(const PreparedImport &prepared, qint64 record)
{
    for (const ImportProblem &problem : prepared.report.problems()) {
        if (problem.record == record)
            return &problem;
    }
    return nullptr;
}

QByteArray utf16(const QString &text, bool littleEndian, bool bom)
{
    QByteArray bytes;
    if (bom)
        bytes += littleEndian ? QByteArray("\xFF\xFE", 2) : QByteArray("\xFE\xFF", 2);
    for (const QChar c : text) {
        const ushort u = c.unicode();
        if (littleEndian) {
            bytes.append(char(u & 0xFF));
            bytes.append(char(u >> 8));
        } else {
            bytes.append(char(u >> 8));
            bytes.append(char(u & 0xFF));
        }
    }
    return bytes;
}

} // namespace

class TestDatasetImport : public QObject
{
    Q_OBJECT

private slots:
    // ---- CSV ---------------------------------------------------------------------------------------------

    void csvFollowsRfc4180()
    {
        DataFixture f;
        const QString path = f.write(QStringLiteral("alpaca.csv"), "instruction,input,output\r\n"
                                                                   "\"Say \"\"hi\"\"\",,\"Hi!\"\r\n"
                                                                   "\"Two\r\nlines\",context,\"a, b\"\r\n"
                                                                   "Plain,,done\r\n");
        const auto prepared = f.importer->prepare(path, {});
        QCOMPARE(prepared->report.container, QStringLiteral("csv"));
        QCOMPARE(prepared->report.schema, QStringLiteral("alpaca"));
        QVERIFY(prepared->detection.confident);
        QCOMPARE(prepared->report.validRecords, 3);
        QCOMPARE(prepared->report.errorCount(), 0);
        const auto records = normalized(*prepared);
        QCOMPARE(records[0], conversation({message("user", QStringLiteral("Say \"hi\"")),
                                           message("assistant", QStringLiteral("Hi!"))}));
        QCOMPARE(records[1], conversation({message("user", QStringLiteral("Two\nlines\n\ncontext")),
                                           message("assistant", QStringLiteral("a, b"))}));
        QCOMPARE(records[2], conversation({message("user", QStringLiteral("Plain")),
                                           message("assistant", QStringLiteral("done"))}));
    }

    void csvDelimiterIsSniffed_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("note");
        QTest::addColumn<QString>("completion");
        QTest::newRow("semicolon") << "semi.csv" << QByteArray("prompt;completion\nHello, you;Hi, there\n")
                                   << "semicolon-separated"
                                   << "Hi, there";
        QTest::newRow("tab") << "tabs.csv" << QByteArray("prompt\tcompletion\nHello, you\tHi; there\n")
                             << "tab-separated"
                             << "Hi; there";
        QTest::newRow("tsv name") << "data.tsv" << QByteArray("prompt\tcompletion\nHello, you\tHi; there\n")
                                  << "tab-separated"
                                  << "Hi; there";
    }

    void csvDelimiterIsSniffed()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, content);
        QFETCH(QString, note);
        QFETCH(QString, completion);
        DataFixture f;
        const auto prepared = f.importer->prepare(f.write(fileName, content), {});
        QVERIFY2(prepared->report.notes.join(' ').contains(note), qPrintable(prepared->report.notes.join(' ')));
        const auto records = normalized(*prepared);
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0],
                 conversation({message("user", QStringLiteral("Hello, you")), message("assistant", completion)}));
    }

    void csvWithByteOrderMarkAndLf()
    {
        DataFixture f;
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("bom.csv"), "\xEF\xBB\xBFquestion,answer\nWhy?,Because.\n"), {});
        QCOMPARE(prepared->report.schema, QStringLiteral("prompt_completion"));
        QCOMPARE(prepared->fieldNames.front(), std::string("question"));
        QCOMPARE(prepared->report.validRecords, 1);
        QVERIFY(prepared->report.encoding.contains(QStringLiteral("byte order mark")));
    }

    void csvRecordLinesCountEmbeddedNewlines()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("lines.csv"), "prompt,completion\n\"a\nb\nc\",x\n\n,missing prompt\n"), {});
        const ImportProblem *problem = findProblem(*prepared, 2);
        QVERIFY(problem);
        QCOMPARE(problem->line, 6); // the blank line 5 is skipped but counted
        QCOMPARE(problem->field, QStringLiteral("prompt"));
        QVERIFY(problem->message.contains(QStringLiteral("empty")));
    }

    void csvRowWithWrongFieldCount()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("count.csv"), "instruction,input,output\na,b,c\nonly,two\nx,y,z,\n"), {});
        QCOMPARE(prepared->report.validRecords, 2); // a trailing delimiter is forgiven
        const ImportProblem *problem = findProblem(*prepared, 2);
        QVERIFY(problem);
        QCOMPARE(problem->line, 3);
        QVERIFY2(problem->message.contains(QStringLiteral("2 fields but the header has 3")),
                 qPrintable(problem->message));
    }

    void csvUnterminatedQuoteNamesTheLineItStarted()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("quote.csv"), "prompt,completion\nok,fine\n\"broken,never closed\nmore,text\n"), {});
        QVERIFY(prepared->report.readingStopped);
        QCOMPARE(prepared->report.validRecords, 1);
        bool found = false;
        for (const ImportProblem &problem : prepared->report.problems()) {
            if (problem.message.contains(QStringLiteral("never closed"))) {
                found = true;
                QCOMPARE(problem.line, 3);
                QVERIFY(problem.message.contains(QStringLiteral("starts on line 3")));
            }
        }
        QVERIFY(found);
    }

    void csvTextAfterClosingQuote()
    {
        DataFixture f;
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("after.csv"), "prompt,completion\n\"a\"b,c\nok,fine\n"), {});
        const ImportProblem *problem = findProblem(*prepared, 1);
        QVERIFY(problem);
        QVERIFY(problem->message.contains(QStringLiteral("after its closing quote")));
        QCOMPARE(prepared->report.validRecords, 1);
    }

    // ---- JSON and JSONL ----------------------------------------------------------------------------------

    void jsonArrayOfObjects()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(
                QStringLiteral("array.json"),
                "[\n {\"prompt\": \"a\", \"response\": \"b\"},\n {\"prompt\": \"c\", \"response\": \"d [x]\"}\n]\n"),
            {});
        QCOMPARE(prepared->report.container, QStringLiteral("json"));
        QCOMPARE(prepared->report.schema, QStringLiteral("prompt_completion"));
        QCOMPARE(prepared->report.validRecords, 2);
        QCOMPARE(normalized(*prepared)[1],
                 conversation({message("user", QStringLiteral("c")), message("assistant", QStringLiteral("d [x]"))}));
    }

    void jsonObjectHoldingOneArray()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("wrapped.json"),
                    "{\"version\": 2, \"tags\": [\"a\"], \"data\": [{\"text\": \"one\"}, {\"text\": \"two\"}], "
                    "\"license\": \"cc0\"}"),
            {});
        QCOMPARE(prepared->report.errorCount(), 0);
        QCOMPARE(prepared->report.schema, QStringLiteral("text"));
        QCOMPARE(normalized(*prepared)[1], (QJsonObject{{QStringLiteral("text"), QStringLiteral("two")}}));
    }

    void jsonObjectWithSeveralArraysIsRefused()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("split.json"), "{\"train\": [{\"text\": \"a\"}],\n \"test\": [{\"text\": \"b\"}]}"),
            {});
        QVERIFY(prepared->report.readingStopped);
        const ImportProblem &problem = prepared->report.problems().constLast();
        QVERIFY2(problem.message.contains(QStringLiteral("more than one array of records ('train' and 'test')")),
                 qPrintable(problem.message));
        QCOMPARE(problem.line, 2);
    }

    void jsonTruncatedFile()
    {
        DataFixture f;
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("cut.json"), "[\n{\"text\": \"a\"},\n{\"text\": \"b"), {});
        QVERIFY(prepared->report.readingStopped);
        QVERIFY(prepared->report.problems().constLast().message.contains(
            QStringLiteral("ends inside record 2, which starts on line 3")));
        QCOMPARE(prepared->report.validRecords, 1);
    }

    void jsonRecordThatIsNotAnObject()
    {
        DataFixture f;
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("mixed.json"), "[{\"text\": \"a\"}, \"just text\", 5]"), {});
        QCOMPARE(prepared->report.validRecords, 1);
        QVERIFY(findProblem(*prepared, 2)->message.contains(QStringLiteral("is text, not an object")));
        QVERIFY(findProblem(*prepared, 3)->message.contains(QStringLiteral("is a number, not an object")));
    }

    void jsonLinesWithBlankLinesAndCrlf()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("lines.jsonl"),
                    "{\"question\": \"q1\", \"answer\": \"a1\"}\r\n\r\n{\"question\": \"q2\", \"answer\": \"a2\"}\r\n"),
            {});
        QCOMPARE(prepared->report.container, QStringLiteral("jsonl"));
        QCOMPARE(prepared->report.validRecords, 2);
        QCOMPARE(prepared->report.errorCount(), 0);
    }

    void jsonLinesWithThousandsOfKeysAreReadInOnePass()
    {
        // 160,000 keys in one record: gathering the field names was quadratic (half a minute).
        DataFixture f;
        QByteArray record = "{\"text\": \"first\"";
        for (int i = 0; i < 160000; ++i)
            record += ", \"k" + QByteArray::number(i) + "\": 1";
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("wide.jsonl"), record + "}\n{\"text\": \"second\"}\n"), {});
        QCOMPARE(prepared->fieldNames.size(), std::size_t(10000));
        QCOMPARE(prepared->fieldNames.front(), std::string("text"));
        QVERIFY(prepared->report.notes.join(QLatin1Char(' ')).contains(QStringLiteral("k19 and 9979 more.")));
        QCOMPARE(prepared->report.validRecords, 2);
    }

    void jsonLinesInvalidJsonHasLineAndColumn()
    {
        DataFixture f;
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("bad.jsonl"),
                                        "{\"text\": \"fine\"}\n{\"text\": \"fine\"}\n{\"text\": \"broken\",}\n"),
                                {});
        const ImportProblem *problem = findProblem(*prepared, 3);
        QVERIFY(problem);
        QCOMPARE(problem->line, 3);
        QVERIFY2(problem->message.startsWith(QStringLiteral("invalid JSON at line 3, column 19")),
                 qPrintable(problem->message));
    }

    void jsonNamedFileHoldingJsonLines()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("mislabelled.json"), "{\"text\": \"a\"}\n{\"text\": \"b\"}\n"), {});
        QCOMPARE(prepared->report.container, QStringLiteral("jsonl"));
        QCOMPARE(prepared->report.validRecords, 2);
        QVERIFY(prepared->report.notes.join(' ').contains(QStringLiteral("one JSON object per line")));
    }

    // ---- Encodings ---------------------------------------------------------------------------------------

    void utf16IsConverted_data()
    {
        QTest::addColumn<bool>("littleEndian");
        QTest::addColumn<bool>("bom");
        QTest::newRow("LE with BOM") << true << true;
        QTest::newRow("BE with BOM") << false << true;
        QTest::newRow("LE without BOM") << true << false;
    }

    void utf16IsConverted()
    {
        QFETCH(bool, littleEndian);
        QFETCH(bool, bom);
        DataFixture f;
        const QString text = QStringLiteral("prompt,completion\nGrüße 😀,日本語\n");
        const QByteArray bytes = utf16(text, littleEndian, bom);
        const QString path = f.write(QStringLiteral("wide.csv"), bytes);
        const auto prepared = f.importer->prepare(path, {});
        QVERIFY2(prepared->report.encoding.contains(QStringLiteral("converted to UTF-8")),
                 qPrintable(prepared->report.encoding));
        QCOMPARE(normalized(*prepared)[0], conversation({message("user", QStringLiteral("Grüße 😀")),
                                                         message("assistant", QStringLiteral("日本語"))}));
        QCOMPARE(prepared->sha256,
                 QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    }

    void utf16LoneSurrogateIsRefusedWithItsOffset()
    {
        DataFixture f;
        QByteArray bytes = utf16(QStringLiteral("text\nab"), true, true);
        bytes.append("\x00\xD8", 2); // a high surrogate at byte 16 with nothing after it
        bytes.append(utf16(QStringLiteral("c\n"), true, false));
        try {
            f.importer->prepare(f.write(QStringLiteral("lone.csv"), bytes), {});
            QFAIL("a lone surrogate was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("at byte 16")), qPrintable(error.message()));
        }
    }

    void invalidUtf8NamesTheByteOffset()
    {
        DataFixture f;
        QByteArray bytes = "text\nfine\nbad \xC3\x28 byte\nalso fine\n";
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("latin.csv"), bytes), {});
        const ImportProblem *problem = findProblem(*prepared, 2);
        QVERIFY(problem);
        QCOMPARE(problem->byteOffset, qint64(bytes.indexOf('\xC3')));
        QCOMPARE(problem->line, 3);
        QVERIFY(problem->message.contains(QStringLiteral("invalid UTF-8 at byte 14")));
        QCOMPARE(prepared->report.validRecords, 2);
    }

    void everyRecordWithInvalidUtf8IsFoundHoweverManyThereAre()
    {
        // One record of 200,000 invalid bytes, then good and bad records alternating: each bad one is refused.
        DataFixture f;
        QByteArray bytes = "text\n" + QByteArray(200000, '\xFF') + "\n";
        for (int i = 0; i < 2000; ++i)
            bytes += i % 2 == 0 ? QByteArray("fine\n") : QByteArray("bad \xC3\x28 byte\n");
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("broken.csv"), bytes), {});
        QCOMPARE(prepared->report.invalidRecords, 1001);
        QCOMPARE(prepared->report.validRecords, 1000);
        const ImportProblem *last = findProblem(*prepared, 2001);
        QVERIFY(last);
        QCOMPARE(last->byteOffset, qint64(bytes.lastIndexOf('\xC3')));
        for (const QJsonObject &record : normalized(*prepared))
            QVERIFY(!record.value(QStringLiteral("text")).toString().contains(QChar::ReplacementCharacter));
    }

    void unreadableFilesAreRefusedClearly_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << "empty.csv" << QByteArray() << "is empty";
        QTest::newRow("utf-32") << "wide.csv" << QByteArray("\xFF\xFE\x00\x00t\x00\x00\x00", 8) << "UTF-32";
        QTest::newRow("spreadsheet") << "sheet.csv" << QByteArray("PK\x03\x04\x14\x00\x06\x00\x00\x00", 10)
                                     << "spreadsheet";
        QTest::newRow("binary") << "blob.jsonl" << QByteArray("\x01\x00\x02\x03\x00\x00\x07\x00\x08\x09\x00", 11)
                                << "binary data";
        QTest::newRow("duplicate column") << "dup.csv" << QByteArray("prompt,prompt,completion\na,b,c\n")
                                          << "line 1: the header names the column 'prompt' twice";
        // Two million empty columns took seconds and gigabytes before the count was limited.
        QTest::newRow("columns") << "wide.csv" << QByteArray(2000000, ',') + "\na\n"
                                 << "line 1: the header row is malformed: it has more than 10000 fields";
    }

    void unreadableFilesAreRefusedClearly()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        DataFixture f;
        try {
            f.importer->prepare(f.write(fileName, content), {});
            QFAIL("the file was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
            QVERIFY2(error.message().contains(fileName), qPrintable(error.message()));
        }
        QCOMPARE(QDir(f.dataDirectory().datasetsDirectory())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                     .size(),
                 0);
    }

    // ---- Schemas -----------------------------------------------------------------------------------------

    void alpacaWithSystemAndInput()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("alpaca.json"),
                    R"([{"instruction": "Translate", "input": "Hallo", "output": "Hello", "system": "Be brief."},
                        {"instruction": "Count", "input": null, "output": 3}])"),
            {});
        QCOMPARE(prepared->report.validRecords, 2);
        const auto records = normalized(*prepared);
        QCOMPARE(records[0], conversation({message("system", QStringLiteral("Be brief.")),
                                           message("user", QStringLiteral("Translate\n\nHallo")),
                                           message("assistant", QStringLiteral("Hello"))}));
        QCOMPARE(records[1],
                 conversation({message("user", QStringLiteral("Count")), message("assistant", QStringLiteral("3"))}));
        QVERIFY(prepared->report.notes.join(' ').contains(QStringLiteral("1 numbers or true/false values")));
    }

    void promptCompletionSpellings_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("prompt/completion") << QByteArray("prompt,completion");
        QTest::newRow("prompt/response") << QByteArray("prompt,response");
        QTest::newRow("question/answer") << QByteArray("Question,Answer");
        QTest::newRow("input/output") << QByteArray("input,output");
    }

    void promptCompletionSpellings()
    {
        QFETCH(QByteArray, header);
        DataFixture f;
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("pc.csv"), header + "\nask,reply\n"), {});
        QCOMPARE(prepared->report.schema, QStringLiteral("prompt_completion"));
        QVERIFY(prepared->detection.confident);
        QCOMPARE(normalized(*prepared)[0],
                 conversation({message("user", QStringLiteral("ask")), message("assistant", QStringLiteral("reply"))}));
    }

    void openAiMessages()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(
                QStringLiteral("chat.jsonl"),
                R"({"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U1"}, {"role": "assistant", "content": "A1"}, {"role": "user", "content": [{"type": "text", "text": "U2"}]}, {"role": "assistant", "content": "A2"}]})"
                "\n"),
            {});
        QCOMPARE(prepared->report.schema, QStringLiteral("chat"));
        QCOMPARE(normalized(*prepared)[0],
                 conversation({message("system", QStringLiteral("S")), message("user", QStringLiteral("U1")),
                               message("assistant", QStringLiteral("A1")), message("user", QStringLiteral("U2")),
                               message("assistant", QStringLiteral("A2"))}));
        QCOMPARE(prepared->report.statistics.maxMessages, 5);
    }

    void shareGptConversations()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(
            f.write(
                QStringLiteral("sharegpt.json"),
                R"([{"id": "x1", "conversations": [{"from": "system", "value": "S"}, {"from": "human", "value": "H"}, {"from": "gpt", "value": "G"}]}])"),
            {});
        QCOMPARE(prepared->report.schema, QStringLiteral("chat"));
        QCOMPARE(prepared->detection.mapping.fields.at(FieldRole::Messages), std::string("conversations"));
        QCOMPARE(normalized(*prepared)[0],
                 conversation({message("system", QStringLiteral("S")), message("user", QStringLiteral("H")),
                               message("assistant", QStringLiteral("G"))}));
        QVERIFY(prepared->report.notes.join(' ').contains(QStringLiteral("Not used: id")));
    }

    void plainTextAndDocuments()
    {
        DataFixture f;
        const auto text = f.importer->prepare(f.write(QStringLiteral("text.jsonl"), "{\"text\": \"Once upon\"}\n"), {});
        QCOMPARE(text->report.schema, QStringLiteral("text"));
        QCOMPARE(normalized(*text)[0], (QJsonObject{{QStringLiteral("text"), QStringLiteral("Once upon")}}));

        const auto documents = f.importer->prepare(
            f.write(QStringLiteral("docs.csv"), "title,content,url\nIntro,Body text,https://x.org/a\nNo title,,\n"),
            {});
        QCOMPARE(documents->report.schema, QStringLiteral("documents"));
        QCOMPARE(normalized(*documents)[0],
                 (QJsonObject{{QStringLiteral("text"), QStringLiteral("Body text")},
                              {QStringLiteral("title"), QStringLiteral("Intro")},
                              {QStringLiteral("source"), QStringLiteral("https://x.org/a")}}));
        const ImportProblem *problem = findProblem(*documents, 2);
        QVERIFY(problem);
        QCOMPARE(problem->field, QStringLiteral("content"));
        QCOMPARE(problem->line, 3);
    }

    void unsureDetectionAsksForAMapping()
    {
        DataFixture f;
        const QString path = f.write(QStringLiteral("columns.csv"), "col_a,col_b,col_c\nq,a,z\n");
        const auto unsure = f.importer->prepare(path, {});
        QVERIFY(!unsure->detection.confident);
        QCOMPARE(unsure->fieldNames.size(), std::size_t(3));

        ImportOptions options;
        options.mapping = FieldMapping{RecordSchema::PromptCompletion,
                                       {{FieldRole::Prompt, "col_a"}, {FieldRole::Completion, "col_c"}}};
        const auto mapped = f.importer->prepare(path, options);
        QVERIFY(mapped->mappingChosenByUser);
        QCOMPARE(normalized(*mapped)[0],
                 conversation({message("user", QStringLiteral("q")), message("assistant", QStringLiteral("z"))}));
        QVERIFY(mapped->report.notes.join(' ').contains(QStringLiteral("Not used: col_b")));

        options.mapping->fields[FieldRole::Completion] = "col_x";
        try {
            f.importer->prepare(path, options);
            QFAIL("a mapping to a missing field was accepted");
        } catch (const Error &error) {
            QVERIFY(error.message().contains(QStringLiteral("no field 'col_x' (for the completion)")));
            QVERIFY(error.message().contains(QStringLiteral("col_a, col_b, col_c")));
        }
    }

    void incompleteMappingChecksNothing()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("one.csv"), "something\nvalue\n"), {});
        QVERIFY(!prepared->detection.confident);
        QVERIFY(!prepared->detection.mapping.missingRoles().empty());
        QCOMPARE(prepared->report.recordsRead, 0);
        QVERIFY_THROWS_EXCEPTION(Error, f.importer->commit(*prepared, QStringLiteral("x"), false));
    }

    // ---- Record problems ---------------------------------------------------------------------------------

    void missingAndEmptyFields()
    {
        DataFixture f;
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("missing.jsonl"),
                                                          "{\"instruction\": \"a\", \"output\": \"b\"}\n"
                                                          "{\"instruction\": \"c\"}\n"
                                                          "{\"instruction\": \"  \", \"output\": \"d\"}\n"
                                                          "{\"instruction\": \"e\", \"output\": [\"x\"]}\n"),
                                                  {});
        QCOMPARE(prepared->report.validRecords, 1);
        QCOMPARE(prepared->report.invalidRecords, 3);
        const ImportProblem *missing = findProblem(*prepared, 2);
        QCOMPARE(missing->line, 2);
        QCOMPARE(missing->field, QStringLiteral("output"));
        QVERIFY(missing->message.contains(QStringLiteral("missing")));
        QCOMPARE(findProblem(*prepared, 3)->field, QStringLiteral("instruction"));
        QVERIFY(findProblem(*prepared, 3)->message.contains(QStringLiteral("empty")));
        QVERIFY(findProblem(*prepared, 4)->message.contains(QStringLiteral("expected text but found a list")));
        QVERIFY(findProblem(*prepared, 2)
                    ->describe(QStringLiteral("missing.jsonl"))
                    .startsWith(QStringLiteral("missing.jsonl, line 2, record 2, field 'output': ")));
    }

    void conversationProblems_data()
    {
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown role")
            << QByteArray(R"({"messages": [{"role": "user", "content": "a"}, {"role": "bot", "content": "b"}]})")
            << "messages[2]"
            << "unknown role 'bot'";
        QTest::newRow("ends with user")
            << QByteArray(
                   R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]})")
            << "messages"
            << "ends with a user message";
        QTest::newRow("empty content")
            << QByteArray(R"({"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "b"}]})")
            << "messages[1]"
            << "message 1 (user) is empty";
        QTest::newRow("late system")
            << QByteArray(
                   R"({"messages": [{"role": "user", "content": "a"}, {"role": "system", "content": "s"}, {"role": "assistant", "content": "b"}]})")
            << "messages[2]"
            << "only the first message";
        QTest::newRow("no messages") << QByteArray(R"({"messages": []})") << "messages"
                                     << "no messages";
        QTest::newRow("not a list") << QByteArray(R"({"messages": "hello"})") << "messages"
                                    << "found text";
        QTest::newRow("no role") << QByteArray(R"({"messages": [{"content": "a"}]})") << "messages[1]"
                                 << "no 'role'";
    }

    void conversationProblems()
    {
        QFETCH(QByteArray, record);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        DataFixture f;
        const QByteArray good =
            R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})";
        const auto prepared =
            f.importer->prepare(f.write(QStringLiteral("chat.jsonl"), good + "\n" + record + "\n"), {});
        QCOMPARE(prepared->report.validRecords, 1);
        const ImportProblem *problem = findProblem(*prepared, 2);
        QVERIFY(problem);
        QCOMPARE(problem->line, 2);
        QCOMPARE(problem->field, field);
        QVERIFY2(problem->message.contains(expected), qPrintable(problem->message));
    }

    void overLongFieldsAreReportedNotTruncated()
    {
        DataFixture f;
        ImportOptions options;
        options.maxFieldCharacters = 10;
        const auto prepared = f.importer->prepare(
            f.write(QStringLiteral("long.csv"), "prompt,completion\nshort,fine\nshort,ünïcödé-long-answer\n"), options);
        QCOMPARE(prepared->report.validRecords, 1);
        const ImportProblem *problem = findProblem(*prepared, 2);
        QCOMPARE(problem->field, QStringLiteral("completion"));
        QVERIFY2(problem->message.contains(QStringLiteral("19 characters long; the limit is 10")),
                 qPrintable(problem->message));
    }

    void duplicatesAreReportedAndKeptUnlessDropped()
    {
        DataFixture f;
        const QString path = f.write(QStringLiteral("dups.csv"), "prompt,completion\na,b\nc,d\na,b\na,b\n");
        const auto kept = f.importer->prepare(path, {});
        QCOMPARE(kept->report.validRecords, 4);
        QCOMPARE(kept->report.duplicateRecords, 2);
        const ImportProblem *problem = findProblem(*kept, 3);
        QCOMPARE(problem->severity, ImportProblem::Severity::Warning);
        QVERIFY(problem->message.contains(QStringLiteral("same as record 1")));
        QCOMPARE(f.importer->commit(*kept, QStringLiteral("kept"), false).recordCount, 4);

        const auto dropped = f.importer->prepare(path, {});
        const DatasetInfo info = f.importer->commit(*dropped, QStringLiteral("dropped"), true);
        QCOMPARE(info.recordCount, 2);
        QCOMPARE(info.skippedCount, 2);
        QCOMPARE(readJsonl(info.recordsFile()).size(), 2);
    }

    // ---- Storage -----------------------------------------------------------------------------------------

    void commitStoresFilesAndRow()
    {
        DataFixture f;
        const QByteArray bytes = "prompt,completion\nhello,world\nbad,\n";
        const auto prepared = f.importer->prepare(f.write(QStringLiteral("store me.csv"), bytes), {});
        const QString staging = prepared->stagingDirectory;
        const DatasetInfo info = f.importer->commit(*prepared, prepared->suggestedName(), false);
        QCOMPARE(info.name, QStringLiteral("store me"));
        QCOMPARE(info.recordCount, 1);
        QCOMPARE(info.skippedCount, 1);
        QCOMPARE(info.bytes, bytes.size());
        QCOMPARE(info.sha256, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QVERIFY(!QFileInfo::exists(staging));
        QCOMPARE(info.directory, f.dataDirectory().datasetsDirectory() + QStringLiteral("/%1").arg(info.id));
        QFile original(info.originalFile());
        QVERIFY(original.open(QIODevice::ReadOnly));
        QCOMPARE(original.readAll(), bytes);
        QCOMPARE(readJsonl(info.recordsFile()).size(), 1);
        QVERIFY(QFileInfo::exists(info.reportFile()));

        const std::optional<DatasetInfo> stored = f.catalog->find(info.id);
        QVERIFY(stored);
        QCOMPARE(stored->originalFileName, QStringLiteral("store me.csv"));
        QCOMPARE(stored->container, QStringLiteral("csv"));
        QCOMPARE(stored->schema, QStringLiteral("prompt_completion"));
        QCOMPARE(stored->sha256, info.sha256);
        QVERIFY(stored->createdAt.isValid());
        const ValidationReport report = f.catalog->loadReport(info.id);
        QCOMPARE(report.errorCount(), 1);
        QCOMPARE(report.problems().constFirst().line, 3);
    }

    void droppingAPreparedImportLeavesNoTrace()
    {
        DataFixture f;
        QString staging;
        {
            const auto prepared = f.importer->prepare(f.write(QStringLiteral("x.csv"), "prompt,completion\na,b\n"), {});
            staging = prepared->stagingDirectory;
            QVERIFY(QFileInfo::exists(staging));
        }
        QVERIFY(!QFileInfo::exists(staging));
        QCOMPARE(f.catalog->count(), 0);
    }

    void cancellingLeavesNoTrace()
    {
        DataFixture f;
        QByteArray big = "prompt,completion\n";
        for (int i = 0; i < 20000; ++i)
            big += "question number " + QByteArray::number(i) + ",answer " + QByteArray::number(i) + "\n";
        const QString path = f.write(QStringLiteral("big.csv"), big);
        int calls = 0;
        const QString outcome = mtm::test::notCancelled(
            [&] { f.importer->prepare(path, {}, [&](qint64, qint64) { return ++calls < 3; }); });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        QCOMPARE(QDir(f.dataDirectory().datasetsDirectory())
                     .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
                     .size(),
                 0);
        QCOMPARE(f.catalog->count(), 0);
    }

    void progressReachesTheEnd()
    {
        DataFixture f;
        qint64 last = -1, total = 0;
        f.importer->prepare(f.write(QStringLiteral("p.csv"), "prompt,completion\na,b\n"), {},
                            [&](qint64 done, qint64 of) {
                                last = done;
                                total = of;
                                return true;
                            });
        QVERIFY(total > 0);
        QCOMPARE(last, total);
    }
};

QTEST_GUILESS_MAIN(TestDatasetImport)
#include "tst_dataset_import.moc"
