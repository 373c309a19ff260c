import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Writes a Brotli (.br) and a gzip (.gz) copy beside every script, stylesheet and SVG, compressed
 * once at build time at the highest levels, so the server sends them without spending CPU per
 * request (dashboard.route.ts picks one by Accept-Encoding).
 */
function precompress(): Plugin {
  return {
    name: "minichat-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      for (const file of Object.keys(bundle)) {
        if (!/\.(js|css|svg)$/.test(file)) continue;
        const path = join(options.dir ?? "dist", file);
        const body = readFileSync(path);
        if (body.length < 1024) continue;
        const params = {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        };
        writeFileSync(`${path}.br`, brotliCompressSync(body, { params }));
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// `npm run dev:dashboard` serves the SPA with hot reload on :5173 and forwards API, realtime and
// widget requests to the server on :3000, so the session cookie stays same-origin.
const API = process.env.MINICHAT_API ?? "http://localhost:3000";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), tailwindcss(), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Hashed file names under /assets are served with a one-year immutable cache.
    assetsDir: "assets",
    reportCompressedSize: false,
    // dist/.vite/manifest.json: which chunks each screen imports (bench/dashboard-size.bench.ts).
    manifest: true,
  },
  server: {
    port: 5173,
    proxy: {
      // The server refuses cookie requests from other origins (CSRF defence): the dev server's
      // requests are presented as coming from the server's own origin.
      "/api": {
        target: API,
        configure: (proxy) => proxy.on("proxyReq", (req) => req.setHeader("origin", new URL(API).origin)),
      },
      "/socket.io": { target: API, ws: true },
      "/widget": { target: API },
      "/healthz": { target: API },
    },
  },
});
