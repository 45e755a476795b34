import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { buildIcons } from "./icons";

/**
 * Whether the production build is current, judged cheaply: a hash of the name, size and mtime of
 * every file the build reads (a few hundred stat calls, a few milliseconds), compared with the
 * hash stored when the last build finished.
 */

const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
  "package-lock.json",
];
const STAMP = path.join(".next", "reel-build.json");

export async function sourceFingerprint(root: string): Promise<string> {
  const hash = createHash("sha256");
  const visit = async (relative: string) => {
    const full = path.join(root, relative);
    const stat = await fs.stat(full).catch(() => null);
    if (!stat) return;
    if (stat.isDirectory()) {
      const names = (await fs.readdir(full)).sort();
      for (const name of names) {
        // Tests are not part of the build; editing one must not force a rebuild.
        if (name === "node_modules" || name.startsWith(".") || /\.test\.tsx?$/.test(name)) continue;
        await visit(path.join(relative, name));
      }
    } else {
      hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) await visit(input);
  return hash.digest("hex");
}

export async function buildStatus(root: string): Promise<{ needed: boolean; reason: string }> {
  const buildId = await fs.readFile(path.join(root, ".next", "BUILD_ID"), "utf8").catch(() => null);
  if (!buildId) return { needed: true, reason: "no production build yet" };
  const stamp = await fs.readFile(path.join(root, STAMP), "utf8").then(JSON.parse, () => null);
  if (stamp?.buildId !== buildId.trim()) return { needed: true, reason: "the build was not made by npm start" };
  if (stamp.fingerprint !== (await sourceFingerprint(root))) return { needed: true, reason: "sources changed since the last build" };
  return { needed: false, reason: "build is current" };
}

/** Generates the app icons, runs `next build` (output straight to the terminal), then records what it was built from. */
export async function runBuild(root: string, env: NodeJS.ProcessEnv, log: Logger) {
  const started = Date.now();
  await buildIcons(root);
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, "build"], { cwd: root, env: { ...env, NODE_ENV: "production" }, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see its output above`);
  // Fingerprint after the build: Next itself may touch tsconfig.json, which must not count as a change.
  const buildId = (await fs.readFile(path.join(root, ".next", "BUILD_ID"), "utf8")).trim();
  await fs.writeFile(path.join(root, STAMP), JSON.stringify({ buildId, fingerprint: await sourceFingerprint(root) }));
  log.info({ seconds: Math.round((Date.now() - started) / 100) / 10 }, "build finished");
}
