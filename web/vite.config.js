// Vite builds the dashboard into dist/, which `urja serve` (and the demo) serve at `/`.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // stellar-sdk expects Node's `global`; browsers have `globalThis`.
  define: { global: "globalThis" },
  server: { fs: { allow: [".."] }, proxy: { "/api": "http://127.0.0.1:8080" } },
  build: { outDir: "dist", chunkSizeWarningLimit: 2000 },
  test: { environment: "jsdom", include: ["src/**/*.test.{js,jsx}"] },
});
