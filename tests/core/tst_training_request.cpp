// A training request with the REST API's fields: the app's defaults for what is left out, every field read and
// written back, every wrong field named (type, range, unknown with the nearest name), and the base model and
// dataset found — or said to be missing — in this installation.
#include "DataTestHelpers.h"

#include "common/Outcomes.h"
#include "jobs/TrainingRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace mtm::core;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

// The message of the InvalidInput error that reading the request ends in (empty when it was read).
QString problemsOf(const QJsonObject &request)
{
    try {
        TrainingRequest::fromJson(request, QStringLiteral("job.json"));
    } catch (const Error &error) {
        return error.kind() == Error::Kind::InvalidInput ? error.message() : QStringLiteral("wrong kind");
    }
    return QString();
}

} // namespace

class TestTrainingRequest : public QObject
{
    Q_OBJECT

private slots:
    void leftOutFieldsTakeTheAppsDefaults()
    {
        const TrainingRequest request = TrainingRequest::fromJson(json(R"({"dataset_id": 1, "epochs": 3})"), "x");
        QCOMPARE(request.type, TrainingType::Qlora);
        QCOMPARE(request.modelName, QStringLiteral("starter"));
        QCOMPARE(request.dataset, QStringLiteral("1"));
        QCOMPARE(request.settings.method, mtm::engine::TrainingMethod::Qlora);
        QCOMPARE(request.settings.batchSize, std::int64_t(4));
        QCOMPARE(request.settings.learningRate, 2e-4);
        QCOMPARE(request.settings.lora.dropout, 0.0); // QLoRA runs on the fast path, without dropout
        QVERIFY(request.settings.usesFastPath());
        QCOMPARE(TrainingRequest::defaults(TrainingType::Lora).settings.lora.dropout, 0.05);
        QVERIFY(!TrainingRequest::defaults(TrainingType::Lora).settings.usesFastPath());
        const TrainingRequest fast =
            TrainingRequest::fromJson(json(R"({"dataset": "faq", "training_type": "unsloth"})"), "x");
        QCOMPARE(fast.settings.method, mtm::engine::TrainingMethod::FastLora);
        QCOMPARE(fast.settings.lora.dropout, 0.0); // the fast path trains without dropout
        QCOMPARE(TrainingRequest::fromJson(json(R"({"dataset": "faq", "training_type": "rag"})"), "x").type,
                 TrainingType::Rag);
    }

