#include "TokenizerCorpus.h"

#include <random>

namespace mtm::test {

std::vector<std::string> tokenizerCorpus(int randomMixtures)
{
    const std::vector<std::string> fragments = {
        // prose and contractions, in several cases
        "Hello world",
        " Hello World!",
        "I'm sure it's fine, isn't it?",
        "THEY'LL SAY WE'VE DONE IT",
        "You'd've",
        "don't",
        "DON'T",
        "O'Neil's book",
        "rock 'n' roll",
        "The quick brown fox jumps over the lazy dog.",
        "e.g. i.e. etc.",
        "Mr. Smith & Co.",
        "well-known, state-of-the-art",
        "“Quoted” ‘text’ — dash – en",
        // numbers
        "1",
        "12",
        "123",
        "1234",
        "12345",
        "1234567890",
        "3.14159",
        "1,000,000",
        "-42",
        "+7",
        "0x1F",
        "2024-11-24",
        "12:30:45",
        "$19.99",
        "100%",
        "10e-5",
        "٣٤٥",
        "१२३",
        "Ⅻ",
        "½ ¾",
        "²³",
        // code
        "int main() {\n    return 0;\n}\n",
        "def f(x):\n\treturn x**2  # square\n",
        "for (auto &x : v) x += 1;",
        "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
        "SELECT * FROM users WHERE id = 42;",
        "if a != b && c >= d || !e:",
        "std::vector<std::string>",
        "x->y.z[0]",
        "#include <torch/torch.h>",
        "console.log(`value: ${v}`);",
        "    indented\n        more\n",
        "a\tb\tc",
        "=> -> <= >= == != :: ..",
        "https://example.org/path?q=1&r=two#frag",
        "user@example.com",
        "C:\\Users\\name\\file.txt",
        // white space
        " ",
        "  ",
        "   ",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        "\r\n\r\n",
        " \n ",
        "\n \n",
        "  \t  \n",
        "trailing   ",
        "   leading",
        "a  b   c    d",
        "line1\nline2\n\nline4",
        "tab\there",
        "\u00A0nbsp\u00A0",
        "ideo\u3000space",
        "em\u2003space",
        "\u2028line\u2029para",
        // emoji
        "😀",
        "👍🏽",
        "👨‍👩‍👧‍👦",
        "🇫🇷🇯🇵",
        "❤️",
        "🦙.cpp",
        "✨ sparkle ✨",
        "🙂🙃",
        "⭐️⭐️⭐️",
        "🏳️‍🌈",
        // scripts
        "日本語のテキスト",
        "中文文本，标点。",
        "한국어 문장입니다",
        "Привет, мир!",
        "Γειά σου Κόσμε",
        "مرحبا بالعالم",
        "שלום עולם",
        "नमस्ते दुनिया",
        "สวัสดีชาวโลก",
        "Tiếng Việt có dấu",
        "Ærøskøbing Ølsted",
        "Straße größer",
        "façade naïve café",
        "ǅemal",
        "ﬁnance ﬂow",
        "Ω≈ç√∫",
        "ありがとう",
        "カタカナ",
        "ｆｕｌｌｗｉｄｔｈ",
        "Ｈｅｌｌｏ",
        // punctuation and symbols
        "!!!",
        "???",
        "...",
        "…",
        "—",
        "(parenthesis)",
        "[brackets]",
        "{braces}",
        "<angle>",
        "«guillemets»",
        "@#$%^&*",
        "~`|",
        "©®™",
        "→←↑↓",
        "∀x∈ℝ",
        "°C",
        "§ 12",
        "¶",
        "•",
        "·",
        // special-token text
        "<|eot_id|>",
        "<|begin_of_text|>Hi",
        "text<|start_header_id|>user<|end_header_id|>\n\nHi",
        "<|notatoken|>",
    };
    const std::vector<std::string> separators = {"", " ", "  ", "\n", "\n\n", "\t", ", ", ". ", " \n", "\r\n", "'"};

    std::vector<std::string> corpus = fragments;
    std::mt19937 random(20261124);
    for (int i = 0; i < randomMixtures; ++i) {
        const int parts = 2 + int(random() % 5);
        std::string text;
        for (int p = 0; p < parts; ++p) {
            text += fragments[random() % fragments.size()];
            text += separators[random() % separators.size()];
        }
        corpus.push_back(text);
    }
    return corpus;
}

} // namespace mtm::test
