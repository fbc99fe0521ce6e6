// Benchmark: retrieval. Prints (1) recall@1, @3 and @10 of dense, BM25 and hybrid retrieval with the built-in
// embedder on the 216 documents and 50 questions of tests/rag/data; (2) embedding throughput on the CPU, in chunks
// per second, of the built-in embedder and of a MiniLM-shaped BERT with random weights (384 wide, 6 layers, 12
// heads, 30,522 tokens) on chunks of 128 tokens, on 2 threads and on all; (3) for 100,000 chunks of 384
// dimensions gathered by topic as texts' embeddings are, the time to build the exact and the HNSW index and their
// query latency (p50, p99) with the HNSW index's recall@10 against the exact one. Asserts nothing.
// Run: build/tests/bench_rag [recall|throughput|indexes] (default: all three)
#include "engine/embed/SentenceEmbedder.h"
#include "engine/io/Safetensors.h"
#include "rag/RagBuild.h"
#include "rag/RagModel.h"
#include "rag/VectorIndex.h"
#include "system/CpuThreads.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

using namespace mtm;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void recall(const QString &folder)
{
    QStringList documents, questions;
    QVector<qint64> answers;
    QFile documentsFile(QStringLiteral(MTM_SOURCE_DIR "/tests/rag/data/documents.jsonl"));
    QFile questionsFile(QStringLiteral(MTM_SOURCE_DIR "/tests/rag/data/questions.jsonl"));
    if (!documentsFile.open(QIODevice::ReadOnly) || !questionsFile.open(QIODevice::ReadOnly)) {
        std::printf("tests/rag/data is missing\n");
        return;
    }
    QFile records(folder + QStringLiteral("/records.jsonl"));
    records.open(QIODevice::WriteOnly);
    while (!documentsFile.atEnd()) {
        const QJsonObject document = QJsonDocument::fromJson(documentsFile.readLine()).object();
        records.write(QJsonDocument(QJsonObject{{QStringLiteral("title"), document.value(QStringLiteral("title"))},
                                                {QStringLiteral("text"), document.value(QStringLiteral("text"))}})
                          .toJson(QJsonDocument::Compact) +
                      '\n');
    }
    records.close();
    while (!questionsFile.atEnd()) {
        const QJsonObject question = QJsonDocument::fromJson(questionsFile.readLine()).object();
        questions << question.value(QStringLiteral("question")).toString();
        answers << question.value(QStringLiteral("answer_id")).toInteger();
    }
    core::RagBuildRequest request;
    request.recordsFile = records.fileName();
    request.outputFolder = folder + QStringLiteral("/rag_model");
    request.corpus = core::corpusDocuments(QStringLiteral(MTM_SOURCE_DIR "/resources/starter-corpus"));
    const auto start = Clock::now();
    const core::RagBuildSummary summary = core::buildRagModel(request, {});
    std::printf("built-in embedder and index of %lld documents (%lld chunks): %.2f s\n",
                static_cast<long long>(summary.records), static_cast<long long>(summary.chunks), secondsSince(start));
    const core::RagModel model(request.outputFolder);
    std::printf("recall of %lld questions     @1     @3    @10\n", static_cast<long long>(questions.size()));
    for (const auto &[name, retrieval] :
         {std::pair{"dense   ", core::Retrieval::Dense}, std::pair{"BM25    ", core::Retrieval::Keywords},
          std::pair{"hybrid  ", core::Retrieval::Hybrid}}) {
        int at1 = 0, at3 = 0, at10 = 0;
        for (qsizetype i = 0; i < questions.size(); ++i) {
            const QVector<core::RetrievedChunk> found = model.search(questions[i], 10, retrieval);
            for (qsizetype rank = 0; rank < found.size(); ++rank)
                if (found[rank].record == answers[i]) {
                    at1 += rank < 1;
                    at3 += rank < 3;
                    at10 += rank < 10;
                    break;
                }
        }
        const double n = double(questions.size());
        std::printf("  %s                %5.2f  %5.2f  %5.2f\n", name, at1 / n, at3 / n, at10 / n);
    }
}

// A MiniLM-L6-shaped sentence-transformers folder with random weights.
void writeMiniLm(const std::string &folder)
{
    const std::int64_t vocab = 30522, hidden = 384, layers = 6, inner = 1536;
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    const auto add = [&](const std::string &name, std::vector<std::int64_t> shape) {
        weights.emplace_back(name, torch::randn(shape) * 0.05);
    };
    add("embeddings.word_embeddings.weight", {vocab, hidden});
    add("embeddings.position_embeddings.weight", {512, hidden});
    add("embeddings.token_type_embeddings.weight", {2, hidden});
    weights.emplace_back("embeddings.LayerNorm.weight", torch::ones({hidden}));
    weights.emplace_back("embeddings.LayerNorm.bias", torch::zeros({hidden}));
    for (std::int64_t i = 0; i < layers; ++i) {
        const std::string p = "encoder.layer." + std::to_string(i) + ".";
        for (const char *name :
             {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
            add(p + name + ".weight", {hidden, hidden});
            add(p + name + ".bias", {hidden});
        }
        for (const char *norm : {"attention.output.LayerNorm", "output.LayerNorm"}) {
            weights.emplace_back(p + norm + ".weight", torch::ones({hidden}));
            weights.emplace_back(p + norm + ".bias", torch::zeros({hidden}));
        }
        add(p + "intermediate.dense.weight", {inner, hidden});
        add(p + "intermediate.dense.bias", {inner});
        add(p + "output.dense.weight", {hidden, inner});
        add(p + "output.dense.bias", {hidden});
    }
    engine::writeSafetensors(folder + "/model.safetensors", weights);
    std::ofstream(folder + "/config.json") << nlohmann::json{
        {"model_type", "bert"},          {"vocab_size", vocab},       {"hidden_size", hidden},
        {"num_hidden_layers", layers},   {"num_attention_heads", 12}, {"intermediate_size", inner},
        {"max_position_embeddings", 512}}.dump();
    std::ofstream vocabulary(folder + "/vocab.txt");
    vocabulary << "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
    for (std::int64_t i = 4; i < vocab; ++i)
        vocabulary << "w" << i << '\n';
}

void throughput(const std::string &name, const engine::SentenceEmbedder &embedder,
                const std::vector<std::string> &chunks)
{
    std::vector<int> counts = {2};
    if (std::thread::hardware_concurrency() > 2)
        counts.push_back(int(std::thread::hardware_concurrency()));
    for (const int threads : counts) {
        at::set_num_threads(threads);
        embedder.embed({chunks.begin(), chunks.begin() + 32}); // warm up: one whole batch
        // Five passes: the median and the best, as a shared machine's speed varies from one second to the next.
        std::vector<double> rates;
        for (int pass = 0; pass < 5; ++pass) {
            const auto start = Clock::now();
            embedder.embed(chunks);
            rates.push_back(double(chunks.size()) / secondsSince(start));
        }
        std::sort(rates.begin(), rates.end());
        std::printf("  %-30s %2d threads: median %7.1f, best %7.1f chunks/s\n", name.c_str(), threads, rates[2],
                    rates[4]);
    }
}

void indexes()
{
    const int dimension = 384, queries = 1000;
    const int count =
        qEnvironmentVariableIsSet("MTM_BENCH_CHUNKS") ? qEnvironmentVariableIntValue("MTM_BENCH_CHUNKS") : 100000;
    std::mt19937 random(7);
    std::normal_distribution<float> normal;
    // Texts' embeddings gather by topic: unit vectors around count / 50 random topics (noise 0.6 a dimension
    // against 1 for the topic), the questions around the same topics. (Vectors drawn uniformly at random have no
    // neighbourhoods at all: a graph index is slow to build on them and finds little.)
    std::vector<float> topics(std::size_t(std::max(1, count / 50)) * dimension);
    for (float &value : topics)
        value = normal(random);
    const auto unitRows = [&](int rows) {
        std::vector<float> values(std::size_t(rows) * dimension);
        for (int r = 0; r < rows; ++r) {
            const std::size_t topic = std::size_t(random() % (topics.size() / dimension)) * dimension;
            float *row = values.data() + std::size_t(r) * dimension;
            float norm = 0;
            for (int d = 0; d < dimension; ++d) {
                row[d] = topics[topic + std::size_t(d)] + 0.6f * normal(random);
                norm += row[d] * row[d];
            }
            for (int d = 0; d < dimension; ++d)
                row[d] /= std::sqrt(norm);
        }
        return values;
    };
    const std::vector<float> vectors = unitRows(count), asked = unitRows(queries);
    std::vector<std::vector<qint64>> exactTop;
    for (const core::VectorIndex::Kind kind : {core::VectorIndex::Kind::Exact, core::VectorIndex::Kind::Hnsw}) {
        core::VectorIndex index(dimension, kind);
        const auto start = Clock::now();
        index.add(vectors);
        const double build = secondsSince(start);
        std::vector<double> latencies;
        std::vector<std::vector<qint64>> top;
        for (int q = 0; q < queries; ++q) {
            const std::vector<float> one(asked.begin() + q * dimension, asked.begin() + (q + 1) * dimension);
            const auto asking = Clock::now();
            const auto hits = index.search(one, 10).front();
            latencies.push_back(secondsSince(asking) * 1000);
            std::vector<qint64> ids;
            for (const auto &hit : hits)
                ids.push_back(hit.id);
            top.push_back(ids);
        }
        std::sort(latencies.begin(), latencies.end());
        double agreement = 1;
        if (kind == core::VectorIndex::Kind::Exact) {
            exactTop = top;
        } else {
            int same = 0;
            for (int q = 0; q < queries; ++q)
                for (const qint64 id : top[std::size_t(q)])
                    same += std::count(exactTop[std::size_t(q)].begin(), exactTop[std::size_t(q)].end(), id) > 0;
            agreement = same / (10.0 * queries);
        }
        std::printf("  %d chunks, %-14s build %6.2f s   query p50 %6.3f ms  p99 %6.3f ms   recall@10 vs exact %.3f\n",
                    count, core::VectorIndex::kindName(kind).toUtf8().constData(), build, latencies[queries / 2],
                    latencies[queries * 99 / 100], agreement);
    }
}

} // namespace

