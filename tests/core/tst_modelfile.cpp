// A Modelfile read as Ollama reads it — the one this app writes, and one a person edited — into the fields of
// /api/create; and each mistake a person can make refused with its line.
#include "Error.h"
#include "deploy/Modelfile.h"
#include "deploy/OllamaRecipe.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace mtm::core;

class TestModelfile : public QObject
{
    Q_OBJECT

private:
    static QString refusal(const QString &text)
    {
        try {
            parseModelfile(text);
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::InvalidInput)
                return QStringLiteral("wrong kind: ") + error.message();
            return error.message();
        }
        return QStringLiteral("taken");
    }

private Q_SLOTS:
    void theWrittenModelfileReadsBackAsItsRecipe()
    {
        OllamaRecipe recipe = ollamaRecipeFor(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model"), {}, 512);
        recipe.from = QStringLiteral("./base-q4_k_m.gguf");
        recipe.adapter = QStringLiteral("./adapter.gguf");
        recipe.system = QStringLiteral("You answer in one sentence.\nAlways.");
        const ParsedModelfile parsed = parseModelfile(modelfileText(recipe));
        QCOMPARE(parsed.from, recipe.from);
        QCOMPARE(parsed.adapter, recipe.adapter);
        const QJsonObject &fields = parsed.createFields;
        QCOMPARE(fields.value(QStringLiteral("template")).toString(), recipe.templateText);
        QCOMPARE(fields.value(QStringLiteral("system")).toString(), recipe.system);
        const QJsonObject parameters = fields.value(QStringLiteral("parameters")).toObject();
        QCOMPARE(parameters.value(QStringLiteral("stop")).toArray(), QJsonArray::fromStringList(recipe.stops));
        QCOMPARE(parameters.value(QStringLiteral("temperature")).toDouble(), recipe.temperature);
        QCOMPARE(parameters.value(QStringLiteral("top_p")).toDouble(), recipe.topP);
        QCOMPARE(parameters.value(QStringLiteral("num_ctx")).toInt(), recipe.contextLength);
        QVERIFY(!fields.contains(QStringLiteral("messages")));
    }

    void aPersonsModelfileInEveryFormOllamaTakes()
    {
        const ParsedModelfile parsed =
            parseModelfile(QString(QChar(0xFEFF)) + QStringLiteral("# my model\r\n"
                                                                   "from ./model-q8_0.gguf\r\n"
                                                                   "  Template \"\"\"{{ .System }}\n"
                                                                   "{{ .Prompt }}\"\"\"\n"
                                                                   "SYSTEM \"You are \"terse\".\"\n"
                                                                   "PARAMETER stop <|eot_id|>\n"
                                                                   "PARAMETER stop \"<|end of text|>\"\n"
                                                                   "PARAMETER temperature 0.2\n"
                                                                   "PARAMETER num_ctx 4096\n"
                                                                   "PARAMETER repeat_penalty 1.05\n"
                                                                   "PARAMETER use_mmap false\n"
                                                                   "MESSAGE user Is it warm?\n"
                                                                   "MESSAGE assistant \"\"\"Yes:\n25 °C.\"\"\"\n"
                                                                   "LICENSE \"\"\"MIT\n\"\"\"\n"
                                                                   "LICENSE Apache-2.0\n"));
        QCOMPARE(parsed.from, QStringLiteral("./model-q8_0.gguf"));
        QCOMPARE(parsed.fromLine, 2);
        QVERIFY(parsed.adapter.isEmpty());
        const QJsonObject &fields = parsed.createFields;
        QCOMPARE(fields.value(QStringLiteral("template")).toString(), QStringLiteral("{{ .System }}\n{{ .Prompt }}"));
        QCOMPARE(fields.value(QStringLiteral("system")).toString(), QStringLiteral("You are \"terse\"."));
        const QJsonObject parameters = fields.value(QStringLiteral("parameters")).toObject();
        QCOMPARE(parameters.value(QStringLiteral("stop")).toArray(),
                 (QJsonArray{QStringLiteral("<|eot_id|>"), QStringLiteral("<|end of text|>")}));
        QCOMPARE(parameters.value(QStringLiteral("temperature")).toDouble(), 0.2);
        QVERIFY(parameters.value(QStringLiteral("num_ctx")).isDouble());
        QCOMPARE(parameters.value(QStringLiteral("num_ctx")).toInt(), 4096);
        QCOMPARE(parameters.value(QStringLiteral("repeat_penalty")).toDouble(), 1.05);
        QCOMPARE(parameters.value(QStringLiteral("use_mmap")), QJsonValue(false));
        QCOMPARE(fields.value(QStringLiteral("messages")).toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                         {QStringLiteral("content"), QStringLiteral("Is it warm?")}},
                             QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                         {QStringLiteral("content"), QStringLiteral("Yes:\n25 °C.")}}}));
        QCOMPARE(fields.value(QStringLiteral("license")).toArray(),
                 (QJsonArray{QStringLiteral("MIT\n"), QStringLiteral("Apache-2.0")}));
    }

    // A file far larger than any Modelfile (the weights picked by mistake) is refused before it is read.
    void aHugeFileIsNoModelfile()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("Modelfile")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("FROM ./model.gguf\nSYSTEM \"\"\"") + QByteArray(2 << 20, 'x') + "\"\"\"\n");
        file.close();
        try {
            readModelfile(file.fileName());
            QFAIL("a 2 MiB Modelfile was read");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::InvalidInput);
            QVERIFY2(
                error.message().contains(QStringLiteral("is 2.0 MiB: a Modelfile is a short text of at most 1 MiB")),
                qPrintable(error.message()));
        }
        QVERIFY(file.resize(1000));
        QVERIFY(readModelfile(file.fileName()).startsWith(QStringLiteral("FROM ./model.gguf")));
    }

    void mistakesAreRefusedWithTheirLine_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        const QString from = QStringLiteral("FROM ./model.gguf\n");
        QTest::newRow("no FROM") << QStringLiteral("# nothing\nSYSTEM hi\n") << QStringLiteral("has no FROM line");
        QTest::newRow("two FROMs") << from + QStringLiteral("\nFROM llama3\n")
                                   << QStringLiteral("line 3: a second FROM: a model has one (the first is on line 1)");
        QTest::newRow("two adapters") << from + QStringLiteral("ADAPTER ./a.gguf\nADAPTER ./b.gguf\n")
                                      << QStringLiteral("line 3: a second ADAPTER");
        QTest::newRow("unknown instruction")
            << from + QStringLiteral("PROMPT hello\n") << QStringLiteral("line 2: \"PROMPT\" is not an instruction");
        QTest::newRow("instruction without value")
            << from + QStringLiteral("SYSTEM\n") << QStringLiteral("line 2: An instruction must be a word followed");
        QTest::newRow("empty bare value")
            << from + QStringLiteral("SYSTEM   \n") << QStringLiteral("line 2: SYSTEM has no value");
        QTest::newRow("unknown parameter") << from + QStringLiteral("PARAMETER temprature 0.5\n")
                                           << QStringLiteral("line 2: Ollama has no parameter \"temprature\"");
        QTest::newRow("not a number") << from + QStringLiteral("\n\nPARAMETER temperature warm\n")
                                      << QStringLiteral("line 4: PARAMETER temperature takes a number, not \"warm\"");
        QTest::newRow("not a whole number") << from + QStringLiteral("PARAMETER num_ctx 2048.5\n")
                                            << QStringLiteral("line 2: PARAMETER num_ctx takes a whole number");
        QTest::newRow("a comment after a value")
            << from + QStringLiteral("PARAMETER top_k 40 # fewer\n")
            << QStringLiteral("line 2: PARAMETER top_k takes a whole number, not \"40 # fewer\"");
        QTest::newRow("message role") << from + QStringLiteral("MESSAGE tool {}\n")
                                      << QStringLiteral("line 2: a MESSAGE's role is system, user or assistant");
        QTest::newRow("open triple quote") << from + QStringLiteral("TEMPLATE \"\"\"{{ .Prompt }}\nmore\n")
                                           << QStringLiteral("line 2: the quotation marks that open TEMPLATE's value "
                                                             "are never closed");
        QTest::newRow("open quote") << from + QStringLiteral("SYSTEM \"Be brief.\n")
                                    << QStringLiteral("line 2: the quotation marks that open SYSTEM's value");
        QTest::newRow("draft") << from + QStringLiteral("DRAFT ./small.gguf\n")
                               << QStringLiteral("line 2: DRAFT is not something this app deploys");
    }

    void mistakesAreRefusedWithTheirLine()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const QString refused = refusal(text);
        QVERIFY2(refused.contains(message), qPrintable(refused));
    }
};

QTEST_GUILESS_MAIN(TestModelfile)
#include "tst_modelfile.moc"
