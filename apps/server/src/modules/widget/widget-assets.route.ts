import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { AppError, notFound } from "../../platform/errors.ts";

// The built widget (apps/widget/dist, see apps/widget/build.mjs): the loader at a stable URL
// with a short cache, so a new release reaches host pages within minutes, and the panel under
// a content-hashed name cached for a year. Host pages load them from other origins, so the
// resource policy says cross-origin (helmet's default, same-origin, would block the script).

const DIST = fileURLToPath(new URL("../../../../widget/dist/", import.meta.url));
const HASHED = /^[\w-]+\.[0-9a-z]{8,}\.js$/i;
const LOADER_MAX_AGE = 300;

export function registerWidgetAssetRoutes(app: FastifyInstance): void {
  const hashed = new Map<string, Buffer>();

  async function read(path: string): Promise<Buffer> {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      throw new AppError("NOT_FOUND", "The widget is not built; run `npm run build -w @minichat/widget`");
    }
  }

  function script(reply: FastifyReply, body: Buffer, cache: string) {
    return reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("cache-control", cache)
      .header("cross-origin-resource-policy", "cross-origin")
      .header("access-control-allow-origin", "*")
      .send(body);
  }

  app.get(
    "/widget.js",
    { schema: { hide: true }, config: { rateLimit: false, cors: false } },
    async (_req, reply) => script(reply, await read(`${DIST}widget.js`), `public, max-age=${LOADER_MAX_AGE}`),
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
      return script(reply, body, "public, max-age=31536000, immutable");
    },
  );
}