int main(int argc, char **argv)
{
    core::prepareProcessForComputing(argv); // as the app: the runtimes' settings, freed memory kept for reuse
    QCoreApplication app(argc, argv);
    const QString only = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    torch::manual_seed(1);
    at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
    QTemporaryDir dir;
    if (only.isEmpty() || only == QLatin1String("recall") || only == QLatin1String("throughput")) {
        std::printf("== Recall (tests/rag/data)\n");
        recall(dir.path());
    }
    if (only.isEmpty() || only == QLatin1String("throughput")) {
        std::printf("== Embedding throughput on the CPU (chunks of 128 tokens)\n");
        std::vector<std::string> chunks;
        std::mt19937 random(3);
        for (int c = 0; c < 256; ++c) {
            std::string text;
            for (int w = 0; w < 126; ++w)
                text += "w" + std::to_string(4 + random() % 30000) + ' ';
            chunks.push_back(text);
        }
        const engine::SentenceEmbedder builtIn((dir.path() + QStringLiteral("/rag_model/embedder")).toStdString());
        throughput("built-in (StaticEmbedding)", builtIn, chunks);
        const std::string miniLm = (dir.path() + QStringLiteral("/minilm")).toStdString();
        QDir().mkpath(QString::fromStdString(miniLm));
        writeMiniLm(miniLm);
        const engine::SentenceEmbedder exact(miniLm), fast(miniLm, torch::kBFloat16);
        throughput("MiniLM-shaped BERT, float32", exact, chunks);
        throughput("MiniLM-shaped BERT, bfloat16", fast, chunks);
        const std::vector<std::string> some(chunks.begin(), chunks.begin() + 64);
        std::printf("  bfloat16 against float32 vectors: lowest cosine %.5f over %zu chunks\n",
                    torch::cosine_similarity(fast.embed(some), exact.embed(some), 1).min().item<double>(), some.size());
    }
    if (only.isEmpty() || only == QLatin1String("indexes")) {
        std::printf("== Chunks of 384 dimensions (100,000, or MTM_BENCH_CHUNKS), 1,000 queries of 10, %d threads\n",
                    at::get_num_threads());
        indexes();
    }
    return 0;
}
