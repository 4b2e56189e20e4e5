// Drives the LLM cache gateway with the official openai npm package, as a Node service would, and prints what
// happened as one JSON object. Usage: LLMCACHE_BASE_URL=http://127.0.0.1:8080/v1 LLMCACHE_API_KEY=... node gateway.mjs
// Install first with `npm ci --prefix tests/node-gateway` (tests/run-tests.sh does).
import OpenAI from "openai";

const baseURL = process.env.LLMCACHE_BASE_URL;
const apiKey = process.env.LLMCACHE_API_KEY;
const question = process.env.LLMCACHE_QUESTION ?? `What is Orleans? (${Date.now()})`;
if (!baseURL || !apiKey) {
  console.error("Set LLMCACHE_BASE_URL (the gateway, ending in /v1) and LLMCACHE_API_KEY (a gateway key).");
  process.exit(2);
}

// No retries: every upstream call the caller counts is one request made here.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const model = "gpt-4o-mini";
const messages = (text) => [{ role: "user", content: text }];

async function complete(text) {
  const { data, response } = await client.chat.completions.create({ model, messages: messages(text) }).withResponse();
  return { status: response.headers.get("x-llmcache-status"), key: response.headers.get("x-llmcache-key"), text: data.choices[0].message.content };
}

async function stream(text) {
  const { data, response } = await client.chat.completions.create({ model, messages: messages(text), stream: true }).withResponse();
  let joined = "";
  let chunks = 0;
  for await (const chunk of data) {
    chunks++;
    joined += chunk.choices[0]?.delta?.content ?? "";
  }
  return { status: response.headers.get("x-llmcache-status"), chunks, text: joined };
}

async function wrongKey() {
  const stranger = new OpenAI({ baseURL, apiKey: "sk-not-a-gateway-key", maxRetries: 0 });
  try {
    await stranger.chat.completions.create({ model, messages: messages(question) });
    return { refused: false };
  } catch (error) {
    return { refused: true, status: error.status, authenticationError: error instanceof OpenAI.AuthenticationError, message: error.error?.message ?? error.message };
  }
}

const result = {
  first: await complete(question),
  second: await complete(question),
  streamReplay: await stream(question),
  streamLive: await stream(`${question} as a stream`),
  wrongKey: await wrongKey(),
};
console.log(JSON.stringify(result));
