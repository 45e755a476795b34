import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise<{ code: number | null; stderr: string }>((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

function issues(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.issues;
    throw error;
  }
  return [];
}

describe("configuration errors", () => {
  it("name the variable and what is expected", () => {
    expect(issues({ PORT: "eighty" })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(issues({ REEL_MEDIA_KEYS: "short:abc" })).toEqual(["REEL_MEDIA_KEYS: expected kid:secret[,kid:secret...] with secrets of 32+ characters"]);
    expect(issues({ DATABASE_URL: "mysql://x@y/z" })).toEqual(["DATABASE_URL: expected a postgres:// or postgresql:// URL"]);
    expect(issues({ REEL_WORKERS: "-1", AUTH_SECRET: "short" })).toEqual(["AUTH_SECRET: must be at least 32 characters", expect.stringMatching(/^REEL_WORKERS: /)]);
    expect(issues({ PORT: "", REEL_WORKERS: "2" })).toEqual([]);
  });

  it("stop `npm start` before anything starts, with a message naming the variable", async () => {
    const { code, stderr } = await launch({ PORT: "eighty", REEL_UPLOAD_MAX_BYTES: "lots" });
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid configuration:\n  - PORT: ");
    expect(stderr).toContain("  - REEL_UPLOAD_MAX_BYTES: expected a size such as 20GB, 500MiB or 1048576");
    expect(stderr).toContain("Reel did not start.");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
