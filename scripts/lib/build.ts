import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { build, type Plugin } from "esbuild";
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
  "workers",
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

/**
 * The processes `npm start` runs besides Next's own build, compiled with it. Run through tsx instead, the web
 * process measured 169 vs 134 MB RSS at ready and a worker 150 vs 102 MB, and each started seconds later:
 * every module is transformed (or looked up in tsx's cache) at each start.
 */
const SERVER_ENTRIES = { web: "lib/server/main.ts", worker: "workers/index.ts" } as const;
export type ServerEntry = keyof typeof SERVER_ENTRIES;

/** Where `npm start` runs a process from: its compiled bundle, or its TypeScript source in development. */
export function serverEntry(root: string, name: ServerEntry, { dev }: { dev: boolean }): string {
  return dev ? path.join(root, SERVER_ENTRIES[name]) : path.join(root, ".next", "reel", `${name}.mjs`);
}

/**
 * Node's ES module loader takes a subpath of a package without an "exports" map only with its file's extension
 * ("next/navigation.js"); tsx, like bundlers, adds it. The bundle imports such subpaths by their file.
 */
const subpathsWithExtension: Plugin = {
  name: "subpaths-with-extension",
  setup(builder) {
    builder.onResolve({ filter: /^(@[^/]+\/)?[^./@:][^/:]*\/[^.:]+$/ }, ({ path: specifier, resolveDir }) => {
      const name = specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
      let hasExports = true;
      try {
        const manifest = createRequire(path.join(resolveDir, "index.js")).resolve(`${name}/package.json`);
        hasExports = JSON.parse(readFileSync(manifest, "utf8")).exports !== undefined;
      } catch {
        // A package whose "exports" hide its package.json has an exports map: Node resolves its subpaths itself.
      }
      return { path: hasExports ? specifier : `${specifier}.js`, external: true };
    });
  },
};

/** One ES module per process, Reel's code inlined, packages loaded from node_modules as usual. */
async function compileServerEntries(root: string) {
  await build({
    absWorkingDir: root,
    entryPoints: SERVER_ENTRIES,
    outdir: path.join(root, ".next", "reel"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // Resolves "@/…" and maps "server-only" to its empty build, as tsx does through the same paths.
    tsconfig: path.join(root, "tsconfig.json"),
    plugins: [subpathsWithExtension],
    logLevel: "warning",
  });
}

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
  for (const name of Object.keys(SERVER_ENTRIES) as ServerEntry[]) {
    if (!(await fs.stat(serverEntry(root, name, { dev: false })).catch(() => null))) return { needed: true, reason: "the server processes are not compiled" };
  }
  if (stamp.fingerprint !== (await sourceFingerprint(root))) return { needed: true, reason: "sources changed since the last build" };
  return { needed: false, reason: "build is current" };
}

/** Generates the app icons, runs `next build` (output straight to the terminal), compiles the server processes, then records what it was built from. */
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
  await compileServerEntries(root);
  // Fingerprint after the build: Next itself may touch tsconfig.json, which must not count as a change.
  const buildId = (await fs.readFile(path.join(root, ".next", "BUILD_ID"), "utf8")).trim();
  await fs.writeFile(path.join(root, STAMP), JSON.stringify({ buildId, fingerprint: await sourceFingerprint(root) }));
  log.info({ seconds: Math.round((Date.now() - started) / 100) / 10 }, "build finished");
}
