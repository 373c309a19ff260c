import { Redis } from "ioredis";
import { redactUrl, StartupError } from "./db/client.ts";

export type RedisClient = Redis;

export async function openRedis(url: string): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    // Rate-limit checks must not hang a request when Redis blips: fail fast, let ioredis reconnect.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new StartupError(`Cannot connect to Redis at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return client;
}
