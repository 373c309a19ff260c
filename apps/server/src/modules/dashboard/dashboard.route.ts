import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../platform/errors.ts";

// The built dashboard (apps/dashboard/dist, `npm run build:dashboard`): a single-page app.
// Files under /assets carry a content hash in their names, so they are cached for a year;
// index.html is revalidated on every load so a new release is picked up at once. Any other GET
// that is not an API, realtime, widget, email or health path gets index.html and the client
// router draws the screen (a reload on /w/…/agents must not 404). Scripts and stylesheets go out
// Brotli- or gzip-compressed from the copies the build wrote beside them (vite.config.ts).

export const DASHBOARD_DIST = fileURLToPath(new URL("../../../../dashboard/dist/", import.meta.url));

/** Paths that belong to the server; a miss there stays a JSON 404, never the SPA. */
const SERVER_PATHS = /^\/(api|socket\.io|widget|email|healthz|readyz|metrics)(\/|\.|$)/;
const ASSET = /^\/assets\/[\w.-]+$/;
const ROOT_FILE = /^\/[\w-]+\.(svg|ico|png|txt|webmanifest)$/;

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/**
 * Serves the dashboard when it is built; returns false (registering nothing) when it is not,
 * so the caller can fall back to the placeholder pages.
 */
export function registerDashboardRoutes(app: FastifyInstance, dist: string = DASHBOARD_DIST): boolean {
  const indexFile = join(dist, "index.html");
  if (!existsSync(indexFile)) return false;
  /** Each file as raw bytes and, where the build wrote them, its compressed copies. */
  const assets = new Map<string, { raw: Buffer; br: Buffer | undefined; gzip: Buffer | undefined }>();
  const optional = (path: string) => readFile(path).catch(() => undefined);

  async function readOr404(path: string, what: string): Promise<Buffer> {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      throw new AppError("NOT_FOUND", `${what} not found`);
    }
  }

  async function serve(req: FastifyRequest, reply: FastifyReply) {
    const path = req.url.split("?")[0]!;
    if (SERVER_PATHS.test(path)) throw new AppError("NOT_FOUND", `No route for ${req.method} ${path}`);
    if (ASSET.test(path)) {
      let file = assets.get(path);
      if (!file) {
        const raw = await readOr404(join(dist, path), "Dashboard file");
        file = {
          raw,
          br: await optional(join(dist, `${path}.br`)),
          gzip: await optional(join(dist, `${path}.gz`)),
        };
        assets.set(path, file);
      }
      const accepts = String(req.headers["accept-encoding"] ?? "");
      const encoding =
        file.br && /\bbr\b/.test(accepts) ? "br" : file.gzip && /\bgzip\b/.test(accepts) ? "gzip" : undefined;
      reply
        .type(TYPES[extname(path)] ?? "application/octet-stream")
        .header("cache-control", "public, max-age=31536000, immutable")
        .header("vary", "accept-encoding");
      if (encoding) reply.header("content-encoding", encoding);
      return reply.send(encoding ? file[encoding] : file.raw);
    }
    if (ROOT_FILE.test(path)) {
      const body = await readOr404(join(dist, path), "File");
      return reply
        .type(TYPES[extname(path)] ?? "application/octet-stream")
        .header("cache-control", "public, max-age=3600")
        .send(body);
    }
    // A missing script or stylesheet must not be answered with HTML (the browser would report
    // a confusing MIME error instead of a 404).
    if (path.startsWith("/assets/") || /\.(js|css|map)$/.test(path)) {
      throw new AppError("NOT_FOUND", `No route for ${req.method} ${path}`);
    }
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(await readFile(indexFile));
  }

  const options = { schema: { hide: true }, config: { rateLimit: false } } as const;
  app.get("/", options, serve);
  app.get("/*", options, serve);
  return true;
}
