import type { Redis } from "ioredis";

// Fixed-window counters for things like "failed logins per account". In memory on one node,
// in Redis when several nodes must agree.

export type WindowCounter = {
  /** Current count and seconds until the window resets. */
  peek(key: string): Promise<{ count: number; resetInSeconds: number }>;
  increment(key: string): Promise<number>;
  reset(key: string): Promise<void>;
};

const MAX_KEYS = 100_000;

export function memoryCounter(windowSeconds: number, now: () => number = Date.now): WindowCounter {
  const entries = new Map<string, { count: number; resetAt: number }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.resetAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    async peek(key) {
      const e = live(key);
      return { count: e?.count ?? 0, resetInSeconds: e ? Math.ceil((e.resetAt - now()) / 1000) : 0 };
    },
    async increment(key) {
      const e = live(key) ?? { count: 0, resetAt: now() + windowSeconds * 1000 };
      e.count += 1;
      entries.set(key, e);
      if (entries.size > MAX_KEYS) {
        for (const k of entries.keys()) if (!live(k)) entries.delete(k);
        // Still too many live keys (e.g. a flood of distinct emails): drop the oldest windows.
        for (const k of entries.keys()) {
          if (entries.size <= MAX_KEYS * 0.9) break;
          entries.delete(k);
        }
      }
      return e.count;
    },
    async reset(key) {
      entries.delete(key);
    },
  };
}

export function redisCounter(redis: Redis, namespace: string, windowSeconds: number): WindowCounter {
  const k = (key: string) => `${namespace}:${key}`;
  return {
    async peek(key) {
      const [[, count], [, ttl]] = (await redis.multi().get(k(key)).ttl(k(key)).exec()) as [
        [unknown, string | null],
        [unknown, number],
      ];
      return { count: Number(count ?? 0), resetInSeconds: Math.max(0, ttl) };
    },
    async increment(key) {
      const [[, count]] = (await redis.multi().incr(k(key)).expire(k(key), windowSeconds, "NX").exec()) as [
        [unknown, number],
      ];
      return count;
    },
    async reset(key) {
      await redis.del(k(key));
    },
  };
}
