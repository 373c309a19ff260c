import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { AppError, notFound } from "../../platform/errors.ts";

// The built widget (apps/widget/dist, see apps/widget/build.mjs): the loader at a stable URL
// with a short cache, so a new release reaches host pages within minutes, and the panel under
// a content-hashed name cached for a year. Host pages load them from other origins, so the
// resource policy says cross-origin (helmet's default, same-origin, would block the script).
// Each file goes out Brotli- or gzip-compressed when the browser accepts it; the compressed
// copies are made once per file content (off the event loop) and kept in memory.

const DIST = fileURLToPath(new URL("../../../../widget/dist/", import.meta.url));
const HASHED = /^[\w-]+\.[0-9a-z]{8,}\.js$/i;
const LOADER_MAX_AGE = 300;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
type Encoded = { br: Buffer; gzip: Buffer };

export function registerWidgetAssetRoutes(app: FastifyInstance): void {
  const hashed = new Map<string, Buffer>();
  const encoded = new Map<string, Promise<Encoded>>();

  function compressed(body: Buffer): Promise<Encoded> {
    const key = createHash("sha256").update(body).digest("base64url");
    let entry = encoded.get(key);
    if (!entry) {
      const params = {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      };
      entry = Promise.all([brotli(body, { params }), gzipAsync(body, { level: 9 })]).then(([br, gz]) => ({
        br,
        gzip: gz,
      }));
      encoded.set(key, entry);
    }
    return entry;
  }

  async function read(path: string): Promise<Buffer> {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      throw new AppError("NOT_FOUND", "The widget is not built; run `npm run build -w @minichat/widget`");
    }
  }

  async function script(req: FastifyRequest, reply: FastifyReply, body: Buffer, cache: string) {
    reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("cache-control", cache)
      .header("cross-origin-resource-policy", "cross-origin")
      .header("access-control-allow-origin", "*")
      .header("vary", "accept-encoding");
    const accepts = String(req.headers["accept-encoding"] ?? "");
    const encoding = /\bbr\b/.test(accepts) ? "br" : /\bgzip\b/.test(accepts) ? "gzip" : undefined;
    if (!encoding) return reply.send(body);
    return reply.header("content-encoding", encoding).send((await compressed(body))[encoding]);
  }

  app.get(
    "/widget.js",
    { schema: { hide: true }, config: { rateLimit: false, cors: false } },
    async (req, reply) =>
      script(req, reply, await read(`${DIST}widget.js`), `public, max-age=${LOADER_MAX_AGE}`),
  );

  app.get(
    "/widget/:file",
    {
      schema: { hide: true, params: z.object({ file: z.string().max(200) }) },
      config: { rateLimit: false, cors: false },
    },
    async (req, reply) => {
      const { file } = req.params as { file: string };
      if (!HASHED.test(file)) throw notFound("Widget file");
      let body = hashed.get(file);
      if (!body) {
        body = await read(`${DIST}widget/${file}`);
        hashed.set(file, body);
      }
      return script(req, reply, body, "public, max-age=31536000, immutable");
    },
  );
}
