// Chat templates against the real Jinja templates of ../shared/testdata/chat-templates: the format is detected
// from each template, and every rendering equals what @huggingface/jinja renders for the same conversations
// (tests/engine/data/chat-template-renderings.json, made by tests/engine/reference/render-chat-templates.mjs).
// Then the token ids and learned-token mask of an encoded conversation.
#include "EngineTestSupport.h"
#include "common/GoTemplate.h"

#include "engine/EngineError.h"
#include "engine/chat/ChatEncoding.h"
#include "engine/io/GgufFile.h"
#include "engine/tokenizer/TokenizerLoader.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

namespace mtm::engine {
namespace {

using nlohmann::json;

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json expectedRenderings()
{
    std::ifstream in(MTM_SOURCE_DIR "/tests/engine/data/chat-template-renderings.json");
    return json::parse(in);
}

std::vector<ChatMessage> messagesOf(const json &conversation)
{
    std::vector<ChatMessage> messages;
    for (const json &message : conversation)
        messages.push_back({message["role"].get<std::string>(), message["content"].get<std::string>()});
    return messages;
}

struct TemplateCase
{
    const char *file;
    ChatFormat format;
};

class ChatTemplateRendering : public ::testing::TestWithParam<TemplateCase>
{};

TEST_P(ChatTemplateRendering, MatchesTheJinjaTemplate)
{
    MTM_REQUIRE_TESTDATA(data);
    const std::string jinja = readFile(data + "/chat-templates/" + GetParam().file + ".jinja");
    ASSERT_EQ(ChatTemplate::detect(jinja), GetParam().format);
    const json expected = expectedRenderings();
    const json &entry = expected["templates"][GetParam().file];
    ChatTemplate chat = ChatTemplate::fromJinja(jinja, entry["tokens"]["bos_token"].get<std::string>(),
                                                entry["tokens"]["eos_token"].get<std::string>());
    int checked = 0;
    for (auto rendering = entry["renderings"].begin(); rendering != entry["renderings"].end(); ++rendering) {
        const std::string key = rendering.key();
        const bool generationPrompt = key.find("+generation_prompt") != std::string::npos;
        const std::string conversation = key.substr(0, key.find('+'));
        const auto messages = messagesOf(expected["conversations"][conversation]);
        if (rendering.value().is_object()) {
            EXPECT_THROW(chat.render(messages, generationPrompt), EngineError) << key;
        } else {
            const RenderedChat rendered = chat.render(messages, generationPrompt);
            EXPECT_EQ(rendered.text, rendering.value().get<std::string>()) << key;
            // Every learned span is inside the text and holds an assistant reply.
            for (const auto &[begin, end] : rendered.learnedSpans)
                EXPECT_TRUE(begin < end && end <= rendered.text.size()) << key;
        }
        ++checked;
    }
    EXPECT_EQ(checked, 6);
}

INSTANTIATE_TEST_SUITE_P(Templates, ChatTemplateRendering,
                         ::testing::Values(TemplateCase{"Qwen-Qwen2.5-7B-Instruct", ChatFormat::ChatMl},
                                           TemplateCase{"google-gemma-2-2b-it", ChatFormat::Gemma},
                                           TemplateCase{"meta-llama-Llama-3.2-3B-Instruct", ChatFormat::Llama31},
                                           TemplateCase{"microsoft-Phi-3.5-mini-instruct", ChatFormat::Phi3},
                                           TemplateCase{"mistralai-Mistral-Nemo-Instruct-2407", ChatFormat::Mistral}),
                         [](const ::testing::TestParamInfo<TemplateCase> &info) {
                             std::string name = info.param.file;
                             for (char &c : name)
                                 c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return name;
                         });

TEST(ChatTemplate, DetectsLlama3WithoutTheDateHeader)
{
    const std::string llama30 =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
        "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + "
        "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
        "{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}";
    EXPECT_EQ(ChatTemplate::detect(llama30), ChatFormat::Llama3);
    const ChatTemplate chat(ChatFormat::Llama3, "<|begin_of_text|>", "<|end_of_text|>");
    EXPECT_EQ(chat.render({{"user", " Hi "}, {"assistant", "Hello!"}}, false).text,
              "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant"
              "<|end_header_id|>\n\nHello!<|eot_id|>");
}

TEST(ChatTemplate, AlpacaFormatForModelsWithoutATemplate)
{
    const ChatTemplate chat(ChatFormat::Alpaca, "<s>", "</s>");
    const RenderedChat rendered = chat.render({{"user", "Add 2 and 3."}, {"assistant", "5"}}, false);
    EXPECT_EQ(rendered.text, "<s>Below is an instruction that describes a task. Write a response that appropriately "
                             "completes the request.\n\n### Instruction:\nAdd 2 and 3.\n\n### Response:\n5</s>\n\n");
    ASSERT_EQ(rendered.learnedSpans.size(), 1u);
    EXPECT_EQ(rendered.text.substr(rendered.learnedSpans[0].first,
                                   rendered.learnedSpans[0].second - rendered.learnedSpans[0].first),
              "5</s>");
    EXPECT_EQ(ChatTemplate::detect("no markers here"), std::nullopt);
}

TEST(ChatTemplate, RefusesUnknownRoles)
{
    const ChatTemplate chat(ChatFormat::ChatMl, "", "<|im_end|>");
    EXPECT_THROW(chat.render({{"tool", "x"}}, false), EngineError);
}

TEST(ChatTemplate, OllamasTemplateRendersWhatTheModelWasTrainedOn)
{
    // Rendered by a strict interpreter of Go's text/template (tests/common/GoTemplate.h) as Ollama executes a
    // TEMPLATE: every format, conversations with and without a system message, one turn and several, content
    // that looks like template syntax; the BOS token left to the runtime when it adds one, in the template if not.
    const std::string tricky = "What is {{ .System }} plus \"3\"?\nThink {{- twice -}}.";
    const std::vector<std::vector<ChatMessage>> conversations = {
        {{"user", "Hello!"}},
        {{"system", "You are terse."}, {"user", "Hello!"}},
        {{"user", "Hi"}, {"assistant", "Hello, how can I help?"}, {"user", tricky}},
        {{"system", "Answer in French.\nBe brief."}, {"user", "Hi"}, {"assistant", "Bonjour !"}, {"user", "Thanks"}},
        {{"system", ""}, {"user", "An empty system message"}},
    };
    for (const ChatFormat format : {ChatFormat::Llama3, ChatFormat::Llama31, ChatFormat::ChatMl, ChatFormat::Mistral,
                                    ChatFormat::Gemma, ChatFormat::Phi3, ChatFormat::Alpaca}) {
        for (const bool defaultSystem : {false, true}) {
            for (const bool runtimeAddsBos : {true, false}) {
                ChatTemplate chat(format, "<s>", "</s>");
                if (defaultSystem && format != ChatFormat::ChatMl)
                    continue;
                if (defaultSystem)
                    chat.setDefaultSystem("You are Qwen, a \"helpful\" assistant.");
                const test::GoTemplate ollama(chat.ollamaTemplate(runtimeAddsBos));
                for (const std::vector<ChatMessage> &conversation : conversations) {
                    const bool hasSystem = conversation.front().role == "system";
                    if (format == ChatFormat::Gemma && hasSystem)
                        continue; // Gemma's template refuses system messages, and the Modelfile gives it none
                    std::string expected = chat.render(conversation, true).text;
                    if (runtimeAddsBos && expected.rfind("<s>", 0) == 0)
                        expected.erase(0, 3);
                    std::vector<test::GoMessage> messages;
                    for (const ChatMessage &message : conversation)
                        messages.push_back({message.role, message.content});
                    EXPECT_EQ(ollama.render(messages), expected)
                        << ChatTemplate::formatId(format) << " with " << conversation.size() << " messages"
                        << (runtimeAddsBos ? "" : ", BOS in the template")
                        << (defaultSystem ? ", a default system message" : "");
                }
            }
        }
    }
}

TEST(ChatEncoding, IdsAreTheWholeTextAndOnlyRepliesAreLearned)
{
    MTM_REQUIRE_TESTDATA(data);
    const auto tokenizer = loadTokenizerFromGguf(GgufFile(data + "/tokenizers/ggml-vocab-phi-3.gguf"));
    const ChatTemplate chat = ChatTemplate::forTokenizer(*tokenizer);
    ASSERT_EQ(chat.format(), ChatFormat::Phi3);
    const std::vector<ChatMessage> messages = {{"system", "Be brief."},
                                               {"user", "What is 2 + 2?"},
                                               {"assistant", "4"},
                                               {"user", "And 3 + 3?"},
                                               {"assistant", "6, of course."}};
    const EncodedChat encoded = encodeChat(*tokenizer, chat, messages, false);
    EXPECT_EQ(encoded.ids, tokenizer->encode(chat.render(messages, false).text, {false, true}));
    ASSERT_EQ(encoded.learned.size(), encoded.ids.size());

    // The learned tokens, run by run, are the replies with their end marker.
    const std::int32_t end = *tokenizer->idOf("<|end|>");
    std::vector<std::string> runs;
    std::vector<std::int32_t> run;
    for (std::size_t i = 0; i <= encoded.ids.size(); ++i) {
        if (i < encoded.ids.size() && encoded.learned[i]) {
            run.push_back(encoded.ids[i]);
        } else if (!run.empty()) {
            EXPECT_EQ(run.back(), end);
            runs.push_back(tokenizer->decode(run));
            run.clear();
        }
    }
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0], "4<|end|>");
    EXPECT_EQ(runs[1], "6, of course.<|end|>");

    const EncodedChat everything = encodeChat(*tokenizer, chat, messages, false, true);
    EXPECT_TRUE(std::all_of(everything.learned.begin(), everything.learned.end(), [](auto v) { return v == 1; }));
}

} // namespace
} // namespace mtm::engine
