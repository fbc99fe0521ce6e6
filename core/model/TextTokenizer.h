// A model's tokenizer for the layers above the engine: text to token ids and back, with Qt strings.
#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace mtm::engine {
class Tokenizer;
}

namespace mtm::core {

class TextTokenizer
{
public:
    // path: a model folder, a tokenizer.json or a .gguf file. Throws core::Error.
    static std::unique_ptr<TextTokenizer> open(const QString &path);
    explicit TextTokenizer(std::shared_ptr<const engine::Tokenizer> tokenizer);
    ~TextTokenizer();

    std::vector<std::int32_t> encode(const QString &text, bool addSpecialTokens, bool parseSpecial) const;
    QString decode(const std::vector<std::int32_t> &ids, bool skipSpecial = false) const;
    QString piece(std::int32_t id) const; // the token as the vocabulary spells it
    int vocabularySize() const;

    const engine::Tokenizer &engineTokenizer() const { return *m_tokenizer; }

private:
    std::shared_ptr<const engine::Tokenizer> m_tokenizer;
};

} // namespace mtm::core
