// Runs a GGUF file in llama.cpp (node-llama-cpp, CPU) as a request file says, and prints the answers as JSON:
//   node llama-cpp-run.mjs REQUEST.json
// REQUEST: {"model": FILE, "lora": FILE (optional: a GGUF adapter applied at scale 1),
//           "text": TEXT       → "tokens": the file's own tokenization of the text (no BOS added),
//           "prompts": [[ids], ...], "count": N → "generated": each prompt's greedy continuation, N tokens,
//           "score": [[ids], ...] → for each list, "nll": the mean negative log-likelihood of ids[1..] given the
//                                ids before each, and "best": the most likely token after each of ids[..n-1]}
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {readFileSync} from "node:fs";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: request.model});
const longestPrompt = Math.max(0, ...(request.prompts ?? []).map(prompt => prompt.length));
const longestScored = Math.max(0, ...(request.score ?? []).map(ids => ids.length));
const contextSize = Math.max(256, longestScored + 1, longestPrompt + (request.count ?? 0) + 1);
const newContext = () => model.createContext({
    contextSize, batchSize: contextSize, threads: 1,
    ...(request.lora ? {lora: {adapters: [{filePath: request.lora, scale: 1}]}} : {}),
});
const answer = {};
if (request.text !== undefined)
    answer.tokens = Array.from(model.tokenize(request.text, false));
if (request.prompts !== undefined) {
    // Greedy, token by token, so that an end-of-generation token does not stop it (the engine's runs go on too).
    const greedy = {generateNext: {token: true, options: {temperature: 0}}};
    answer.generated = [];
    for (const prompt of request.prompts) {
        const context = await newContext();
        const sequence = context.getSequence();
        let input = prompt.map((token, i) => i + 1 < prompt.length ? token : [token, greedy]);
        const generated = [];
        while (generated.length < request.count) {
            const results = await sequence.controlledEvaluate(input);
            generated.push(results[input.length - 1].next.token);
            input = [[generated[generated.length - 1], greedy]];
        }
        answer.generated.push(generated);
        await context.dispose();
    }
}
if (request.score !== undefined) {
    // The full distribution after each token (temperature 1, no top-k/top-p/min-p cut), read at the next token.
    const everything = {temperature: 1, topK: 0, topP: 1, minP: 0};
    answer.nll = [];
    answer.best = [];
    for (const ids of request.score) {
        const context = await newContext();
        const results = await context.getSequence().controlledEvaluate(ids.map((token, i) =>
            i + 1 < ids.length ? [token, {generateNext: {probabilities: true, options: everything}}] : token));
        let sum = 0;
        const best = [];
        for (let i = 0; i + 1 < ids.length; ++i) {
            const probabilities = results[i].next.probabilities;
            sum -= Math.log(probabilities.get(ids[i + 1]) ?? 0);
            best.push(probabilities.keys().next().value); // the map is sorted, most likely first
        }
        answer.nll.push(sum / (ids.length - 1));
        answer.best.push(best);
        await context.dispose();
    }
}
console.log(JSON.stringify(answer));
await model.dispose();
