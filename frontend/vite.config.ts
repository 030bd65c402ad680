import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The Rust server (default http://127.0.0.1:3000) serves the API; in development
// Vite serves the app and forwards the API, the health check, the WebSocket and
// the bot API to it.
const target = process.env.CAMPFIRE_API ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
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
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
