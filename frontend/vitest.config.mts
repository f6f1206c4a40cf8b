import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// Unit tests of the UI's logic (no browser, no DOM): src/**/*.test.ts.
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
