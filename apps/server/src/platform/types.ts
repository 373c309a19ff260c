import type { FastifyBaseLogger } from "fastify";

export type Logger = FastifyBaseLogger;

/** Injected so tests can move time without sleeping. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };
