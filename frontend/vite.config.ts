import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";
import { precompress, scriptBudget } from "./build-plugins";

// The Rust server (default http://127.0.0.1:3000) serves the API; in development
// Vite serves the app and forwards the API, the health check, the WebSocket and
// the bot API to it.
const target = process.env.CAMPFIRE_API ?? "http://127.0.0.1:3000";

export default defineConfig({
  // 150 KB: what a mid-range phone on a slow 4G link fetches and parses in about a second.
  plugins: [react(), scriptBudget(150 * 1024), precompress()],
  server: {
    proxy: {
      "/api": { target, ws: true, changeOrigin: false },
      "/up": { target },
      "/assets/sounds": { target },
      "/assets/play": { target },
      "^/rooms/[^/]+/[^/]+/messages": { target },
    },
  },
  build: {
    outDir: "dist",
    // Built files go under /static/ so they never collide with the server's own
    // /assets/ (sounds and /play pictures).
    assetsDir: "static",
    // Source maps only on request (CAMPFIRE_SOURCEMAPS=1); the server never embeds them.
    sourcemap: process.env.CAMPFIRE_SOURCEMAPS === "1",
    chunkSizeWarningLimit: 500,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
