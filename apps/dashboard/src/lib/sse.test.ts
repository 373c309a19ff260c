import { describe, expect, it } from "vitest";
import { parseBlock, readSse } from "./sse.ts";

// The test chat reads the answer stream with this parser; chunks arrive cut anywhere.

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

async function collect(chunks: string[]) {
  const out = [];
  for await (const m of readSse(streamOf(chunks))) out.push(m);
  return out;
}

describe("readSse", () => {
  it("yields events split across chunks, skipping pings", async () => {
    const wire =
      'event: token\ndata: {"text":"Hel"}\n\n: ping\n\nevent: token\ndata: {"text":"lo"}\n\nevent: done\ndata: {"ok":true}\n\n';
    const cuts = [wire.slice(0, 7), wire.slice(7, 30), wire.slice(30, 31), wire.slice(31)];
    expect(await collect(cuts)).toEqual([
      { event: "token", data: '{"text":"Hel"}' },
      { event: "token", data: '{"text":"lo"}' },
      { event: "done", data: '{"ok":true}' },
    ]);
  });

  it("handles CRLF line ends, multi-line data and a last event without a blank line", async () => {
    expect(await collect(["event: token\r\ndata: a\r\ndata: b\r\n\r\n", "data: tail"])).toEqual([
      { event: "token", data: "a\nb" },
      { event: "message", data: "tail" },
    ]);
  });

  it("keeps multi-byte characters cut between chunks (Thai, Russian)", async () => {
    const bytes = new TextEncoder().encode('event: token\ndata: {"text":"สวัสดี привет"}\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 5) c.enqueue(bytes.slice(i, i + 5));
        c.close();
      },
    });
    const out = [];
    for await (const m of readSse(stream)) out.push(JSON.parse(m.data).text);
    expect(out).toEqual(["สวัสดี привет"]);
  });

  it("ignores a block with no data", () => {
    expect(parseBlock("event: token")).toBeNull();
    expect(parseBlock(": comment")).toBeNull();
  });
});
