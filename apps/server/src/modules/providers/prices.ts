import { and, eq } from "drizzle-orm";
import { modelPrices } from "../../db/schema/index.ts";
import type { Db } from "../../platform/db/client.ts";
import { CATALOGUE } from "./catalogue.ts";

export type Price = { inputPerMillion: number; outputPerMillion: number; source: "default" | "custom" };

const DEFAULTS = new Map<string, Price>();
for (const p of CATALOGUE) {
  for (const m of p.models) {
    DEFAULTS.set(`${p.id}\u0000${m.id}`, {
      inputPerMillion: m.input,
      outputPerMillion: m.output,
      source: "default",
    });
  }
}

/**
 * Model prices for cost estimates: shipped defaults, overridden by the platform admin's rows.
 * Every answer needs a price, so the table is cached in memory for a short while; an admin
 * change on this node clears the cache at once, other nodes pick it up within the TTL.
 */
export type PriceBook = {
  priceOf(provider: string, model: string): Promise<Price | null>;
  costOf(provider: string, model: string, inputTokens: number, outputTokens: number): Promise<number>;
  list(): Promise<Array<Price & { provider: string; model: string }>>;
  set(input: {
    provider: string;
    model: string;
    inputPerMillion: number;
    outputPerMillion: number;
    updatedBy: string;
  }): Promise<void>;
  reset(provider: string, model: string): Promise<boolean>;
};

export function createPriceBook(db: Db, ttlMs = 30_000): PriceBook {
  let cache: { at: number; custom: Map<string, Price> } | null = null;

  async function custom(): Promise<Map<string, Price>> {
    if (cache && Date.now() - cache.at < ttlMs) return cache.custom;
    const rows = await db.select().from(modelPrices);
    const map = new Map<string, Price>();
    for (const r of rows) {
      map.set(`${r.provider}\u0000${r.model}`, {
        inputPerMillion: r.inputPerMillion,
        outputPerMillion: r.outputPerMillion,
        source: "custom",
      });
    }
    cache = { at: Date.now(), custom: map };
    return map;
  }

  async function priceOf(provider: string, model: string): Promise<Price | null> {
    if (provider === "builtin") return { inputPerMillion: 0, outputPerMillion: 0, source: "default" };
    const key = `${provider}\u0000${model}`;
    return (await custom()).get(key) ?? DEFAULTS.get(key) ?? null;
  }

  return {
    priceOf,
    async costOf(provider, model, inputTokens, outputTokens) {
      const p = await priceOf(provider, model);
      if (!p) return 0; // unknown model: tokens are still recorded; the admin can add a price
      const usd = (inputTokens * p.inputPerMillion + outputTokens * p.outputPerMillion) / 1_000_000;
      return Math.round(usd * 1e10) / 1e10; // no float noise in stored costs
    },
    async list() {
      const merged = new Map<string, Price & { provider: string; model: string }>();
      for (const [k, v] of DEFAULTS) {
        const [provider, model] = k.split("\u0000") as [string, string];
        if (provider !== "builtin") merged.set(k, { ...v, provider, model });
      }
      for (const [k, v] of await custom()) {
        const [provider, model] = k.split("\u0000") as [string, string];
        merged.set(k, { ...v, provider, model });
      }
      return [...merged.values()].sort(
        (a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
      );
    },
    async set(input) {
      await db
        .insert(modelPrices)
        .values({ ...input, updatedAt: new Date() })
        .onConflictDoUpdate({
          target: [modelPrices.provider, modelPrices.model],
          set: {
            inputPerMillion: input.inputPerMillion,
            outputPerMillion: input.outputPerMillion,
            updatedBy: input.updatedBy,
            updatedAt: new Date(),
          },
        });
      cache = null;
    },
    async reset(provider, model) {
      const rows = await db
        .delete(modelPrices)
        .where(and(eq(modelPrices.provider, provider), eq(modelPrices.model, model)))
        .returning();
      cache = null;
      return rows.length > 0;
    },
  };
}
