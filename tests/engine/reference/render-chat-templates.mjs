// Renders the chat templates of ../shared/testdata/chat-templates with @huggingface/jinja for a few conversations
// and prints the expected strings as JSON (tests/engine/data/chat-template-renderings.json).
// Usage: node render-chat-templates.mjs <templates folder>  (with @huggingface/jinja installed beside it)
import { Template } from "@huggingface/jinja";
import { readFileSync, readdirSync } from "node:fs";
const dir = process.argv[2];
const conversations = {
  multi_turn_with_system: [
    { role: "system", content: "You are a concise assistant." },
    { role: "user", content: "What is 2 + 2?" },
    { role: "assistant", content: "2 + 2 = 4." },
    { role: "user", content: "  And times three?\n" },
    { role: "assistant", content: "Twelve.\nThat is 4 × 3. " },
  ],
  multi_turn: [
    { role: "user", content: "Hello!" },
    { role: "assistant", content: "Hi there, how can I help?" },
    { role: "user", content: "Tell me a joke about 🦙 llamas." },
    { role: "assistant", content: "Why did the llama cross the road? To get to the other pasture." },
  ],
  prompt_with_system: [
    { role: "system", content: "Answer in French." },
    { role: "user", content: "Good morning" },
  ],
};
const tokens = {
  "Qwen-Qwen2.5-7B-Instruct": { bos_token: "", eos_token: "<|im_end|>" },
  "google-gemma-2-2b-it": { bos_token: "<bos>", eos_token: "<eos>" },
  "meta-llama-Llama-3.2-3B-Instruct": { bos_token: "<|begin_of_text|>", eos_token: "<|eot_id|>" },
  "microsoft-Phi-3.5-mini-instruct": { bos_token: "<s>", eos_token: "<|endoftext|>" },
  "mistralai-Mistral-Nemo-Instruct-2407": { bos_token: "<s>", eos_token: "</s>" },
};
const out = {};
for (const file of readdirSync(dir).sort()) {
  const name = file.replace(/\.jinja$/, "");
  const template = new Template(readFileSync(`${dir}/${file}`, "utf8"));
  out[name] = { tokens: tokens[name], renderings: {} };
  for (const [label, messages] of Object.entries(conversations)) {
    for (const addGenerationPrompt of [false, true]) {
      const key = `${label}${addGenerationPrompt ? "+generation_prompt" : ""}`;
      try {
        out[name].renderings[key] = template.render({ messages, add_generation_prompt: addGenerationPrompt, date_string: "26 Jul 2024", ...tokens[name] });
      } catch (error) {
        out[name].renderings[key] = { error: String(error.message) };
      }
    }
  }
}
console.log(JSON.stringify({ conversations, templates: out }, null, 1));
