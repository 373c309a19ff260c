import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["apps/*/src/**/*.test.ts", "apps/*/test/**/*.test.ts", "packages/*/src/**/*.test.ts"],
    globalSetup: ["apps/server/test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Every test file builds its own database; two at a time suits the 2-core CI machines.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
