#include "model/TextTokenizer.h"

#include "Error.h"
#include "engine/EngineError.h"
#include "engine/tokenizer/TokenizerLoader.h"

namespace mtm::core {

std::unique_ptr<TextTokenizer> TextTokenizer::open(const QString &path)
{
    try {
        return std::make_unique<TextTokenizer>(engine::loadTokenizer(path.toStdString()));
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
}

TextTokenizer::TextTokenizer(std::shared_ptr<const engine::Tokenizer> tokenizer)
    : m_tokenizer(std::move(tokenizer))
{}

TextTokenizer::~TextTokenizer() = default;

std::vector<std::int32_t> TextTokenizer::encode(const QString &text, bool addSpecialTokens, bool parseSpecial) const
{
    return m_tokenizer->encode(text.toStdString(), {addSpecialTokens, parseSpecial});
}

QString TextTokenizer::decode(const std::vector<std::int32_t> &ids, bool skipSpecial) const
{
    try {
        return QString::fromStdString(m_tokenizer->decode(ids, skipSpecial));
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
}

QString TextTokenizer::piece(std::int32_t id) const
{
    try {
        return QString::fromStdString(m_tokenizer->piece(id));
    } catch (const engine::EngineError &error) {
        throw Error(QString::fromStdString(error.what()));
    }
}

int TextTokenizer::vocabularySize() const
{
    return m_tokenizer->vocabularySize();
}

} // namespace mtm::core
