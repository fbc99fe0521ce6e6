#include "engine/embed/TextEmbedder.h"

#include "engine/DeviceChoice.h"
#include "engine/embed/SentenceEmbedder.h"

namespace mtm::engine {

TextEmbedder::TextEmbedder(const std::string &folder, const std::string &device)
{
    const torch::Device chosen = resolveDevice(device);
    m_embedder = std::make_unique<SentenceEmbedder>(folder, fastDtype(chosen), chosen);
}

TextEmbedder::~TextEmbedder() = default;

std::int64_t TextEmbedder::dimension() const
{
    return m_embedder->dimension();
}

bool TextEmbedder::normalizes() const
{
    return m_embedder->normalizes();
}

bool TextEmbedder::isStatic() const
{
    return m_embedder->isStatic();
}

std::string TextEmbedder::pooling() const
{
    return !m_embedder->isStatic() && m_embedder->pooling() == SentenceEmbedder::Pooling::Classifier ? "cls" : "mean";
}

std::int64_t TextEmbedder::maxTokens() const
{
    return m_embedder->maxTokens();
}

std::int64_t TextEmbedder::countTokens(const std::string &text) const
{
    return std::int64_t(m_embedder->tokenizer().encode(text).size());
}

std::vector<float> TextEmbedder::embed(const std::vector<std::string> &texts, const EngineProgress &progress) const
{
    const torch::Tensor rows = m_embedder->embed(texts, progress).to(torch::kFloat32).contiguous();
    return std::vector<float>(rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel());
}

} // namespace mtm::engine