    void everyFieldIsReadAndWrittenBack()
    {
        const QJsonObject given = json(R"({
            "name": "FAQ bot", "description": "answers", "training_type": "lora", "model_name": "llama",
            "dataset": "faq", "epochs": 5, "batch_size": 8, "gradient_accumulation_steps": 2,
            "learning_rate": 0.001, "weight_decay": 0.01, "lr_scheduler_type": "cosine", "warmup_ratio": 0.1,
            "warmup_steps": 3, "max_grad_norm": 0.5, "max_seq_length": 256, "train_on_prompts": true,
            "eval_split": 0.2, "eval_count": 7, "eval_steps": 9, "seed": 11, "lora_r": 8, "lora_alpha": 16,
            "lora_dropout": 0.1, "use_rslora": true, "target_modules": ["q_proj", "v_proj"], "load_in_4bit": false, "fast_path": false,
            "packing": true, "gradient_checkpointing": true, "dtype": "float32", "device": "cpu", "save_steps": 4,
            "save_minutes": 2.5, "save_total_limit": 3, "max_shard_size": 1000000, "chat_format": "chatml"})");
        const TrainingRequest request = TrainingRequest::fromJson(given, QStringLiteral("job.json"));
        QCOMPARE(request.settings.schedule, mtm::engine::LearningRateSchedule::Cosine);
        QCOMPARE(request.settings.lora.targets, (std::vector<std::string>{"q_proj", "v_proj"}));
        QCOMPARE(request.settings.gradientCheckpointing, std::optional<bool>(true));
        QVERIFY(request.settings.chatFormat == mtm::engine::ChatFormat::ChatMl);
        QCOMPARE(request.toJson(), given);
        QCOMPARE(TrainingRequest::fromJson(request.toJson(), "again").toJson(), given);
    }

    void everyWrongFieldIsNamed()
    {
        const QString message = problemsOf(json(R"({"dataset": "faq", "epochs": 2.5, "batch_size": "8",
            "lora_r": 0, "gradient_checkpointing": "yes", "chat_format": 3, "learning_rat": 0.1,
            "training_type": "magic", "lr_scheduler_type": "sawtooth"})"));
        QVERIFY2(message.startsWith(QStringLiteral("job.json: ")), qPrintable(message));
        for (const char *part : {"unknown training_type \"magic\"", "\"epochs\" must be a whole number",
                                 "\"batch_size\" must be a whole number", "lora_r must be 1 to 4096",
                                 "\"gradient_checkpointing\" must be true or false", "\"chat_format\" must be text",
                                 "unknown setting \"learning_rat\" (did you mean \"learning_rate\"?)",
                                 "unknown lr_scheduler_type \"sawtooth\""})
            QVERIFY2(message.contains(QLatin1String(part)), qPrintable(part + QStringLiteral(" in: ") + message));
        QStringList fields; // for front ends that show each problem beside its field
        for (const FieldProblem &problem : TrainingRequest::problemsOf(json(R"({"dataset": "faq", "epochs": 0,
                "lora_alpha": "8", "batch_size": 2.5, "lerning_rate": 1})")))
            fields << problem.field;
        fields.sort();
        QCOMPARE(fields, (QStringList{QStringLiteral("batch_size"), QStringLiteral("epochs"),
                                      QStringLiteral("lerning_rate"), QStringLiteral("lora_alpha")}));
        QVERIFY(problemsOf(json(R"({"epochs": 3})")).contains(QStringLiteral("say which dataset")));
        QVERIFY(problemsOf(json(R"({"dataset": "x", "training_type": "unsloth", "lora_dropout": 0.1})"))
                    .contains(QStringLiteral("lora_dropout must be 0 on the fast path")));
        QVERIFY(problemsOf(json(R"({"dataset": "x", "training_type": "qlora", "lora_dropout": 0.1})"))
                    .contains(QStringLiteral("lora_dropout must be 0 on the fast path")));
        // QLoRA with dropout runs on LibTorch's autograd, the reference path.
        QVERIFY(problemsOf(json(R"({"dataset": "x", "training_type": "qlora", "lora_dropout": 0.1,
                                    "fast_path": false})"))
                    .isEmpty());
        QVERIFY(problemsOf(json(R"({"dataset": "x", "seed": -1})")).contains(QStringLiteral("\"seed\" must be")));
        QVERIFY(problemsOf(json(R"({"dataset": "x", "epochs": null})")).isEmpty()); // null: the default
    }

    void resolvesTheModelAndDatasetOfThisInstallation()
    {
        mtm::test::DataFixture data;
        const auto prepared =
            data.importer->prepare(data.write(QStringLiteral("faq.csv"), "prompt,completion\nhi,hello\n"), {});
        const DatasetInfo faq = data.importer->commit(*prepared, QStringLiteral("faq"), false);

        const TrainingRequest request = TrainingRequest::fromJson(json(R"({"dataset": "FAQ"})"), "job");
        const mtm::engine::TrainingConfig config = request.resolve(*data.core, "job", data.path(QStringLiteral("j")));
        QCOMPARE(QString::fromStdString(config.records), faq.recordsFile());
        QCOMPARE(QString::fromStdString(config.baseModel), data.core->starterModel());
        QCOMPARE(QString::fromStdString(config.outputDirectory), data.path(QStringLiteral("j")));
        QVERIFY(QFileInfo::exists(QString::fromStdString(config.baseModel) + QStringLiteral("/model.safetensors")));

        QString outcome = mtm::test::failureOtherThan(Error::Kind::NotFound, [&] {
            TrainingRequest::fromJson(json(R"({"dataset": "nothing"})"), "job").resolve(*data.core, "job", "j");
        });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        outcome = mtm::test::failureOtherThan(Error::Kind::NotFound, [&] {
            TrainingRequest::fromJson(json(R"({"dataset": "faq", "model_name": "llama3.2:3b"})"), "job")
                .resolve(*data.core, "job", "j");
        });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
        outcome = mtm::test::failureOtherThan(Error::Kind::InvalidInput, [&] {
            TrainingRequest::fromJson(json(R"({"dataset": "faq", "training_type": "rag"})"), "job")
                .resolve(*data.core, "job", "j");
        });
        QVERIFY2(outcome.isEmpty(), qPrintable(outcome));
    }

    void jobFilesRunInAFolderOfTheirOwn()
    {
        mtm::test::DataFixture data;
        QCOMPARE(data.dataDirectory().jobFolderForFile(QStringLiteral("/somewhere/faq-bot.json")),
                 data.dataDirectory().path() + QStringLiteral("/jobs/faq-bot"));
    }
};

QTEST_GUILESS_MAIN(TestTrainingRequest)
#include "tst_training_request.moc"
