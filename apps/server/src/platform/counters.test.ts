import { randomBytes } from "node:crypto";
import { describe, expect, inject, it, vi } from "vitest";
import { memoryCounter, redisCounter, type WindowCounter } from "./counters.ts";
import { openRedis } from "./redis.ts";

// The memory counter is driven by an injected clock. The Redis counter runs against the real
// Redis the run provides (TEST_REDIS_URL); without one, the shared contract runs on memory only.

function fakeClock(start = Date.UTC(2030, 0, 1)) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

/** Behaviour both implementations share, without moving time. */
async function sharedContract(counter: WindowCounter, windowSeconds: number) {
  const key = `acct:${randomBytes(4).toString("hex")}`;
  const other = `${key}:other`;
  expect(await counter.peek(key)).toEqual({ count: 0, resetInSeconds: 0 });
  expect(await counter.increment(key)).toBe(1);
  expect(await counter.increment(key)).toBe(2);
  expect(await counter.increment(key)).toBe(3);
  const peeked = await counter.peek(key);
  expect(peeked.count).toBe(3);
  expect(peeked.resetInSeconds).toBeGreaterThan(0);
  expect(peeked.resetInSeconds).toBeLessThanOrEqual(windowSeconds);
  // peek does not count
  expect((await counter.peek(key)).count).toBe(3);
  // keys are independent
  expect(await counter.increment(other)).toBe(1);
  expect((await counter.peek(key)).count).toBe(3);
  // reset clears one key only
  await counter.reset(key);
  expect(await counter.peek(key)).toEqual({ count: 0, resetInSeconds: 0 });
  expect((await counter.peek(other)).count).toBe(1);
  expect(await counter.increment(key)).toBe(1);
  // Unicode keys (emails) work
  expect(await counter.increment("пользователь@пример.рф")).toBe(1);
  await counter.reset("пользователь@пример.рф");
  await counter.reset(other);
  await counter.reset(key);
}

describe("memoryCounter", () => {
  it("counts within a fixed window and forgets after it", async () => {
    const clock = fakeClock();
    const counter = memoryCounter(60, clock.now);
    expect(await counter.increment("a")).toBe(1);
    expect(await counter.peek("a")).toEqual({ count: 1, resetInSeconds: 60 });

    clock.advance(20_000);
    expect(await counter.increment("a")).toBe(2);
    // Fixed window: a later increment does not extend it.
    expect(await counter.peek("a")).toEqual({ count: 2, resetInSeconds: 40 });

    clock.advance(39_500);
    expect(await counter.peek("a")).toEqual({ count: 2, resetInSeconds: 1 });

    clock.advance(500); // exactly at the window's end
    expect(await counter.peek("a")).toEqual({ count: 0, resetInSeconds: 0 });
    expect(await counter.increment("a")).toBe(1);
    expect(await counter.peek("a")).toEqual({ count: 1, resetInSeconds: 60 });
  });

  it("keeps a separate window per key", async () => {
    const clock = fakeClock();
    const counter = memoryCounter(10, clock.now);
    await counter.increment("early");
    clock.advance(6_000);
    await counter.increment("late");
    clock.advance(5_000);
    expect((await counter.peek("early")).count).toBe(0);
    expect(await counter.peek("late")).toEqual({ count: 1, resetInSeconds: 5 });
  });

  it("reset starts a fresh window", async () => {
    const clock = fakeClock();
    const counter = memoryCounter(60, clock.now);
    await counter.increment("a");
    await counter.increment("a");
    clock.advance(50_000);
    await counter.reset("a");
    expect(await counter.peek("a")).toEqual({ count: 0, resetInSeconds: 0 });
    expect(await counter.increment("a")).toBe(1);
    clock.advance(50_000);
    expect(await counter.peek("a")).toEqual({ count: 1, resetInSeconds: 10 });
    await counter.reset("never-seen"); // no-op, no error
  });

  it("still counts correctly after sweeping many expired keys", async () => {
    const clock = fakeClock();
    const counter = memoryCounter(1, clock.now);
    for (let i = 0; i < 100_001; i++) await counter.increment(`k${i}`);
    clock.advance(1_000);
    await counter.increment("fresh"); // over the size limit: expired entries are swept
    expect(await counter.peek("fresh")).toEqual({ count: 1, resetInSeconds: 1 });
    expect((await counter.peek("k0")).count).toBe(0);
    expect(await counter.increment("k0")).toBe(1);
  });
});

describe("shared counter contract", () => {
  it("holds for the memory counter, and for the Redis counter when the run provides Redis", async () => {
    await sharedContract(memoryCounter(60), 60);

    const redisUrl = inject("redisUrl");
    if (redisUrl) {
      const redis = await openRedis(redisUrl);
      const ns = `mct:${randomBytes(4).toString("hex")}:counter`;
      try {
        await sharedContract(redisCounter(redis, ns, 60), 60);

        // The window is fixed: later increments do not extend the expiry (EXPIRE ... NX).
        const counter = redisCounter(redis, ns, 100);
        await counter.increment("fixed");
        await redis.expire(`${ns}:fixed`, 50);
        await counter.increment("fixed");
        const fixed = await counter.peek("fixed");
        expect(fixed.count).toBe(2);
        expect(fixed.resetInSeconds).toBeLessThanOrEqual(50);
        expect(fixed.resetInSeconds).toBeGreaterThan(0);

        // Keys really expire (waits for Redis; asserts no timing beyond "eventually").
        const short = redisCounter(redis, ns, 1);
        await short.increment("expiring");
        await vi.waitFor(async () => expect((await short.peek("expiring")).count).toBe(0), {
          timeout: 10_000,
          interval: 200,
        });
        expect(await short.increment("expiring")).toBe(1);

        // Namespaces are isolated.
        const a = redisCounter(redis, `${ns}:a`, 60);
        const b = redisCounter(redis, `${ns}:b`, 60);
        await a.increment("same");
        expect((await b.peek("same")).count).toBe(0);
      } finally {
        const keys = await redis.keys(`${ns}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
    }
  });
});
