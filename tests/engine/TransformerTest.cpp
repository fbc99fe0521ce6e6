// The transformer against an independent computation: plain loops in float64 over the same weights (RMSNorm,
// projections, rotary embedding, grouped-query causal attention, SwiGLU), for Llama (with llama3 rope scaling),
// Qwen2 (q/k/v biases) and Mistral (sliding window). And KV-cache decoding against full recomputation.
#include "EngineTestSupport.h"
#include "ModelTestSupport.h"

#include "engine/model/KvCache.h"

#include <cmath>

namespace mtm::engine {
namespace {

using Vector = std::vector<double>;

struct Weights
{
    explicit Weights(Transformer &model)
    {
        for (const auto &parameter : model.named_parameters())
            tensors[parameter.key()] = parameter.value().detach().to(torch::kFloat64).contiguous();
    }
    const torch::Tensor &operator[](const std::string &name) const { return tensors.at(name); }
    bool has(const std::string &name) const { return tensors.count(name) > 0; }
    std::map<std::string, torch::Tensor> tensors;
};

Vector matVec(const torch::Tensor &w, const Vector &x, const torch::Tensor *bias = nullptr)
{
    const auto *data = w.data_ptr<double>();
    const std::int64_t rows = w.size(0), cols = w.size(1);
    Vector y(static_cast<std::size_t>(rows), 0.0);
    for (std::int64_t r = 0; r < rows; ++r) {
        double sum = bias ? bias->data_ptr<double>()[r] : 0.0;
        for (std::int64_t c = 0; c < cols; ++c)
            sum += data[r * cols + c] * x[static_cast<std::size_t>(c)];
        y[static_cast<std::size_t>(r)] = sum;
    }
    return y;
}

Vector rmsNorm(const Vector &x, const torch::Tensor &w, double eps)
{
    double meanSquare = 0;
    for (const double v : x)
        meanSquare += v * v;
    meanSquare /= double(x.size());
    Vector y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        y[i] = w.data_ptr<double>()[i] * x[i] / std::sqrt(meanSquare + eps);
    return y;
}

// Rotary embedding of one head vector at a position: pairs (i, i + d/2) rotate by position * frequency_i.
void rotate(double *head, std::int64_t d, double position, const Vector &frequencies)
{
    for (std::int64_t i = 0; i < d / 2; ++i) {
        const double angle = position * frequencies[static_cast<std::size_t>(i)];
        const double a = head[i], b = head[i + d / 2];
        head[i] = a * std::cos(angle) - b * std::sin(angle);
        head[i + d / 2] = b * std::cos(angle) + a * std::sin(angle);
    }
}

// The rope frequencies written out from their definitions (transformers' _compute_llama3_parameters).
Vector referenceFrequencies(const ModelConfig &config)
{
    Vector frequencies;
    for (std::int64_t i = 0; i < config.headDim; i += 2) {
        double f = 1.0 / std::pow(config.ropeTheta, double(i) / double(config.headDim));
        const RopeScaling &s = config.ropeScaling;
        if (s.type == "llama3") {
            const double wavelength = 2 * M_PI / f;
            const double low = double(s.originalMaxPositions) / s.lowFrequencyFactor;
            const double high = double(s.originalMaxPositions) / s.highFrequencyFactor;
            if (wavelength > low) {
                f /= s.factor;
            } else if (wavelength >= high) {
                const double smooth = (double(s.originalMaxPositions) / wavelength - s.lowFrequencyFactor) /
                                      (s.highFrequencyFactor - s.lowFrequencyFactor);
                f = (1 - smooth) * f / s.factor + smooth * f;
            }
        }
        frequencies.push_back(f);
    }
    return frequencies;
}

// Logits for every position of one sequence, in float64 loops.
std::vector<Vector> referenceLogits(Transformer &model, const std::vector<std::int64_t> &ids)
{
    const ModelConfig &c = model.config();
    const Weights w(model);
    const Vector frequencies = referenceFrequencies(c);
    const std::size_t T = ids.size();
    const std::int64_t H = c.heads, KV = c.kvHeads, D = c.headDim;

    std::vector<Vector> x(T);
    for (std::size_t t = 0; t < T; ++t) {
        const auto row = w["model.embed_tokens.weight"][ids[t]];
        x[t].assign(row.data_ptr<double>(), row.data_ptr<double>() + c.hiddenSize);
    }
    for (std::int64_t layer = 0; layer < c.layers; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".";
        auto bias = [&](const std::string &name) { return w.has(name) ? &w[name] : nullptr; };
        std::vector<Vector> q(T), k(T), v(T);
        for (std::size_t t = 0; t < T; ++t) {
            const Vector h = rmsNorm(x[t], w[p + "input_layernorm.weight"], c.rmsNormEps);
            q[t] = matVec(w[p + "self_attn.q_proj.weight"], h, bias(p + "self_attn.q_proj.bias"));
            k[t] = matVec(w[p + "self_attn.k_proj.weight"], h, bias(p + "self_attn.k_proj.bias"));
            v[t] = matVec(w[p + "self_attn.v_proj.weight"], h, bias(p + "self_attn.v_proj.bias"));
            for (std::int64_t head = 0; head < H; ++head)
                rotate(q[t].data() + head * D, D, double(t), frequencies);
            for (std::int64_t head = 0; head < KV; ++head)
                rotate(k[t].data() + head * D, D, double(t), frequencies);
        }
        for (std::size_t t = 0; t < T; ++t) {
            Vector attended(static_cast<std::size_t>(H * D), 0.0);
            for (std::int64_t head = 0; head < H; ++head) {
                const std::int64_t group = head / (H / KV);
                std::vector<double> scores;
                std::vector<std::size_t> keys;
                for (std::size_t s = 0; s <= t; ++s) {
                    if (c.slidingWindow && std::int64_t(t - s) >= *c.slidingWindow)
                        continue;
                    double dot = 0;
                    for (std::int64_t i = 0; i < D; ++i)
                        dot += q[t][head * D + i] * k[s][group * D + i];
                    scores.push_back(dot / std::sqrt(double(D)));
                    keys.push_back(s);
                }
                const double top = *std::max_element(scores.begin(), scores.end());
                double total = 0;
                for (double &score : scores)
                    total += (score = std::exp(score - top));
                for (std::size_t j = 0; j < keys.size(); ++j)
                    for (std::int64_t i = 0; i < D; ++i)
                        attended[head * D + i] += scores[j] / total * v[keys[j]][group * D + i];
            }
            const Vector o = matVec(w[p + "self_attn.o_proj.weight"], attended, bias(p + "self_attn.o_proj.bias"));
            for (std::size_t i = 0; i < o.size(); ++i)
                x[t][i] += o[i];
            const Vector h = rmsNorm(x[t], w[p + "post_attention_layernorm.weight"], c.rmsNormEps);
            const Vector gate = matVec(w[p + "mlp.gate_proj.weight"], h), up = matVec(w[p + "mlp.up_proj.weight"], h);
            Vector product(gate.size());
            for (std::size_t i = 0; i < gate.size(); ++i)
                product[i] = gate[i] / (1 + std::exp(-gate[i])) * up[i];
            const Vector down = matVec(w[p + "mlp.down_proj.weight"], product);
            for (std::size_t i = 0; i < down.size(); ++i)
                x[t][i] += down[i];
        }
    }
    std::vector<Vector> logits(T);
    const torch::Tensor &head = c.tieWordEmbeddings ? w["model.embed_tokens.weight"] : w["lm_head.weight"];
    for (std::size_t t = 0; t < T; ++t)
        logits[t] = matVec(head, rmsNorm(x[t], w["model.norm.weight"], c.rmsNormEps));
    return logits;
}

double maxDifference(const torch::Tensor &logits, const std::vector<Vector> &reference)
{
    const torch::Tensor got = logits.to(torch::kFloat64).squeeze(0).contiguous();
    double worst = 0;
    for (std::size_t t = 0; t < reference.size(); ++t)
        for (std::size_t i = 0; i < reference[t].size(); ++i)
            worst = std::max(worst, std::abs(got[long(t)][long(i)].item<double>() - reference[t][i]));
    return worst;
}

struct FamilyCase
{
    const char *name;
    ModelFamily family;
    bool llama3Rope;
    bool tied;
};

class TransformerReference : public ::testing::TestWithParam<FamilyCase>
{
protected:
    ModelConfig config() const
    {
        ModelConfig c = test::tinyConfig(GetParam().family);
        c.tieWordEmbeddings = GetParam().tied;
        if (GetParam().llama3Rope) {
            c.ropeScaling.type = "llama3";
            c.ropeScaling.factor = 8.0;
            c.ropeScaling.lowFrequencyFactor = 1.0;
            c.ropeScaling.highFrequencyFactor = 4.0;
            c.ropeScaling.originalMaxPositions = 64;
        }
        return c;
    }
};

const std::vector<std::int64_t> kIds = {3, 17, 42, 8, 8, 60, 0, 29, 11};

TEST_P(TransformerReference, Float64MatchesTheLoopsExactly)
{
    auto model = test::tinyModel(config());
    model->to(torch::kFloat64);
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = model->forward(ForwardInputs{torch::tensor(kIds).unsqueeze(0)});
    EXPECT_LT(maxDifference(logits, referenceLogits(*model, kIds)), 1e-10);
}

TEST_P(TransformerReference, Float32AgreesWithFloat64Loops)
{
    auto model = test::tinyModel(config());
    torch::NoGradGuard noGrad;
    const torch::Tensor logits = model->forward(ForwardInputs{torch::tensor(kIds).unsqueeze(0)});
    model->to(torch::kFloat64);
    const auto reference = referenceLogits(*model, kIds);
    EXPECT_LT(maxDifference(logits, reference), 1e-4);
}

TEST_P(TransformerReference, KvCacheDecodingEqualsFullRecomputation)
{
    auto model = test::tinyModel(config());
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = torch::tensor(kIds).unsqueeze(0);
    const torch::Tensor full = model->forward(ForwardInputs{ids});
    KvCache cache(model->config(), 1, 32, torch::kFloat32, torch::kCPU);
    const std::int64_t prefill = 4;
    torch::Tensor incremental = model->forward(ForwardInputs{ids.narrow(1, 0, prefill), &cache});
    for (std::int64_t t = prefill; t < ids.size(1); ++t)
        incremental = torch::cat({incremental, model->forward(ForwardInputs{ids.narrow(1, t, 1), &cache})}, 1);
    EXPECT_EQ(cache.length(), ids.size(1));
    EXPECT_LT((incremental - full).abs().max().item<double>(), 1e-5);
}

TEST_P(TransformerReference, BatchRowsAreIndependent)
{
    auto model = test::tinyModel(config());
    torch::NoGradGuard noGrad;
    const torch::Tensor a = torch::tensor(kIds).unsqueeze(0);
    const torch::Tensor b = a.flip(1);
    const torch::Tensor both = model->forward(ForwardInputs{torch::cat({a, b}, 0)});
    EXPECT_LT((both[0] - model->forward(ForwardInputs{a})[0]).abs().max().item<double>(), 1e-5);
    EXPECT_LT((both[1] - model->forward(ForwardInputs{b})[0]).abs().max().item<double>(), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Families, TransformerReference,
                         ::testing::Values(FamilyCase{"llama", ModelFamily::Llama, false, false},
                                           FamilyCase{"llama3_rope_tied", ModelFamily::Llama, true, true},
                                           FamilyCase{"qwen2_bias", ModelFamily::Qwen2, false, true},
                                           FamilyCase{"mistral_window", ModelFamily::Mistral, false, false}),
                         [](const ::testing::TestParamInfo<FamilyCase> &info) { return std::string(info.param.name); });

TEST(Transformer, RunsInBfloat16)
{
    auto model = test::tinyModel(test::tinyConfig(ModelFamily::Llama));
    torch::NoGradGuard noGrad;
    const torch::Tensor ids = torch::tensor(kIds).unsqueeze(0);
    const torch::Tensor reference = model->forward(ForwardInputs{ids});
    model->to(torch::kBFloat16);
    const torch::Tensor logits = model->forward(ForwardInputs{ids});
    EXPECT_EQ(logits.scalar_type(), torch::kBFloat16);
    // bf16 keeps about three significant digits.
    EXPECT_LT((logits.to(torch::kFloat32) - reference).abs().max().item<double>(),
              0.05 * reference.abs().max().item<double>());
}

} // namespace
} // namespace mtm::engine
