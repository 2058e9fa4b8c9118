import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The built bot (dist/), for the tests that run it as `npm start` does.
    globalSetup: ["test/helpers/build.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine. The
    // end-to-end files mostly wait on sockets and timers, so two run side by side in half the time.
    maxWorkers: 2,
  },
});
