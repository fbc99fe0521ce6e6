// Loads a GGUF file with llama.cpp (node-llama-cpp, CPU) and prints, as JSON, the file's own tokenization of a
// text and the greedy continuation of a list of token ids:
//   node llama-generate.mjs MODEL.gguf TEXT IDS(comma-separated) COUNT
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [modelPath, text, idList, countText] = process.argv.slice(2);
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: 256, batchSize: 256, threads: 1});
const sequence = context.getSequence();
const generated = [];
for await (const token of sequence.evaluate(idList.split(",").map(Number), {temperature: 0})) {
    generated.push(token);
    if (generated.length >= Number(countText))
        break;
}
console.log(JSON.stringify({tokens: Array.from(model.tokenize(text, false)), generated}));
await context.dispose();
await model.dispose();
