// What one streamed model call costs in CPU, apart from MiniChat: a plain fetch of the fake
// OpenAI server's SSE answer versus the same call through the AI SDK (streamText and its
// single-consumer variant). Explains the model path's share of a turn in chat-turn.bench.ts.
//
//   node scripts/with-node.mjs node bench/model-call.bench.ts
//
// Both sides run in this process (the fake server too), so the figures are process CPU per
// call including the fake's work; the difference between the rows is the SDK's.
import { createOpenAI } from "@ai-sdk/openai";
import { experimental_streamTextLowMemory, generateText, stepCountIs, streamText } from "ai";
import { startFakeOpenAI } from "../apps/server/test/fake-llm.ts";

const N = Number(process.env.BENCH_CALLS ?? 1000);
const fake = await startFakeOpenAI();
const model = createOpenAI({ apiKey: fake.apiKey, baseURL: fake.url }).chat("gpt-4o-mini");
const messages = [{ role: "user" as const, content: "hello there friend" }];

async function viaSdk(fn: typeof streamText | typeof experimental_streamTextLowMemory) {
  const r = fn({ model, instructions: "Be brief.", messages, maxRetries: 0, stopWhen: stepCountIs(4) });
  for await (const _ of r.fullStream) {
    // drain
  }
}

async function viaGenerate() {
  await generateText({ model, instructions: "Be brief.", messages, maxRetries: 0, stopWhen: stepCountIs(4) });
}

async function viaFetchJson() {
  const res = await fetch(`${fake.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages }),
  });
  await res.json();
}

async function viaFetch() {
  const res = await fetch(`${fake.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages }),
  });
  await res.text();
}

const cases: [string, () => Promise<void>][] = [
  ["fetch + read the SSE body", viaFetch],
  ["AI SDK streamText", () => viaSdk(streamText)],
  ["AI SDK single-consumer stream", () => viaSdk(experimental_streamTextLowMemory)],
  ["fetch + read the JSON body (not streamed)", viaFetchJson],
  ["AI SDK generateText (not streamed)", viaGenerate],
];
console.log(`| call | CPU/call | wall/call |\n|---|---:|---:|`);
for (const [name, run] of cases) {
  for (let i = 0; i < 200; i++) await run(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await run();
  const cpu = process.cpuUsage(cpu0);
  const ms = (cpu.user + cpu.system) / N / 1000;
  console.log(`| ${name} | ${ms.toFixed(2)} ms | ${((performance.now() - t0) / N).toFixed(2)} ms |`);
}
await fake.close();
