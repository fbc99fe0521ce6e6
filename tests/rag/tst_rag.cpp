// Retrieval: documents cut into chunks that keep their source, the rag_model/ files as the user guide's Python
// client reads them (python3-faiss and numpy run its code on the files the app wrote), and the built-in
// embedder's recall on 216 documents and 50 questions written for this test.
#include "Error.h"
#include "common/FakeOllama.h"
#include "rag/Chunking.h"
#include "rag/RagBuild.h"
#include "rag/RagModel.h"
#include "rag/RetrievalService.h"

#include "common/Python.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mtm::core;

class TestRag : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    RagBuildSummary m_summary;

    struct Fixture
    {
        QStringList documents;
        QStringList questions;
        QVector<qint64> answers;
    };

    static Fixture fixture()
    {
        Fixture fixture;
        QFile documents(QStringLiteral(MTM_SOURCE_DIR "/tests/rag/data/documents.jsonl"));
        if (documents.open(QIODevice::ReadOnly))
            while (!documents.atEnd()) {
                const QJsonObject document = QJsonDocument::fromJson(documents.readLine()).object();
                fixture.documents << document.value(QStringLiteral("title")).toString() + QStringLiteral(". ") +
                                         document.value(QStringLiteral("text")).toString();
            }
        QFile questions(QStringLiteral(MTM_SOURCE_DIR "/tests/rag/data/questions.jsonl"));
        if (questions.open(QIODevice::ReadOnly))
            while (!questions.atEnd()) {
                const QJsonObject question = QJsonDocument::fromJson(questions.readLine()).object();
                fixture.questions << question.value(QStringLiteral("question")).toString();
                fixture.answers << question.value(QStringLiteral("answer_id")).toInteger();
            }
        return fixture;
    }

    // The documents as a dataset's records.jsonl.
    QString writeRecords(const QString &name, const QStringList &documents)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        for (const QString &document : documents)
            file.write(QJsonDocument(QJsonObject{{QStringLiteral("text"), document}}).toJson(QJsonDocument::Compact) +
                       '\n');
        return file.fileName();
    }

