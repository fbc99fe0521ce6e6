#include "model/TextTokenizer.h"

#include "EngineCall.h"
#include "engine/tokenizer/TokenizerLoader.h"

namespace mtm::core {

std::unique_ptr<TextTokenizer> TextTokenizer::open(const QString &path)
{
    return callEngine([&] { return std::make_unique<TextTokenizer>(engine::loadTokenizer(path.toStdString())); });
}

TextTokenizer::TextTokenizer(std::shared_ptr<const engine::Tokenizer> tokenizer)
    : m_tokenizer(std::move(tokenizer))
{}

TextTokenizer::~TextTokenizer() = default;

std::vector<std::int32_t> TextTokenizer::encode(const QString &text, bool addSpecialTokens, bool parseSpecial) const
{
    return callEngine([&] { return m_tokenizer->encode(text.toStdString(), {addSpecialTokens, parseSpecial}); });
}

QString TextTokenizer::decode(const std::vector<std::int32_t> &ids, bool skipSpecial) const
{
    return callEngine([&] { return QString::fromStdString(m_tokenizer->decode(ids, skipSpecial)); });
}

QString TextTokenizer::piece(std::int32_t id) const
{
    return callEngine([&] { return QString::fromStdString(m_tokenizer->piece(id)); });
}

int TextTokenizer::vocabularySize() const
{
    return m_tokenizer->vocabularySize();
}

} // namespace mtm::core
