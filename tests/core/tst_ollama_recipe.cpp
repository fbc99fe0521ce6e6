// The Ollama recipe of a model: its chat format as an Ollama TEMPLATE that renders what the model was trained on,
// its stop markers and sampling defaults; and the Modelfile that shows them, a comment before every instruction.
#include "Error.h"
#include "common/GoTemplate.h"
#include "deploy/OllamaRecipe.h"

#include <QTest>

using namespace mtm::core;

class TestOllamaRecipe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theStarterModelsRecipe()
    {
        const OllamaRecipe recipe = ollamaRecipeFor(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model"), {}, 512);
        QCOMPARE(recipe.chatFormat, QStringLiteral("llama3"));
        QCOMPARE(recipe.stops, (QStringList{QStringLiteral("<|eot_id|>"), QStringLiteral("<|end_of_text|>")}));
        QVERIFY(recipe.fromGenerationConfig);
        QCOMPARE(recipe.temperature, 0.7);
        QCOMPARE(recipe.topP, 0.9);
        QCOMPARE(recipe.contextLength, 1024); // the model's own limit, under the 2,048 a conversation gets otherwise
        // The tokenizer adds BOS itself, so the template does not.
        const mtm::test::GoTemplate rendered(recipe.templateText.toStdString());
        QCOMPARE(QString::fromStdString(rendered.render({{"user", "Hello!"}})),
                 QStringLiteral("<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                                "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        // Another format when asked for one.
        QCOMPARE(ollamaRecipeFor(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model"), QStringLiteral("chatml"), 0)
                     .stops.first(),
                 QStringLiteral("<|im_end|>"));
        try {
            ollamaRecipeFor(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model"), QStringLiteral("vicuna"), 0);
            QFAIL("an unknown chat format was taken");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("Unknown chat format \"vicuna\"")),
                     qPrintable(error.message()));
        }
    }

    void everyInstructionHasItsReason()
    {
        OllamaRecipe recipe = ollamaRecipeFor(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-model"), {}, 512);
        recipe.from = QStringLiteral("./base-f16.gguf");
        recipe.fromWhy = QStringLiteral("The base model, at F16.");
        recipe.adapter = QStringLiteral("./adapter.gguf");
        recipe.system = QStringLiteral("You answer in one sentence.");
        const QString text = modelfileText(recipe);
        const QStringList lines = text.split(QLatin1Char('\n'));
        QStringList instructions;
        for (int i = 0; i < lines.size(); ++i) {
            const QString &line = lines[i];
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')) || !line.at(0).isUpper())
                continue;
            const QString word = line.section(QLatin1Char(' '), 0, 0);
            if (!QStringList{QStringLiteral("FROM"), QStringLiteral("ADAPTER"), QStringLiteral("TEMPLATE"),
                             QStringLiteral("PARAMETER"), QStringLiteral("SYSTEM")}
                     .contains(word))
                continue; // a line inside the template
            instructions << line.section(QLatin1Char(' '), 0, word == QLatin1String("PARAMETER") ? 1 : 0);
            // The first line of each group follows its comment.
            if (!(word == QLatin1String("PARAMETER") && lines[i - 1].startsWith(QStringLiteral("PARAMETER"))))
                QVERIFY2(lines[i - 1].startsWith(QStringLiteral("# ")), qPrintable(line));
        }
        QCOMPARE(instructions,
                 (QStringList{QStringLiteral("FROM"), QStringLiteral("ADAPTER"), QStringLiteral("TEMPLATE"),
                              QStringLiteral("PARAMETER stop"), QStringLiteral("PARAMETER stop"),
                              QStringLiteral("PARAMETER temperature"), QStringLiteral("PARAMETER top_p"),
                              QStringLiteral("PARAMETER num_ctx"), QStringLiteral("SYSTEM")}));
        QVERIFY(text.contains(QStringLiteral("FROM ./base-f16.gguf\n")));
        QVERIFY(text.contains(QStringLiteral("PARAMETER stop \"<|eot_id|>\"\n")));
        QVERIFY(text.contains(QStringLiteral("TEMPLATE \"\"\"") + recipe.templateText + QStringLiteral("\"\"\"\n")));
        QVERIFY(text.contains(QStringLiteral("SYSTEM \"\"\"You answer in one sentence.\"\"\"\n")));

        recipe.system = QStringLiteral("Say \"\"\"hi\"\"\".");
        try {
            modelfileText(recipe);
            QFAIL("a system message a Modelfile cannot hold was written");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::InvalidInput);
        }
    }
};

QTEST_GUILESS_MAIN(TestOllamaRecipe)
#include "tst_ollama_recipe.moc"