private slots:
    // The index every test searches: the 216 documents, with the built-in embedder.
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const Fixture data = fixture();
        QVERIFY(data.documents.size() >= 200);
        RagBuildRequest request;
        request.recordsFile = writeRecords(QStringLiteral("records.jsonl"), data.documents);
        request.outputFolder = m_dir.filePath(QStringLiteral("job/rag_model"));
        request.corpus = corpusDocuments(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-corpus"));
        request.chunking.size = 120;
        request.chunking.overlap = 20;
        qint64 lastProgress = 0;
        m_summary = buildRagModel(request, [&](qint64 done, qint64 total) {
            lastProgress = done * 1000 / total;
            return true;
        });
        QCOMPARE(lastProgress, 1000);
    }

    void chunksKeepTheirSourceAndOverlap()
    {
        const auto oneTokenPerWord = [](const QString &) { return qint64(1); };
        ChunkSettings settings;
        settings.size = 10;
        settings.overlap = 3;
        QCOMPARE(chunkText(QStringLiteral("  A short record.  "), 4, settings, oneTokenPerWord).size(), 1);
        const QVector<Chunk> single = chunkText(QStringLiteral("  A short record.  "), 4, settings, oneTokenPerWord);
        QCOMPARE(single[0].text, QStringLiteral("A short record."));
        QCOMPARE(single[0].record, 4);
        QCOMPARE(single[0].start, 2);
        QVERIFY(chunkText(QStringLiteral(" \n\t "), 0, settings, oneTokenPerWord).isEmpty());

        QStringList words;
        for (int i = 0; i < 25; ++i)
            words << QStringLiteral("w%1").arg(i);
        const QString text = words.join(QStringLiteral(" \n"));
        const QVector<Chunk> chunks = chunkText(text, 7, settings, oneTokenPerWord);
        // w0–w9, w7–w16, w14–w23, w21–w24: ten words each at most, three shared with the one before.
        QCOMPARE(chunks.size(), 4);
        const QStringList firsts = {QStringLiteral("w0"), QStringLiteral("w7"), QStringLiteral("w14"),
                                    QStringLiteral("w21")};
        for (int i = 0; i < chunks.size(); ++i) {
            QCOMPARE(chunks[i].record, 7);
            QCOMPARE(chunks[i].part, i);
            QCOMPARE(chunks[i].text, text.mid(chunks[i].start, chunks[i].end - chunks[i].start));
            QCOMPARE(chunks[i].text.section(QLatin1Char(' '), 0, 0), firsts[i]);
        }
        QVERIFY(chunks.last().text.endsWith(QStringLiteral("w24")));
        // By characters: at most 20 characters a chunk (a longer word alone).
        settings.unit = ChunkSettings::Unit::Characters;
        settings.size = 20;
        settings.overlap = 5;
        for (const Chunk &chunk : chunkText(QStringLiteral("alpha beta gamma delta epsilon zeta eta theta iota kappa"),
                                            0, settings, oneTokenPerWord))
            QVERIFY2(chunk.text.size() <= 20, qPrintable(chunk.text));
    }

    void aRagModelIsWhatTheGuidesPythonClientReads()
    {
        const Fixture data = fixture();
        const RagBuildSummary &summary = m_summary;
        RagBuildRequest request;
        request.outputFolder = m_dir.filePath(QStringLiteral("job/rag_model"));
        QCOMPARE(summary.records, data.documents.size());
        QVERIFY(summary.chunks >= summary.records);
        QCOMPARE(summary.indexType, QStringLiteral("IndexFlatIP"));
        const QDir out(request.outputFolder);
        for (const QString &file : {ragFiles::config, ragFiles::index, ragFiles::documents, ragFiles::metadata,
                                    QStringLiteral("embedder/modules.json")})
            QVERIFY2(QFileInfo::exists(out.filePath(file)), qPrintable(file));
        QVERIFY(!QFileInfo::exists(request.outputFolder + QStringLiteral(".partial")));

        const RagModel model(request.outputFolder);
        QCOMPARE(model.chunkCount(), summary.chunks);
        QCOMPARE(model.config().value(QStringLiteral("embedding_model")).toString(),
                 out.filePath(QStringLiteral("embedder")));
        // The guide's client: SentenceTransformer(config["embedding_model"]) gives the query vectors (here the
        // app's, which sentence-transformers cannot be installed to compute), then faiss and documents.json.
        QJsonArray queries;
        for (int i = 0; i < 10; ++i) {
            QJsonArray vector;
            for (const float value : model.embed(data.questions[i]))
                vector.append(double(value));
            queries.append(vector);
        }
        QFile queryFile(m_dir.filePath(QStringLiteral("queries.json")));
        QVERIFY(queryFile.open(QIODevice::WriteOnly));
        queryFile.write(QJsonDocument(queries).toJson(QJsonDocument::Compact));
        queryFile.close();
        const QString client = QStringLiteral(R"(
import json, sys
import faiss, numpy as np
folder, queries = sys.argv[1], json.load(open(sys.argv[2]))
config = json.load(open(folder + "/rag_config.json"))
index = faiss.read_index(folder + "/vector_index.faiss")
documents = json.load(open(folder + "/documents.json"))
assert isinstance(documents, list) and all(isinstance(d, str) for d in documents)
assert index.ntotal == len(documents) == config["chunks"] and index.d == config["dimension"]
for query in queries:
    scores, ids = index.search(np.array([query], dtype="float32"), 3)
    context = "\n\n".join(documents[i] for i in ids[0])
    print(json.dumps({"ids": [int(i) for i in ids[0]], "context": context}))
)");
        QProcess python;
        python.start(mtm::test::python(), {QStringLiteral("-c"), client, request.outputFolder, queryFile.fileName()});
        QVERIFY(python.waitForFinished(60000));
        const QString said = QString::fromUtf8(python.readAllStandardError());
        if (said.contains(QStringLiteral("No module named")))
            QSKIP(qPrintable(QStringLiteral("python3-faiss or python3-numpy is missing: ") + said));
        QVERIFY2(python.exitCode() == 0, qPrintable(said));
        const QStringList lines =
            QString::fromUtf8(python.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 10);
        for (int i = 0; i < 10; ++i) {
            const QJsonObject answer = QJsonDocument::fromJson(lines[i].toUtf8()).object();
            const QVector<RetrievedChunk> ours = model.search(data.questions[i], 3, Retrieval::Dense);
            QStringList texts;
            QJsonArray ids;
            for (const RetrievedChunk &chunk : ours) {
                ids.append(chunk.chunk);
                texts << chunk.text;
            }
            QCOMPARE(answer.value(QStringLiteral("ids")).toArray(), ids);
            QCOMPARE(answer.value(QStringLiteral("context")).toString(), texts.join(QStringLiteral("\n\n")));
        }
    }

    // A rag_model/ folder damaged or edited by hand, and a records file with a bad line: refused, naming the file
    // (and the line, or the entry), never searched half-read.
    void aDamagedRagModelOrABadRecordIsRefusedSayingWhere()
    {
        const QString built = m_dir.filePath(QStringLiteral("job/rag_model"));
        const auto refusal = [&](const QString &file, const QByteArray &content) {
            QTemporaryDir copy;
            const QString folder = copy.filePath(QStringLiteral("rag_model"));
            QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-r"), built, folder});
            QFile damaged(folder + QLatin1Char('/') + file);
            if (!damaged.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return QStringLiteral("cannot write ") + damaged.fileName();
            damaged.write(content);
            damaged.close();
            try {
                RagModel model(folder);
            } catch (const Error &error) {
                return error.message();
            }
            return QStringLiteral("opened");
        };
        QFile documentsFile(built + QLatin1Char('/') + ragFiles::documents);
        QVERIFY(documentsFile.open(QIODevice::ReadOnly));
        QJsonArray documents = QJsonDocument::fromJson(documentsFile.readAll()).array();
        documents.removeLast();
        const QByteArray fewer = QJsonDocument(documents).toJson();
        QString said = refusal(ragFiles::documents, fewer);
        QVERIFY2(said.contains(QStringLiteral("does not hold together")) &&
                     said.contains(QStringLiteral("%1 documents").arg(documents.size())),
                 qPrintable(said));
        documents.append(42);
        said = refusal(ragFiles::documents, QJsonDocument(documents).toJson());
        QVERIFY2(said.contains(ragFiles::documents) &&
                     said.contains(QStringLiteral("entry %1 is not a text").arg(documents.size())),
                 qPrintable(said));
        said = refusal(ragFiles::documents, "{\"a\": 1}");
        QVERIFY2(said.contains(QStringLiteral("must be a JSON array of texts")), qPrintable(said));
        said = refusal(ragFiles::config, "[1, 2");
        QVERIFY2(said.contains(ragFiles::config) && said.contains(QStringLiteral("is not valid JSON")),
                 qPrintable(said));
        said = refusal(ragFiles::config, "[]");
        QVERIFY2(said.contains(QStringLiteral("must be a JSON object")), qPrintable(said));
        said = refusal(ragFiles::metadata, "{}");
        QVERIFY2(said.contains(ragFiles::metadata) && said.contains(QStringLiteral("\"chunks\" must be")),
                 qPrintable(said));
        QFile indexFile(built + QLatin1Char('/') + ragFiles::index);
        QVERIFY(indexFile.open(QIODevice::ReadOnly));
        said = refusal(ragFiles::index, indexFile.read(indexFile.size() / 2)); // cut short
        QVERIFY2(said.contains(ragFiles::index), qPrintable(said));
        said = refusal(ragFiles::index, QByteArray("IxFI") + QByteArray(64, '\xff'));
        QVERIFY2(said.contains(ragFiles::index), qPrintable(said));

        // A records line that is not JSON, and one without text: named by their line, nothing left behind.
        QFile records(m_dir.filePath(QStringLiteral("bad-records.jsonl")));
        QVERIFY(records.open(QIODevice::WriteOnly));
        records.write("{\"text\": \"A fine first record.\"}\n{\"text\": \"cut short\n");
        records.close();
        RagBuildRequest request;
        request.recordsFile = records.fileName();
        request.outputFolder = m_dir.filePath(QStringLiteral("bad/rag_model"));
        request.corpus = corpusDocuments(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-corpus"));
        try {
            buildRagModel(request, {});
            QFAIL("a bad records line was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("Line 2 of the dataset's records")),
                     qPrintable(error.message()));
        }
        QVERIFY(!QFileInfo::exists(request.outputFolder));
        QVERIFY(!QFileInfo::exists(request.outputFolder + QStringLiteral(".partial")));
    }

    void theBuiltInEmbedderFindsTheAnswerInItsTopThree()
    {
        const Fixture data = fixture();
        QCOMPARE(data.questions.size(), 50);
        const RagModel model(m_dir.filePath(QStringLiteral("job/rag_model")));
        int dense = 0, hybrid = 0;
        for (int i = 0; i < data.questions.size(); ++i) {
            const auto found = [&](const QVector<RetrievedChunk> &chunks) {
                return std::any_of(chunks.begin(), chunks.end(),
                                   [&](const RetrievedChunk &chunk) { return chunk.record == data.answers[i]; });
            };
            dense += found(model.search(data.questions[i], 3, Retrieval::Dense)) ? 1 : 0;
            hybrid += found(model.search(data.questions[i], 3, Retrieval::Hybrid)) ? 1 : 0;
        }
        qInfo("recall@3 of 50 questions: dense %d, hybrid %d", dense, hybrid);
        QVERIFY2(dense >= 40, qPrintable(QStringLiteral("dense recall@3: %1 of 50").arg(dense)));
        QVERIFY2(hybrid >= 40, qPrintable(QStringLiteral("hybrid recall@3: %1 of 50").arg(hybrid)));
    }

    // An Ollama embedding model (/api/embed, here the strict stand-in server's): the chunks indexed with its
    // vectors, normalised; the index searched with the same model; a model the server lacks explained.
    void anOllamaEmbeddingModelIndexesAndSearches()
    {
        mtm::test::FakeOllama server(m_dir.filePath(QStringLiteral("ollama-blobs")), {});
        const QStringList documents = {QStringLiteral("The printer on the second floor jams when the tray is full."),
                                       QStringLiteral("Invoices are sent on the first working day of each month."),
                                       QStringLiteral("Water tomato plants in the morning, never on the leaves.")};
        RagBuildRequest request;
        request.recordsFile = writeRecords(QStringLiteral("ollama-records.jsonl"), documents);
        request.outputFolder = m_dir.filePath(QStringLiteral("ollama/rag_model"));
        request.embedder = QStringLiteral("ollama:fake-embed");
        request.ollamaServer = QUrl(server.url());
        const RagBuildSummary summary = buildRagModel(request, {});
        QCOMPARE(summary.dimension, 64);
        QCOMPARE(summary.chunks, 3);
        const RagModel model(request.outputFolder);
        QCOMPARE(model.config().value(QStringLiteral("embedding_backend")).toString(), QStringLiteral("ollama"));
        QCOMPARE(model.config().value(QStringLiteral("embedding_model")).toString(), QStringLiteral("fake-embed"));
        QCOMPARE(model.config().value(QStringLiteral("ollama_host")).toString(), QUrl(server.url()).toString());
        QVERIFY(!QFileInfo::exists(request.outputFolder + QStringLiteral("/embedder")));
        const QVector<RetrievedChunk> found =
            model.search(QStringLiteral("why does the printer jam"), 1, Retrieval::Dense);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].record, 0);
        QVERIFY(found[0].score > 0 && found[0].score <= 1.0001); // cosine: the vectors were normalised
        request.embedder = QStringLiteral("ollama:missing");
        request.outputFolder = m_dir.filePath(QStringLiteral("ollama-missing/rag_model"));
        try {
            buildRagModel(request, {});
            QFAIL("a model the server lacks was used");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::NotFound);
            QVERIFY2(error.message().contains(QStringLiteral("ollama pull missing")), qPrintable(error.message()));
        }
        QVERIFY(!QFileInfo::exists(request.outputFolder));
        QVERIFY(!QFileInfo::exists(request.outputFolder + QStringLiteral(".partial")));
    }

    // The retrieval service the guide's PHP client calls: its answers, and each bad request refused as stated.
    void theRetrievalServiceAnswersAndRefusesAsStated()
    {
        auto model = std::make_shared<RagModel>(m_dir.filePath(QStringLiteral("job/rag_model")));
        RetrievalService service(model);
        const quint16 port = service.start(QHostAddress::LocalHost, 0);
        QVERIFY(port > 0);
        QNetworkAccessManager network;
        const auto call = [&](const QByteArray &method, const QString &path, const QByteArray &body) {
            QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            QNetworkReply *reply = network.sendCustomRequest(request, method, body);
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
            reply->deleteLater();
            return std::make_pair(status, answer);
        };
        const QString question = QStringLiteral("Why is crêpe batter chilled in the fridge before frying?");
        auto [status, answer] = call(
            "POST", QStringLiteral("/retrieve"),
            QJsonDocument(QJsonObject{{QStringLiteral("query"), question}, {QStringLiteral("top_k"), 4}}).toJson());
        QCOMPARE(status, 200);
        const QVector<RetrievedChunk> expected = model->search(question, 4, model->defaultRetrieval());
        QCOMPARE(answer.value(QStringLiteral("documents")).toArray().size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(answer.value(QStringLiteral("documents")).toArray()[i].toString(), expected[i].text);
            QCOMPARE(answer.value(QStringLiteral("scores")).toArray()[i].toDouble(), expected[i].score);
        }
        // top_k left out: three.
        std::tie(status, answer) = call("POST", QStringLiteral("/retrieve"), R"({"query": "printer jam"})");
        QCOMPARE(answer.value(QStringLiteral("documents")).toArray().size(), 3);
        std::tie(status, answer) = call("POST", QStringLiteral("/retrieve"), R"({"query": "x", "top_k": )");
        QCOMPARE(status, 400);
        QVERIFY2(answer.value(QStringLiteral("error")).toString().contains(QStringLiteral("at byte")),
                 qPrintable(answer.value(QStringLiteral("error")).toString()));
        std::tie(status, answer) = call("POST", QStringLiteral("/retrieve"), R"({"query": "", "top_k": 0.5})");
        QCOMPARE(status, 422);
        QCOMPARE(answer.value(QStringLiteral("problems")).toArray().size(), 2);
        std::tie(status, answer) = call("GET", QStringLiteral("/retrieve"), {});
        QCOMPARE(status, 405);
        std::tie(status, answer) = call("POST", QStringLiteral("/elsewhere"), R"({"query": "x"})");
        QCOMPARE(status, 404);
        std::tie(status, answer) = call("POST", QStringLiteral("/retrieve"), QByteArray(100 * 1024, ' '));
        QCOMPARE(status, 413);
        // A form or text post (what a web page may send across sites) and a forged Host (DNS rebinding): refused.
        {
            QNetworkRequest form(QUrl(QStringLiteral("http://127.0.0.1:%1/retrieve").arg(port)));
            form.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/plain"));
            QNetworkReply *reply = network.post(form, R"({"query": "x"})");
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 415);
            reply->deleteLater();
            QNetworkRequest rebound(QUrl(QStringLiteral("http://127.0.0.1:%1/retrieve").arg(port)));
            rebound.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            rebound.setRawHeader("Host", "attacker.example:" + QByteArray::number(port));
            reply = network.post(rebound, R"({"query": "x"})");
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
            reply->deleteLater();
        }
        std::tie(status, answer) = call("GET", QStringLiteral("/health"), {});
        QCOMPARE(status, 200);
        QCOMPARE(answer.value(QStringLiteral("chunks")).toInteger(), model->chunkCount());
        // A port taken: said so.
        RetrievalService second(model);
        try {
            second.start(QHostAddress::LocalHost, port);
            QFAIL("two services on one port");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Io);
            QVERIFY2(error.message().contains(QString::number(port)), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestRag)
#include "tst_rag.moc"
