import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev:dashboard` serves the SPA with hot reload on :5173 and forwards API, realtime and
// widget requests to the server on :3000, so the session cookie stays same-origin.
const API = process.env.MINICHAT_API ?? "http://localhost:3000";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), tailwindcss()],
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
